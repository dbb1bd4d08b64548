"""Helpers shared by the tests (their fixtures are in conftest.py) and the benchmarks: build a
talk's site, serve a folder, start Chromium, watch what a browser asks for.

``build`` runs ``talksite build`` (what ``make site`` runs) for a talk's folder; ``build_site``
does the same and fails unless it succeeds. ``serve`` puts a directory on http://127.0.0.1 (a
free port) for the length of a ``with`` block. ``launch_chromium`` starts headless Chromium:
``TALKSITE_CHROMIUM``, else Debian's headless shell or Chromium, else the one ``playwright
install chromium`` downloads (:func:`talksite.deck.pdf.chromium_executable`). ``RequestLog``
records every request a browser context makes and lets through only those to the local server.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from talksite import deck

# Playwright's wait_for_function fails now and then under the pages' Content-Security-Policy.
from talksite.deck.page_wait import wait_until

# One place says how to start Chromium: the deck's PDF printer uses the same.
from talksite.deck.pdf import CHROMIUM_ARGS, chromium_executable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Response, Route

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
    "serve",
    "wait_until",
]

REPO = Path(__file__).resolve().parent.parent
#: Generous: the machine may be busy with other people's tests.
BUILD_TIMEOUT_S = 300


@dataclass(frozen=True)
class BuiltSite:
    """A site built into ``root``: the pages and what they are called on a server."""

    root: Path

    @property
    def deck_html(self) -> Path:
        return self.root / deck.DECK_DIR / "index.html"

    def pages(self) -> list[Path]:
        """Every HTML page (each ``index.html``, the deck's among them, and ``404.html``)."""
        return sorted(self.root.rglob("*.html"))

    def url_path(self, page: Path) -> str:
        """The path a server gives ``page`` under, as a link on the site would name it."""
        relative = page.relative_to(self.root).as_posix()
        if relative == "index.html":
            return ""
        return relative.removesuffix("index.html")


def build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """``talksite build`` of the talk in ``project`` into ``site_dir``, as ``make site`` runs it:
    strict, so a warning fails it, and problems are on stderr, one line each."""
    return subprocess.run(
        [sys.executable, "-m", "talksite.cli", "build", "--site-dir", str(site_dir)],
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )


def make_and_build_a_new_talk(folder: Path) -> None:
    """A talk made by ``talksite new`` in `folder` and built, with reveal.js as this checkout's
    ``npm ci`` installed it (the same pin as the new talk's); its ``site/`` gets a MARKER file,
    to tell the previous site from a new one."""
    created = subprocess.run(
        [sys.executable, "-m", "talksite.cli", "new", str(folder)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port while the block runs; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium, with the arguments the deck's PDF printer starts it with."""
    return playwright.chromium.launch(
        executable_path=chromium_executable(), args=list(CHROMIUM_ARGS), headless=True
    )


#: Chromium drops a page's requests with this error when a network interface comes or goes,
#: and the TCP and outage demos that run beside the browser tests add and remove veth pairs.
NETWORK_CHANGED = "net::ERR_NETWORK_CHANGED"
#: Loads of a page before giving up on a network that keeps changing.
LOADS = 3
#: How long after a load its requests' failures are still listened for.
SETTLE_MS = 100


def goto(page: Page, url: str, **options: Any) -> Response | None:
    """``page.goto``, loaded again if Chromium dropped any of its requests because a network
    interface changed meanwhile: nothing the site did, and no reader's machine adds and
    removes interfaces every second. Any other failure stands."""
    from playwright.sync_api import Error

    for attempt in range(LOADS):
        dropped: list[str] = []

        def note(request: Any, dropped: list[str] = dropped) -> None:
            if request.failure == NETWORK_CHANGED:
                dropped.append(request.url)

        page.on("requestfailed", note)
        try:
            # Again, a reload: the same URL with a #fragment would not load the page again.
            response = page.reload(**options) if attempt else page.goto(url, **options)
            # A request's failure may be reported just after the load: hear it out first.
            page.wait_for_timeout(SETTLE_MS)
        except Error as error:
            if NETWORK_CHANGED not in str(error):
                raise
            continue
        finally:
            page.remove_listener("requestfailed", note)
        if not dropped:
            return response
    raise AssertionError(f"{url}: {NETWORK_CHANGED} on each of {LOADS} loads")


@dataclass
class RequestLog:
    """Every request a browser context makes; only those to ``origin`` reach the network.

    Attach with :meth:`attach` before the first page opens. Requests to any other origin are
    recorded, then aborted, so a test never waits on (or sends anything to) a remote host.
    """

    origin: str
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)

    @classmethod
    def for_base(cls, base_url: str) -> RequestLog:
        parts = urlsplit(base_url)
        return cls(origin=f"{parts.scheme}://{parts.netloc}")

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True  # in the page itself: no host is asked
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def attach(self, context: BrowserContext) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort("blockedbyclient")

    def elsewhere(self) -> list[str]:
        """The requests that went (or tried to go) to another host, in order."""
        return [url for url in self.requests if not self.is_local(url)]

    def clear(self) -> None:
        self.requests.clear()
        self.aborted.clear()
