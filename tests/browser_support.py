"""Shared by the tests that look at the built site: build it once, serve it, drive Chromium.

Any test module can use these. ``built_site`` builds the real site with ``mkdocs build
--strict`` once per pytest session, whichever module asks first (the path is kept on the
pytest config's stash). ``serve`` puts a directory on http://127.0.0.1 (a free port) for the
length of a ``with`` block. ``launch_chromium`` starts headless Chromium: Debian's
``/usr/bin/chromium`` (or ``TALKSITE_CHROMIUM``), else the one ``playwright install chromium``
downloads; when neither starts, the test skips, except under ``CI=true``, where it fails.
``RequestLog`` records every request a browser context makes and lets through only those to
the local server.
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
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

# One place says how to start Chromium: the deck's PDF printer uses the same.
from talksite.deck.pdf import CHROMIUM_ARGS, chromium_executable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright, Route

__all__ = [
    "CHROMIUM_ARGS",
    "REPO",
    "BuiltSite",
    "RequestLog",
    "build_site",
    "browser",
    "built_site",
    "chromium_executable",
    "launch_chromium",
    "serve",
]

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltSite:
    """A site built into ``root``: the pages and what they are called on a server."""

    root: Path

    def pages(self) -> list[Path]:
        """Every HTML page (each ``index.html``, the deck's among them, and ``404.html``)."""
        return sorted(self.root.rglob("*.html"))

    def url_path(self, page: Path) -> str:
        """The path a server gives ``page`` under, as a link on the site would name it."""
        relative = page.relative_to(self.root).as_posix()
        if relative == "index.html":
            return ""
        return relative.removesuffix("index.html")


def build_site(site_dir: Path, *, cwd: Path = REPO) -> BuiltSite:
    """``mkdocs build --strict`` of the project in ``cwd`` into ``site_dir``; fails on warnings."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr}", pytrace=False)
    return BuiltSite(site_dir)


_SITE_KEY = pytest.StashKey[BuiltSite]()


@pytest.fixture(scope="session")
def built_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> BuiltSite:
    """The real site, built once per session however many modules import this fixture."""
    stash = request.config.stash
    if _SITE_KEY not in stash:
        stash[_SITE_KEY] = build_site(tmp_path_factory.mktemp("built-site"))
    return stash[_SITE_KEY]


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
    """Headless Chromium; skips the test when none starts, fails instead under ``CI=true``."""
    from playwright.sync_api import Error

    executable = chromium_executable()
    try:
        return playwright.chromium.launch(
            executable_path=executable, args=list(CHROMIUM_ARGS), headless=True
        )
    except Error as error:
        name = executable or "Playwright's own Chromium"
        reason = f"cannot launch {name}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"{reason} (apt-get install chromium, or playwright install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


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
