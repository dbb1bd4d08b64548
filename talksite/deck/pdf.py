"""Print the built deck to PDF with headless Chromium: reveal.js's ``?print-pdf`` view.

``python -m talksite.deck.pdf site/slides/index.html site/slides/slides.pdf`` (``make
slides-pdf`` runs the build with this step on). Chromium is ``TALKSITE_CHROMIUM`` if set,
else Debian's ``/usr/bin/chromium`` if present, else Playwright's own browser.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

from talksite import environment

__all__ = ["CHROMIUM_ARGS", "chromium_executable", "write_pdf"]

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
_DEBIAN_CHROMIUM = "/usr/bin/chromium"
_READY_TIMEOUT_MS = 30_000


def chromium_executable() -> str | None:
    """The Chromium to drive, or ``None`` for the one ``playwright install`` downloads."""
    chosen = environment.setting(environment.CHROMIUM)
    if chosen:
        return chosen
    return _DEBIAN_CHROMIUM if shutil.which(_DEBIAN_CHROMIUM) else None


def write_pdf(deck_html: Path, pdf: Path) -> int:
    """Print ``deck_html`` (a built deck, opened from ``file://``) to ``pdf``; returns pages."""
    url = deck_html.resolve().as_uri() + "?print-pdf"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(),
            args=list(CHROMIUM_ARGS),
            headless=True,
        )
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=_READY_TIMEOUT_MS)
            pages = page.locator(".pdf-page").count()
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deck_html", type=Path, help="the built deck, e.g. site/slides/index.html")
    parser.add_argument("pdf", type=Path, help="where to write the PDF")
    arguments = parser.parse_args()
    pages = write_pdf(arguments.deck_html, arguments.pdf)
    print(f"wrote {arguments.pdf} ({pages} pages)")


if __name__ == "__main__":
    main()
