"""Lighthouse's four scores (performance, accessibility, best practices, SEO) for every page of
the built site, the deck among them, on a phone, served with gzip as static hosts serve it.

Usage: python benchmarks/lighthouse.py [--site-dir DIR] [--lighthouse PATH] [--page PATH ...]
Without --site-dir it builds the site first (talksite build, strict) into a temporary folder.
Targets: performance 98 or more, and 100 in each other category, on every page. Not a test:
figures only.

Lighthouse is a dev dependency in package.json (``make install`` installs it into
``node_modules/``); ``--lighthouse`` names another. It runs its default, a mobile device on a
simulated slow 4G network, and drives Chromium: ``TALKSITE_CHROMIUM`` or Debian's
``/usr/bin/chromium``, headless, as the tests start it. The site is served from
http://127.0.0.1 (a free port), each text file gzipped as a static host sends it (its
precompressed ``.gz`` twin when the build wrote one); nothing else is asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import BuiltSite, build_site, chromium_executable, serve  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
_DEFAULT_LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
#: What static hosts compress (GitHub Pages among them).
_COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".py", ".map"}


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Files as a static host sends them: text gzipped when the browser accepts it."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or path.suffix not in _COMPRESSED or not path.is_file():
            return super().send_head()
        twin = path.with_name(path.name + ".gz")
        body = twin.read_bytes() if twin.is_file() else gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)


class _Body:
    """What send_head returns: a file-like body for copyfile."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


def serve_gzipped(directory: Path) -> contextlib.AbstractContextManager[str]:
    """Serve `directory` with gzip on 127.0.0.1 at a free port; yields its URL."""
    return serve(directory, handler_class=_GzipHandler)


def lighthouse_command(given: str | None) -> str:
    """The lighthouse executable: the one given, the dev dependency, or PATH's."""
    for candidate in (given, str(_DEFAULT_LIGHTHOUSE), shutil.which("lighthouse")):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("lighthouse not found: make install (it is a dev dependency), or --lighthouse PATH")


def scores(lighthouse: str, url: str) -> tuple[dict[str, int], list[str]]:
    """Lighthouse's score per category for ``url``, 0 to 100, and the audits that fell short."""
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
    short = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                short.append(f"{category}: {ref['id']}: {audit['title']} {value}".rstrip())
    found = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    return found, short


def page_paths(site: BuiltSite) -> list[str]:
    """Every page of the site as a server names it; the deck first."""
    paths = [site.url_path(page) for page in site.pages()]
    return sorted(paths, key=lambda path: (path != "slides/", path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="an already built site")
    parser.add_argument("--lighthouse", help="the lighthouse executable")
    parser.add_argument("--page", action="append", help="only this page (as served), repeatable")
    arguments = parser.parse_args()
    lighthouse = lighthouse_command(arguments.lighthouse)
    with tempfile.TemporaryDirectory() as temporary:
        site = BuiltSite(arguments.site_dir) if arguments.site_dir else None
        site = site or build_site(Path(temporary) / "site")
        with serve_gzipped(site.root) as base:
            print(f"{'page':<14} " + " ".join(f"{c:>15}" for c in CATEGORIES))
            for path in arguments.page or page_paths(site):
                found, short = scores(lighthouse, base + path)
                print(f"{path or '/':<14} " + " ".join(f"{found[c]:>15}" for c in CATEGORIES))
                for line in short:
                    print(f"    {line}")


if __name__ == "__main__":
    main()
