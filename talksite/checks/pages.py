"""The built site on a local server, and pages opened in Chromium that may ask nothing of
any other host.

:func:`serve` puts a folder on http://127.0.0.1 (a free port) while a ``with`` block runs.
:class:`RequestLog` records every request a browser context makes and lets through only those
to the local server; :meth:`RequestLog.settle` waits until a page has done what its load set
off. :func:`open_page` opens a path in a fresh context with such a log; :func:`goto` loads a
page again if Chromium dropped its requests because a network interface came or went
meanwhile.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Response, Route

__all__ = ["DESKTOP", "RequestLog", "goto", "open_page", "serve"]

DESKTOP = {"width": 1280, "height": 800}
#: Chromium drops a page's requests with this error when a network interface comes or goes
#: (network namespaces made beside the checks, for example).
NETWORK_CHANGED = "net::ERR_NETWORK_CHANGED"
#: What Playwright says when a navigation gives way to another (here: to a dropped load's
#: error page).
INTERRUPTED = "is interrupted by another navigation"
#: What Playwright says when a new page's own first navigation, to about:blank, commits only
#: after a load began (seen on a busy machine): nothing the site did either.
INTERRUPTED_BY_BLANK = f'{INTERRUPTED} to "about:blank"'
#: Loads of a page before giving up on a network that keeps changing.
LOADS = 3
#: How long after a load its requests' failures are still listened for.
SETTLE_MS = 100
#: How long settling waits for one image in view to load or fail.
IMAGE_WAIT_MS = 5000
#: Two frames (the page has laid out and drawn what its scripts did), then every image in view
#: still loading has loaded or failed, then a moment the page is idle (idle callbacks run in
#: the order asked, so those the page's scripts queued run first). The images: a lazy one that
#: a scroll brought into view is asked for by then, but its request can reach the log after the
#: page has said it is idle; its end comes only after the log's route has seen it. (An image
#: that neither loads nor fails in IMAGE_WAIT_MS is left as it is.)
_QUIET = """waitMs => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const inView = img => {
    const box = img.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.bottom >= 0 && box.top <= innerHeight;
  };
  const ended = img => new Promise(end => {
    img.addEventListener("load", end, {once: true});
    img.addEventListener("error", end, {once: true});
    setTimeout(end, waitMs);
  });
  const loading = Array.from(document.images).filter(img => !img.complete && inView(img));
  Promise.all(loading.map(ended)).then(
    () => requestIdleCallback(() => done(), {timeout: 2000}));
})))"""
#: How long a page may keep asking for things before the checks look at it as it is.
SETTLE_TIMEOUT_S = 15.0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(
    directory: Path, *, handler_class: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port while the block runs; yields its URL.
    ``handler_class`` answers the requests (a benchmark's compresses them, as hosts do)."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def goto(page: Page, url: str, **options: Any) -> Response | None:
    """``page.goto``, loaded again if Chromium dropped any of its requests because a network
    interface changed meanwhile, or if the page's own first navigation interrupted it: nothing
    the site did. Any other failure stands."""
    from playwright.sync_api import Error

    for attempt in range(LOADS):
        dropped: list[str] = []

        def note(request: Any, dropped: list[str] = dropped) -> None:
            if request.failure == NETWORK_CHANGED:
                dropped.append(request.url)

        page.on("requestfailed", note)
        try:
            if attempt:
                _leave(page)
            response = page.goto(url, **options)
            # A request's failure may be reported just after the load: hear it out first.
            page.wait_for_timeout(SETTLE_MS)
        except Error as error:
            if NETWORK_CHANGED not in str(error) and INTERRUPTED_BY_BLANK not in str(error):
                raise
            continue
        finally:
            page.remove_listener("requestfailed", note)
        if not dropped:
            return response
    raise AssertionError(
        f"{url}: {NETWORK_CHANGED} or {INTERRUPTED_BY_BLANK} on each of {LOADS} loads"
    )


def _leave(page: Page) -> None:
    """Away from the page whose load was dropped, so that loading its URL again loads it: the
    same URL with a #fragment would not; nor a reload, which the failed load's error page (in
    a process of its own) once refused ("Not attached to an active page")."""
    from playwright.sync_api import Error

    try:
        page.goto("about:blank")
    except Error as error:
        # That error page may still be on its way in, and take over from about:blank: the
        # page is away all the same.
        if INTERRUPTED not in str(error):
            raise


@dataclass
class RequestLog:
    """Every request a browser context makes; only those to ``origin`` reach the network.

    Attach with :meth:`attach` before the first page opens. Requests to any other origin are
    recorded, then aborted, so a check never waits on (or sends anything to) a remote host.
    """

    origin: str
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    #: Requests asked for and not yet answered (or failed).
    pending: int = 0

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
        context.on("request", self._asked)
        context.on("requestfinished", self._answered)
        context.on("requestfailed", self._answered)
        context.route("**/*", self._route)

    def _asked(self, request: Request) -> None:
        self.requests.append(request.url)
        self.pending += 1

    def _answered(self, request: Request) -> None:
        self.pending -= 1

    def settle(self, page: Page) -> None:
        """Until ``page`` has done what its load (or a scroll) set off: every request answered,
        two frames drawn and an idle moment passed, with no new request meanwhile. It waits on
        the page rather than on a clock (Playwright's "networkidle" waits for half a second
        without a request); after :data:`SETTLE_TIMEOUT_S` the page is taken as it is."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while time.monotonic() < deadline:
            asked = len(self.requests)
            page.evaluate(_QUIET, IMAGE_WAIT_MS)
            while self.pending > 0 and time.monotonic() < deadline:
                page.wait_for_timeout(20)  # lets Playwright deliver the answers' events
            if len(self.requests) == asked and self.pending <= 0:
                return

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


def open_page(
    browser: Browser, url: str, *, color_scheme: str = "light", **context_options: Any
) -> tuple[Page, RequestLog]:
    """``url`` in a fresh context that records (and keeps local) every request, loaded and
    settled; script errors on the page fail at once."""
    context_options.setdefault("viewport", DESKTOP)
    context = browser.new_context(color_scheme=color_scheme, **context_options)
    log = RequestLog.for_base(url)
    log.attach(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    goto(page, url)
    log.settle(page)
    if errors:
        raise AssertionError(f"{urlsplit(url).path}: script errors {errors}")
    return page, log
