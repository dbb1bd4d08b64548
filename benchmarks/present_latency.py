"""Two latencies of `talksite present` (targets: both <= 1 s), measured in Chromium:

- key press to first line: the presenter presses R on a code slide; how long until the
  snippet's first output line shows on the slide (warm servers, a fresh database each run);
- audience follow: the presenter changes slide; how long until an audience page shows it.

Usage: python benchmarks/present_latency.py [--slide ANCHOR] [--runs N]
Builds the site, starts `talksite present`, prints each try and the medians. Figures only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import build_site, launch_chromium, wait_until  # noqa: E402
from present_support import presenting  # noqa: E402

#: Both pages read one clock: the machine's, in milliseconds with fractions.
NOW = "performance.timeOrigin + performance.now()"


def open_deck(page: Page, url: str) -> Page:
    page.goto(url)
    wait_until(page, "window.Reveal && Reveal.isReady()")
    return page


def first_line_ms(page: Page) -> float:
    """Press R; the time from the key's event to the first output line on the slide."""
    page.evaluate(
        f"""() => {{
            window.pressed = null; window.firstLine = null;
            document.addEventListener('keydown', () => {{ window.pressed = {NOW}; }},
                {{capture: true, once: true}});
            const watch = new MutationObserver(() => {{
                if (!window.firstLine && document.querySelector('.present-run .present-line')) {{
                    window.firstLine = {NOW}; watch.disconnect(); }} }});
            watch.observe(document.body, {{subtree: true, childList: true}});
        }}"""
    )
    page.keyboard.press("r")
    page.wait_for_selector(".present-run:not([data-result=running])", timeout=120_000)
    result = page.get_attribute(".present-run", "data-result")
    if result not in ("matches", "differs"):
        status = page.inner_text(".present-run__status")
        raise SystemExit(f"the live run did not complete: {status}")
    return page.evaluate("window.firstLine - window.pressed")


def follow_ms(presenter: Page, audience: Page, key: str) -> float:
    """Press `key` in the presenter's deck; the time until the audience page has moved."""
    audience.evaluate(
        f"() => {{ window.moved = null; Reveal.on('slidechanged', () => {{ window.moved = {NOW}; }},"
        " {once: true}); }"
    )
    presenter.evaluate(
        f"() => document.addEventListener('keydown', () => {{ window.pressed = {NOW}; }},"
        " {capture: true, once: true})"
    )
    presenter.keyboard.press(key)
    wait_until(audience, "window.moved !== null", timeout=30_000)
    return audience.evaluate("window.moved") - presenter.evaluate("window.pressed")


def report(name: str, figures: list[float]) -> None:
    for number, ms in enumerate(figures, start=1):
        print(f"{name} {number}: {ms:.0f} ms")
    print(
        f"{name}: median {statistics.median(figures):.0f} ms, min {min(figures):.0f} ms,"
        f" max {max(figures):.0f} ms over {len(figures)} tries (target <= 1000 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slide", default="locking-queue", help="a code slide's anchor")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    site = build_site(Path(tempfile.mkdtemp(prefix="present-latency-")) / "site")
    with presenting(REPO, "--site", str(site.root)) as present, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        presenter = open_deck(browser.new_page(), f"{present.presenter_url}#/{args.slide}")
        first_line_ms(presenter)  # one run to warm the file cache, as a rehearsal would
        lines = [first_line_ms(presenter) for _ in range(args.runs)]
        # Between the second and third slides, which have no steps for the arrows to show.
        presenter.evaluate("Reveal.slide(1)")
        audience = open_deck(browser.new_page(), f"{present.base}/slides/")
        wait_until(audience, "Reveal.getIndices().h === 1")
        keys = ["ArrowRight", "ArrowLeft"] * args.runs
        follows = [follow_ms(presenter, audience, key) for key in keys[: args.runs]]
        browser.close()
    report("key press to first line", lines)
    report("audience follow", follows)


if __name__ == "__main__":
    main()
