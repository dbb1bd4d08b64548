"""Print the built deck to PDF with headless Chromium: reveal.js's ``?print-pdf`` view.

``python -m talksite.deck.pdf site/slides/index.html site/slides/slides.pdf`` (``make
slides-pdf`` runs the build with this step on). Chromium is ``TALKSITE_CHROMIUM`` if set,
else Debian's ``/usr/bin/chromium-headless-shell`` or ``/usr/bin/chromium``, the first present,
else Playwright's own browser.

Chromium is started here (:func:`talksite.processes.spawn`), not by Playwright's driver: a child
of ours leading its own process group, killed with us even if we are killed outright, and
ended with everything it started when the PDF is written. Playwright drives it over CDP.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from talksite import environment, processes
from talksite.deck.page_wait import wait_until
from talksite.errors import SetupError, TalksiteError

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["CHROMIUM_ARGS", "READY_TIMEOUT_MS", "chromium_executable", "chromium_page", "write_pdf"]

#: Quiet, offline, container-friendly Chromium.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
#: Debian's headless shell (apt-get install chromium-headless-shell) first: the same Blink as
#: the browser without the browser around it, and about half its CPU for a page; it is also
#: what Playwright itself runs headless. Else the browser, headless.
_DEBIAN_CHROMIUMS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
READY_TIMEOUT_MS = 30_000
_START_TIMEOUT_S = 30.0
#: Once asked to close, Chromium gets this long before its group is killed.
_CLOSE_TIMEOUT_S = 5.0


def chromium_executable() -> str | None:
    """The Chromium to drive, or ``None`` for the one ``playwright install`` downloads."""
    chosen = environment.setting(environment.CHROMIUM)
    if chosen:
        return chosen
    return next((path for path in _DEBIAN_CHROMIUMS if shutil.which(path)), None)


def write_pdf(deck_html: Path, pdf: Path) -> int:
    """Print ``deck_html`` (a built deck, opened from ``file://``) to ``pdf``; returns pages."""
    url = deck_html.resolve().as_uri() + "?print-pdf"
    with chromium_page() as page:
        page.goto(url)
        wait_until(page, "window.Reveal && Reveal.isReady()", timeout=READY_TIMEOUT_MS)
        pages = page.locator(".pdf-page").count()
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    return pages


@contextlib.contextmanager
def chromium_page() -> Iterator[Page]:
    """A page of headless Chromium, ours, for the length of the block (the PDFs print with it)."""
    # Imported here: builds and checks load this module for chromium_executable, few print.
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = chromium_executable() or playwright.chromium.executable_path
        with _headless_chromium(executable) as endpoint:
            browser = playwright.chromium.connect_over_cdp(endpoint)
            try:
                yield browser.new_page()
            finally:
                # Over CDP, close() only disconnects: ask the browser itself to quit (if it
                # is gone already, its group is killed below all the same).
                with contextlib.suppress(PlaywrightError):
                    browser.new_browser_cdp_session().send("Browser.close")
                browser.close()


@contextlib.contextmanager
def _headless_chromium(executable: str) -> Iterator[str]:
    """Headless Chromium with a throwaway profile, for the length of the block; yields the
    address Playwright connects to."""
    with processes.interrupt.temporary_folder("talksite-chromium-") as profile:
        try:
            chromium = processes.spawn(
                [executable, "--headless", "--remote-debugging-port=0"]
                + [f"--user-data-dir={profile}", *CHROMIUM_ARGS, "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:  # a TALKSITE_CHROMIUM that is missing, or no program
            raise SetupError(
                f"cannot start Chromium to print the PDF: {executable}: {error.strerror}"
                f" (set {environment.CHROMIUM} to the path of a Chromium)"
            ) from None
        try:
            yield _devtools_address(chromium, profile)
        finally:
            # Closing the browser over CDP ends it; its helpers go with its group.
            processes.wait_unreaped(chromium, _CLOSE_TIMEOUT_S)
            processes.kill_group(chromium)


def _devtools_address(chromium: subprocess.Popen[bytes], profile: Path) -> str:
    """Where Chromium listens for CDP, once it does: it writes the port it chose to its
    profile's ``DevToolsActivePort``."""
    announced = profile / "DevToolsActivePort"
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        lines = announced.read_text().splitlines() if announced.is_file() else []
        if len(lines) >= 2:  # the port, then the browser's path (written in one go)
            return f"http://127.0.0.1:{lines[0]}"
        if processes.wait_unreaped(chromium, 0.05):
            raise SetupError(
                f"{chromium.args[0]} exited before it listened for CDP: set TALKSITE_CHROMIUM"
                " to a Chromium that starts headless"
            )
    raise SetupError(f"{chromium.args[0]} did not listen for CDP in {_START_TIMEOUT_S:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deck_html", type=Path, help="the built deck, e.g. site/slides/index.html")
    parser.add_argument("pdf", type=Path, help="where to write the PDF")
    arguments = parser.parse_args()
    try:
        pages = write_pdf(arguments.deck_html, arguments.pdf)
    except TalksiteError as error:  # as the talksite command says it
        raise SystemExit(f"talksite: {error}") from None
    print(f"wrote {arguments.pdf} ({pages} pages)")


if __name__ == "__main__":
    main()
