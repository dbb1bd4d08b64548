"""``make serve`` on a new talk: a content error shows in the browser, as a page listing the
problems as the terminal does; no request hangs on it; the next good save brings the site back.

One real ``mkdocs serve`` for the module, on a free port, and real HTTP requests, each with a
timeout (MkDocs' own server held every request until the build succeeded).
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import REPO, serving

#: No request may take longer: a rebuild of the new talk takes a few seconds.
REQUEST_TIMEOUT_S = 20
#: How long the server has to start, or to notice a save and rebuild.
SETTLE_S = 120
MISSING_SECTION = (
    "talk/slides.md:19: slide 2 ('The first layer'): snippets/first-layer/ask.py has no"
    " section 'nosuch'; expected one of: ask"
)


def get(url: str) -> tuple[int, str]:
    """Status and body; a request that takes longer than REQUEST_TIMEOUT_S fails the test."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def until(url: str, shows: str) -> str:
    """Ask again until the page holds `shows` (the server rebuilds after a save)."""
    deadline = time.monotonic() + SETTLE_S
    body = ""
    while time.monotonic() < deadline:
        try:
            status, body = get(url)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionRefusedError):
                raise  # a timeout: the request hung
        else:
            if status == 200 and shows in body:
                return body
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {shows!r}; last:\n{body}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A new talk under ``mkdocs serve``: its folder and its address."""
    folder = tmp_path_factory.mktemp("serve") / "talk"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    made = subprocess.run(
        [sys.executable, "-m", "talksite.cli", "new", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    (folder / "node_modules").symlink_to(REPO / "node_modules")
    with serving("mkdocs", folder, env, folder.parent / "serve.log") as (_, url):
        yield folder, url


def test_a_content_error_shows_in_the_browser_and_the_next_save_clears_it(
    served: tuple[Path, str],
) -> None:
    folder, url = served
    home = "<title>The title of your talk</title>"
    until(url, home)
    slides = folder / "talk" / "slides.md"
    good = slides.read_text(encoding="utf-8")
    slides.write_text(good.replace("first-layer/ask.py:ask", "first-layer/ask.py:nosuch"))

    page = until(url, html.escape(MISSING_SECTION))
    assert "<title>The site was not rebuilt</title>" in page
    # Every page says so, not only the home page; other files are still served.
    assert html.escape(MISSING_SECTION) in get(f"{url}first-layer/")[1]
    assert get(f"{url}sitemap.xml")[0] == 200
    # What the page polls to reload itself after the next rebuild answers, with the epoch.
    status, epoch = get(f"{url}livereload/0/0")
    assert status == 200 and epoch.isdigit()
    log = (folder.parent / "serve.log").read_text(encoding="utf-8")
    assert f"ERROR   -  {MISSING_SECTION}" in log  # the same line in the terminal
    assert "appear stuck" not in log

    slides.write_text(good, encoding="utf-8")
    until(url, home)
    status, layer = get(f"{url}first-layer/")
    assert status == 200 and "6 * 7 = 42" in layer
