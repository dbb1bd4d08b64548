"""The deck's time to first slide: from navigation to reveal.js's ``ready`` event.

Usage: python benchmarks/deck_first_slide.py [--site-dir DIR] [--runs N]
Without --site-dir it builds the site first (mkdocs build --strict into a temporary folder).
Each run opens the deck in a fresh browser context (nothing cached) in headless Chromium,
over http://127.0.0.1 and from file://, and reads ``performance.now()`` when ``ready`` fires
(milliseconds since the navigation started). Prints each run and the medians. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import build_site, launch_chromium, serve, wait_until  # noqa: E402

# reveal.js dispatches "ready" on its .reveal element; listen on the document, capturing.
RECORD_READY = """
document.addEventListener("ready", (event) => {
  if (event.target instanceof Element && event.target.classList.contains("reveal")) {
    window.__deckReadyAt = performance.now();
  }
}, true);
"""


def time_to_ready(browser: Browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(RECORD_READY)
    page = context.new_page()
    page.goto(url)
    wait_until(page, "window.__deckReadyAt !== undefined", timeout=30_000)
    ready = page.evaluate("window.__deckReadyAt")
    context.close()
    return ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="an already built site (default: build)")
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deck-first-slide-") as tmp:
        site_dir = arguments.site_dir or build_site(Path(tmp) / "site").root
        deck = site_dir / "slides" / "index.html"
        with serve(site_dir) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for name, url in [("http", f"{base}slides/index.html"), ("file", deck.as_uri())]:
                times = [time_to_ready(browser, url) for _ in range(arguments.runs)]
                runs = ", ".join(f"{t:.0f}" for t in times)
                print(f"{name}: {runs} ms; median {statistics.median(times):.0f} ms")
            browser.close()


if __name__ == "__main__":
    main()
