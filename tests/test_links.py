"""Every internal link and anchor in the built site resolves; external links are listed only.

The built HTML is read with the standard library's parser: every ``href`` and ``src`` is
resolved against its page as a browser would, to a file in the site and, for a ``#fragment``,
to an element with that ``id`` (or ``<a name>``) in the target page. External links are never
fetched: they go to ``artifacts/external-links.txt`` with the pages that hold them.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from browser_support import REPO, BuiltSite

from talksite.site.video import watch_url
from talksite.talk import Talk

ARTIFACTS = REPO / "artifacts"
#: A stand-in origin: every page gets an absolute URL on it, so urljoin resolves like a browser.
ORIGIN = "http://site.test/"
LINK_ATTRIBUTES = {"href", "src"}


class PageLinks(HTMLParser):
    """The ids a page defines and the links it holds (as written, in order)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in LINK_ATTRIBUTES and value.strip():
                self.links.append(value.strip())


def read_page(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@dataclass(frozen=True)
class LinkReport:
    broken: list[str]
    #: External URL -> the site paths of the pages that link it.
    external: dict[str, list[str]]


def check_links(site: BuiltSite) -> LinkReport:
    """Resolve every link on every page of ``site``; nothing is fetched."""
    pages = {page.relative_to(site.root).as_posix(): read_page(page) for page in site.pages()}
    broken: list[str] = []
    external: dict[str, set[str]] = defaultdict(set)
    for name, page in pages.items():
        base = urljoin(ORIGIN, name)
        for link in page.links:
            absolute = urljoin(base, link)
            if not absolute.startswith(ORIGIN):
                if urlsplit(absolute).scheme not in {"data", "blob", "javascript"}:
                    external[absolute].add(name)
                continue
            problem = _resolve(site, pages, absolute.removeprefix(ORIGIN))
            if problem:
                broken.append(f"{name}: {link!r}: {problem}")
    return LinkReport(broken, {url: sorted(names) for url, names in sorted(external.items())})


def _resolve(site: BuiltSite, pages: dict[str, PageLinks], target: str) -> str | None:
    """None if ``target`` (a path in the site, with query and fragment) exists, else why not."""
    address, fragment = urldefrag(target)
    path = unquote(urlsplit(address).path)
    path = posixpath.normpath(path) if path else ""
    if path.startswith(".."):
        return "points above the site's root"
    if path in {"", "."}:
        path = "index.html"
    elif (site.root / path).is_dir():
        path = posixpath.join(path, "index.html")
    if not (site.root / path).is_file():
        return f"no file {path}"
    if not fragment:
        return None
    fragment = unquote(fragment)
    if path not in pages:
        return f"#{fragment} into {path}, which is not a page"
    # reveal.js addresses a slide as #/ID (its hash routing); ID is the slide section's id.
    wanted = fragment.removeprefix("/") if fragment.startswith("/") else fragment
    if wanted not in pages[path].ids:
        return f"no id {wanted!r} in {path}"
    return None


def test_every_internal_link_and_anchor_resolves(built_site: BuiltSite) -> None:
    report = check_links(built_site)
    assert report.broken == [], "broken links:\n" + "\n".join(report.broken)


def test_external_links_are_listed_not_fetched(built_site: BuiltSite, this_talk: Talk) -> None:
    report = check_links(built_site)
    ARTIFACTS.mkdir(exist_ok=True)
    listing = ARTIFACTS / "external-links.txt"
    lines = [f"{url}\t{' '.join(names)}" for url, names in report.external.items()]
    listing.write_text(
        "# External links in the built site (not fetched), each with the pages that hold it.\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    assert watch_url(this_talk.video) in report.external
    assert "index.html" in report.external[watch_url(this_talk.video)]
    assert this_talk.talk_page in report.external


def test_the_checker_finds_missing_files_and_anchors(tmp_path: Path) -> None:
    """The checker itself can fail: a made-up site with one good and four broken links."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Home</h1><a href="a/#here">good</a> <a href="a/#gone">no anchor</a>'
        ' <a href="b/">no page</a> <img src="missing.png" alt=""> <a href="#nowhere">self</a>'
        ' <a href="https://example.org/">external</a> <a href="#top">top</a>',
        encoding="utf-8",
    )
    (tmp_path / "a" / "index.html").write_text(
        '<p id="here">Here</p><a href="../">home</a>', encoding="utf-8"
    )
    report = check_links(BuiltSite(tmp_path))
    assert report.broken == [
        "index.html: 'a/#gone': no id 'gone' in a/index.html",
        "index.html: 'b/': no file b",
        "index.html: 'missing.png': no file missing.png",
        "index.html: '#nowhere': no id 'nowhere' in index.html",
    ]
    assert report.external == {"https://example.org/": ["index.html"]}
