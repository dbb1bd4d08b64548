"""``mkdocs serve`` (``make serve``): a rebuild that fails shows its problems in the browser.

MkDocs' own dev server leaves a failed rebuild unfinished: every request then waits for a
build that never comes ("The server will appear stuck"), and the browser shows nothing.
:func:`report_failed_rebuilds` makes a failed rebuild a finished one instead: the errors and
warnings it logged (the same lines the terminal shows, one per problem) become a page that
every page request gets until a rebuild succeeds; the page reloads itself after the next
rebuild, as MkDocs' pages do. Stylesheets, scripts and images are still served.

The dev server logs every answer but 200 as a warning, and a strict build (a talk's
mkdocs.yml says ``strict: true``) fails on any warning logged while it runs: a browser's
request for a missing favicon during a rebuild would fail it. Those lines are logged as
information instead, and the error page is sent with status 200 for the same reason.
"""

from __future__ import annotations

import html
import logging
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import Abort

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

__all__ = ["error_page", "report_failed_rebuilds"]

log = logging.getLogger("mkdocs.plugins.talksite")

#: Polls MkDocs' livereload endpoint: epoch 0 answers at once with the site's epoch, which
#: then answers only once a newer build is finished (or after a minute, unchanged).
_RELOAD_SCRIPT = """
(function poll(epoch) {
  fetch("/livereload/" + epoch + "/" + Date.now())
    .then(function (response) { return response.text(); })
    .then(function (text) {
      var now = parseInt(text, 10);
      if (epoch > 0 && now > epoch) { location.reload(); } else { poll(now); }
    })
    .catch(function () { setTimeout(function () { poll(epoch); }, 1000); });
})(0);
"""


#: The dev server's own logger: it logs each request it answered.
_REQUESTS_LOGGER = "mkdocs.livereload"


class _Collected(logging.Handler):
    """The error and warning lines one build logs, as the terminal shows them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(_REQUESTS_LOGGER):
            self.lines.append(record.getMessage())


def _requests_as_information(record: logging.LogRecord) -> bool:
    """A request the dev server answered is not a problem of the build (see the module)."""
    if record.levelno == logging.WARNING:
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


def report_failed_rebuilds(server: LiveReloadServer) -> None:
    """Wrap ``server``'s rebuild and its requests: see the module's docstring."""
    failed: list[str] = []
    rebuild = server.builder
    serve_app = server.get_app()
    assert serve_app is not None  # set in LiveReloadServer's constructor

    def rebuild_reporting() -> None:
        collected = _Collected()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collected)
        try:
            rebuild()
        except Exception as error:  # whatever stopped it, the browser must hear of it
            if not isinstance(error, Abort):
                # Not a problem the build reported: its traceback, as MkDocs would print it.
                traceback.print_exc()
                collected.lines.append(f"{type(error).__name__}: {error}")
            failed[:] = collected.lines or [str(error)]
            log.error(
                "talksite: the site was not rebuilt; the browser shows why until a save fixes it"
            )
        else:
            failed.clear()
        finally:
            logger.removeHandler(collected)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if failed and _is_page(environ.get("PATH_INFO", "/")):
            body = error_page(failed).encode("utf-8")
            start_response(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return serve_app(environ, start_response)

    server.builder = rebuild_reporting
    server.set_app(app)
    logging.getLogger(_REQUESTS_LOGGER).addFilter(_requests_as_information)


def _is_page(path: str) -> bool:
    """A request for a page (what a browser navigates to), not for an asset or livereload."""
    if path.startswith("/livereload/"):
        return False
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


def error_page(lines: list[str]) -> str:
    """The page that lists a failed build's problems, one per line, escaped."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<title>The site was not rebuilt</title>"
        "<style>body{font-family:sans-serif;margin:2rem;max-width:60rem}"
        "li{margin:.5rem 0}code{white-space:pre-wrap}</style></head>\n"
        "<body><h1>The site was not rebuilt</h1>\n"
        "<p>Fix these in the talk's files; this page reloads after the next save.</p>\n"
        f"<ul>\n{items}\n</ul>\n"
        f"<script>{_RELOAD_SCRIPT}</script>\n"
        "</body></html>\n"
    )
