"""The home page's weight before any interaction, beside a page with a plain YouTube embed.

Usage: python benchmarks/page_weight.py [--site-dir DIR]
Without --site-dir it builds the site first (mkdocs build --strict into a temporary folder).
Budget: the home page <= 250 KB before interaction. Not a test: figures only.

Headless Chromium (Debian's, as the tests use it) loads each page from http://127.0.0.1,
waits for the network to be idle, and scrolls to the bottom. Every request is counted; bytes
are the response bodies as served here (uncompressed: Python's http.server does not
compress), and beside them each body gzipped at level 6, which is about what a host that
compresses (GitHub Pages, Netlify, nginx with gzip on) sends over the wire. Requests to any
other host are counted as attempted, then aborted: this machine is offline. For the plain
embed, that means only the iframe's own first request is seen; online, the player goes on to
load its scripts, styles, fonts and thumbnails from several Google hosts, so the figure here
is a floor, not the real cost.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, Response, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import RequestLog, build_site, launch_chromium, serve  # noqa: E402

from talksite.talk import load_talk  # noqa: E402

BUDGET_BYTES = 250 * 1024


@dataclass
class Weight:
    #: (URL, body bytes, gzipped body bytes)
    responses: list[tuple[str, int, int]] = field(default_factory=list)

    def record(self, response: Response) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body to read
            body = b""
        self.responses.append((response.url, len(body), len(gzip.compress(body, 6))))

    @property
    def total(self) -> int:
        return sum(size for _, size, _ in self.responses)

    @property
    def total_gzipped(self) -> int:
        return sum(size for _, _, size in self.responses)


def measure(page: Page, url: str) -> Weight:
    weight = Weight()
    page.on("response", weight.record)
    page.goto(url, wait_until="networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", weight.record)
    return weight


def plain_embed_page(folder: Path, video_id: str) -> Path:
    page = folder / "plain-embed" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Plain embed</title>"
        f'<iframe width="560" height="315" src="https://www.youtube.com/embed/{video_id}"'
        ' title="YouTube video player" allowfullscreen></iframe></html>',
        encoding="utf-8",
    )
    return page


def report(name: str, weight: Weight, log: RequestLog) -> None:
    local = [u for u in log.requests if log.is_local(u)]
    print(
        f"\n{name}: {len(log.requests)} requests ({len(local)} local,"
        f" {len(log.elsewhere())} to other hosts, aborted offline),"
        f" {weight.total / 1024:.1f} KB of response bodies,"
        f" {weight.total_gzipped / 1024:.1f} KB gzipped"
    )
    for url, size, gzipped in weight.responses:
        print(
            f"  {size / 1024:8.1f} KB {gzipped / 1024:8.1f} KB gz  {url.removeprefix(log.origin)}"
        )
    for url in log.elsewhere():
        print(f"  attempted    {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="an already built site (default: build)")
    arguments = parser.parse_args()
    talk = load_talk(REPO / "talk" / "talk.yml")
    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        site_dir = arguments.site_dir or build_site(Path(tmp) / "site").root
        embed_root = Path(tmp) / "embed"
        plain_embed_page(embed_root, talk.video.id)
        with serve(site_dir) as site_url, serve(embed_root) as embed_url, sync_playwright() as p:
            browser = launch_chromium(p)
            results = {}
            pages = [("home page", site_url), ("plain YouTube embed", f"{embed_url}plain-embed/")]
            for name, url in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                log = RequestLog.for_base(url)
                log.attach(context)
                weight = measure(context.new_page(), url)
                report(name, weight, log)
                results[name] = (weight, log)
                context.close()
            browser.close()
    home, _ = results["home page"]
    print()
    for label, total in [("as served here", home.total), ("gzipped", home.total_gzipped)]:
        verdict = "within" if total <= BUDGET_BYTES else "OVER"
        print(
            f"home page before interaction, {label}: {total / 1024:.1f} KB"
            f" (budget <= {BUDGET_BYTES // 1024} KB: {verdict})"
        )


if __name__ == "__main__":
    main()
