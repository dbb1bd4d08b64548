"""Lighthouse's accessibility, best-practices and SEO scores for the deck and the home page.

Usage: python benchmarks/lighthouse.py [--site-dir DIR] [--lighthouse PATH]
Without --site-dir it builds the site first (talksite build, strict) into a temporary folder.
Target: 100 in each category, on both pages. Not a test: figures only.

Lighthouse is an npm package, not one of this repository's dependencies (it is large, and
only this measurement needs it); install it anywhere, for example
``npm install --prefix /tmp/lh lighthouse``, and pass its ``node_modules/.bin/lighthouse``
(the default is that path, then ``lighthouse`` on PATH). It drives Chromium:
``TALKSITE_CHROMIUM`` or Debian's ``/usr/bin/chromium``, headless, as the tests start it.
The site is served from http://127.0.0.1 (a free port); nothing else is asked for.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import build_site, chromium_executable, serve  # noqa: E402

CATEGORIES = ("accessibility", "best-practices", "seo")
PAGES = {"deck": "slides/index.html", "home": ""}
_DEFAULT_LIGHTHOUSE = "/tmp/lh/node_modules/.bin/lighthouse"


def lighthouse_command(given: str | None) -> str:
    """The lighthouse executable: the one given, the default install, or PATH's."""
    for candidate in (given, _DEFAULT_LIGHTHOUSE, shutil.which("lighthouse")):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("lighthouse not found: npm install --prefix /tmp/lh lighthouse, or --lighthouse PATH")


def scores(lighthouse: str, url: str, *, failures: bool) -> dict[str, int]:
    """Lighthouse's score per category for ``url``, 0 to 100; prints what fell short."""
    chrome = chromium_executable() or "/usr/bin/chromium"
    result = subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
        ],
        env=dict(os.environ, CHROME_PATH=chrome),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stdout)
    if failures:
        for category in CATEGORIES:
            for ref in report["categories"][category]["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                    print(f"    {category}: {ref['id']}: {audit['title']}")
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="an already built site")
    parser.add_argument("--lighthouse", help="the lighthouse executable")
    arguments = parser.parse_args()
    lighthouse = lighthouse_command(arguments.lighthouse)
    with tempfile.TemporaryDirectory() as temporary:
        site = arguments.site_dir or build_site(Path(temporary) / "site").root
        with serve(site) as base:
            print(f"{'page':<6} " + " ".join(f"{c:>15}" for c in CATEGORIES))
            for name, path in PAGES.items():
                found = scores(lighthouse, base + path, failures=True)
                print(f"{name:<6} " + " ".join(f"{found[c]:>15}" for c in CATEGORIES))


if __name__ == "__main__":
    main()
