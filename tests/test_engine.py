"""The engine (README, "Engine"): ProperDocs, the maintained fork of MkDocs 1.x, builds the
same site as MkDocs, stops on a warning as MkDocs does, and serves the site with live reload
as MkDocs does; a wrong engine is one line.

The real talk is built once more here, by the fork, and compared file by file with the
session's build (``built_site``, on the engine ``TALKSITE_ENGINE`` names: MkDocs unless
``make test ENGINE=properdocs``); so every test of the built site holds on both engines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import BUILD_TIMEOUT_S, REPO, BuiltSite, serving
from shared_support import made_once

from talksite.engine import ENGINE, ENGINES

if TYPE_CHECKING:
    from playwright.sync_api import Browser

FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
FORK = "properdocs"
_GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)">')
#: The sitemap holds the day of the build.
_DATED = ("sitemap.xml", "sitemap.xml.gz")


def talksite_build(project: Path, site_dir: Path, engine: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "talksite.cli", "build", "--site-dir", str(site_dir)],
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **{ENGINE: engine}),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )


def generator(page: Path) -> str:
    found = _GENERATOR.search(page.read_text(encoding="utf-8"))
    assert found is not None, page
    return found.group(1)


def _built_by_the_fork(site: Path) -> None:
    result = talksite_build(REPO, site, FORK)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def fork_site(pytestconfig: pytest.Config) -> Path:
    """This talk's site built by ProperDocs, once for all workers."""
    return made_once(pytestconfig, "fork-site", _built_by_the_fork)


def test_the_fork_builds_the_same_site_as_the_engine_chosen(
    built_site: BuiltSite, fork_site: Path
) -> None:
    assert generator(fork_site / "index.html").startswith("mkdocs-ProperDocs 1.6.")
    chosen = os.environ.get(ENGINE) or "mkdocs"
    expected = "mkdocs-ProperDocs " if chosen == FORK else "mkdocs-1."
    assert generator(built_site.root / "index.html").startswith(expected)

    def files(site: Path) -> list[str]:
        return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())

    assert files(fork_site) == files(built_site.root)
    differing = []
    for name in files(fork_site):
        ours, theirs = (site / name for site in (built_site.root, fork_site))
        if name.endswith(_DATED):
            continue
        if name.endswith(".html"):
            same = _GENERATOR.sub("", ours.read_text()) == _GENERATOR.sub("", theirs.read_text())
        else:
            same = ours.read_bytes() == theirs.read_bytes()
        if not same:
            differing.append(name)
    assert differing == []


@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_warning_stops_the_build_on_either_engine(tmp_path: Path, engine: str) -> None:
    project = Path(shutil.copytree(FIXTURE, tmp_path / "talk"))
    page = project / "docs" / "only-layer.md"
    page.write_text(page.read_text() + "\nSee [the outage](no-such-page.md).\n")
    result = talksite_build(project, project / "site", engine)
    assert result.returncode == 1, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "no-such-page.md" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("WARNING")
    assert "Traceback" not in result.stderr
    assert [path.name for path in project.iterdir() if path.name.startswith("site")] == []


def test_an_unknown_engine_is_one_line_and_builds_nothing(tmp_path: Path) -> None:
    result = talksite_build(FIXTURE, tmp_path / "site", "zensical")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"talksite: {ENGINE}=zensical: no such engine; expected one of mkdocs, properdocs"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(params=list(ENGINES))
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A copy of the small talk, served by ``ENGINE serve`` as ``make serve`` runs it."""
    project = Path(shutil.copytree(FIXTURE, tmp_path / "talk"))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{ENGINE: request.param})
    with serving(request.param, project, env, tmp_path / "serve.log") as (server, url):
        deadline = time.monotonic() + BUILD_TIMEOUT_S
        while not _answers(url + "slides/index.html"):
            log_text = (tmp_path / "serve.log").read_text()
            assert server.poll() is None and time.monotonic() < deadline, log_text
            time.sleep(0.2)
        yield project, url


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.browser
def test_serve_reloads_the_page_on_a_save(served: tuple[Path, str], browser: Browser) -> None:
    project, url = served
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(url + "only-layer/")
    source = project / "docs" / "only-layer.md"
    source.write_text(source.read_text() + "\nA sentence saved just now.\n")
    # Found by Playwright's own script, which the page's policy does not govern.
    page.get_by_text("A sentence saved just now.").wait_for(timeout=60_000)
    assert errors == []
