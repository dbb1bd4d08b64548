"""Helpers shared by the tests (their fixtures are in conftest.py) and the benchmarks: build a
talk's site, serve a folder, start Chromium, watch what a browser asks for.

``build`` runs ``talksite build`` (what ``make site`` runs) for a talk's folder; ``build_site``
does the same and fails unless it succeeds. ``launch_chromium`` starts headless Chromium:
``TALKSITE_CHROMIUM``, else Debian's headless shell or Chromium, else the one ``playwright
install chromium`` downloads (:func:`talksite.deck.pdf.chromium_executable`). ``serve``,
``RequestLog``, ``goto``, ``open_page`` and ``BuiltSite`` are talksite's own
(talksite.checks), the ones its checks of every talk's site use.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from command_support import run_talksite

from talksite.checks.pages import RequestLog, goto, open_page, serve
from talksite.checks.site import BuiltSite

# Playwright's wait_for_function fails now and then under the pages' Content-Security-Policy.
from talksite.deck.page_wait import wait_until

# One place says how to start Chromium: the deck's PDF printer uses the same.
from talksite.deck.pdf import CHROMIUM_ARGS, chromium_executable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

__all__ = [
    "CHROMIUM_ARGS",
    "REPO",
    "BuiltSite",
    "RequestLog",
    "build",
    "build_site",
    "chromium_executable",
    "goto",
    "launch_chromium",
    "make_and_build_a_new_talk",
    "open_page",
    "serve",
    "serving",
    "wait_until",
]

REPO = Path(__file__).resolve().parent.parent
#: Generous: the machine may be busy with other people's tests.
BUILD_TIMEOUT_S = 300


def build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """``talksite build`` of the talk in ``project`` into ``site_dir``, as ``make site`` runs it:
    strict, so a warning fails it, and problems are on stderr, one line each."""
    return run_talksite(
        "build",
        "--site-dir",
        str(site_dir),
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        timeout=BUILD_TIMEOUT_S,
    )


def make_and_build_a_new_talk(folder: Path) -> None:
    """A talk made by ``talksite new`` in `folder` and built, with reveal.js as this checkout's
    ``npm ci`` installed it (the same pin as the new talk's); its ``site/`` gets a MARKER file,
    to tell the previous site from a new one."""
    created = run_talksite("new", str(folder), cwd=folder.parent, timeout=BUILD_TIMEOUT_S)
    assert created.returncode == 0, created.stderr
    (folder / "node_modules").symlink_to(REPO / "node_modules")
    built = build(folder, folder / "site")
    assert built.returncode == 0, built.stderr
    (folder / "site" / "MARKER").write_text("the previous build\n")


def build_site(site_dir: Path, *, project: Path = REPO) -> BuiltSite:
    """The talk in ``project`` built into ``site_dir``; fails (with MkDocs' output) otherwise."""
    result = build(project, site_dir)
    if result.returncode != 0:
        pytest.fail(f"talksite build failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return BuiltSite(site_dir)


@contextlib.contextmanager
def serving(
    engine: str, project: Path, env: dict[str, str], log: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``ENGINE serve`` of the talk in `project` on a free port, as ``make serve`` runs it,
    its output in `log`, until the block ends; yields it and its address. It is then stopped
    with Ctrl-C, as ``make serve`` is, so that the engine removes its temporary site folder
    (and killed if it has not ended 30 s later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", engine, "serve", "--config-file", "mkdocs.yml"]
            + ["--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield server, f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium, with the arguments the deck's PDF printer starts it with."""
    return playwright.chromium.launch(
        executable_path=chromium_executable(), args=list(CHROMIUM_ARGS), headless=True
    )
