"""Every link and anchor inside the built site resolves; links elsewhere are listed, never
fetched.

The built HTML is read with the standard library's parser: every ``href`` and ``src`` is
resolved against its page as a browser would, to a file in the site and, for a ``#fragment``,
to an element with that ``id`` (or ``<a name>``) in the target page.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

if TYPE_CHECKING:
    from talksite.checks.registry import Target
    from talksite.checks.site import BuiltSite

__all__ = ["LinkReport", "check_links", "find"]

#: A stand-in origin: every page gets an absolute URL on it, so urljoin resolves like a browser.
ORIGIN = "http://site.test/"
LINK_ATTRIBUTES = {"href", "src"}


class PageLinks(HTMLParser):
    """The ids a page defines and the links it holds (as written, in order, with lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in LINK_ATTRIBUTES and value.strip():
                self.links.append((self.getpos()[0], value.strip()))


def read_page(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@dataclass(frozen=True)
class LinkReport:
    #: ``page:line: 'link': why``, the page as the site names it.
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
        for line, link in page.links:
            absolute = urljoin(base, link)
            if not absolute.startswith(ORIGIN):
                if urlsplit(absolute).scheme not in {"data", "blob", "javascript"}:
                    external[absolute].add(name)
                continue
            problem = _resolve(site, pages, absolute.removeprefix(ORIGIN))
            if problem:
                broken.append(f"{name}:{line}: {link!r}: {problem}")
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
    # reveal.js addresses a slide as #/ID (in its URL hash); ID is the slide section's id.
    wanted = fragment.removeprefix("/")
    if wanted not in pages[path].ids:
        return f"no id {wanted!r} in {path}"
    return None


def find(target: Target) -> list[str]:
    """The broken links, each at its built page and line (``site/`` is the built site)."""
    return [f"site/{line}" for line in check_links(target.site).broken]
