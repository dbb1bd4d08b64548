"""Every page a reader can share names a social card that is there, a 1200x630 PNG, and
says so in its Open Graph tags (the size a preview is drawn at)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from talksite.checks.registry import Target
    from talksite.checks.site import BuiltSite

__all__ = ["CARD_SIZE", "find", "meta_pairs", "meta_tags"]

CARD_SIZE = (1200, 630)


class _Meta(HTMLParser):
    """The ``property`` or ``name`` and ``content`` of every ``<meta>`` in a page's head."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_head = self.in_head or tag == "head"
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and self.in_head and key and values.get("content") is not None:
            self.tags.append((key, values["content"] or ""))

    def handle_endtag(self, tag: str) -> None:
        self.in_head = self.in_head and tag != "head"


def meta_pairs(page: Path) -> list[tuple[str, str]]:
    """A page's ``<meta>`` tags as (``property`` or ``name``, ``content``), in page order,
    repeats kept."""
    parser = _Meta()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def meta_tags(page: Path) -> dict[str, str]:
    """A page's ``<meta>`` tags by ``property`` or ``name`` (the first of each)."""
    found: dict[str, str] = {}
    for key, content in meta_pairs(page):
        found.setdefault(key, content)
    return found


def find(target: Target) -> list[str]:
    """Each shared page (all but 404.html) whose card is missing or not 1200x630."""
    site = target.site
    problems = []
    for page in site.pages():
        if page.name == "404.html":
            continue
        name = f"site/{page.relative_to(site.root).as_posix()}"
        problem = _card_problem(site, page, meta_tags(page))
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def _card_problem(site: BuiltSite, page: Path, tags: dict[str, str]) -> str | None:
    # Pillow loads with the check, not with the registry every talksite command reads.
    from PIL import Image, UnidentifiedImageError

    image = tags.get("og:image")
    if not image:
        return "no social card (og:image)"
    declared = (tags.get("og:image:width"), tags.get("og:image:height"))
    want = tuple(str(n) for n in CARD_SIZE)
    if declared != want:
        return f"og:image:width/height say {declared[0]}x{declared[1]}; expected 1200x630"
    # The tag is absolute (site_url); the card is the file at its path within the site.
    path = urlsplit(image).path
    site_path = urlsplit(_site_url(site, page, tags)).path
    relative = path.removeprefix(site_path) if path.startswith(site_path) else path
    file = site.root / relative.lstrip("/")
    try:
        with Image.open(file) as card:
            found = (card.format, card.size)
    except (OSError, UnidentifiedImageError):
        return f"the social card {image} is not an image in the site"
    if found != ("PNG", CARD_SIZE):
        return (
            f"the social card {relative} is a {found[0]} of {found[1][0]}x{found[1][1]};"
            " expected a 1200x630 PNG"
        )
    return None


def _site_url(site: BuiltSite, page: Path, tags: dict[str, str]) -> str:
    """The site's own address, from the page's canonical URL (og:url) and its place."""
    url = tags.get("og:url", "")
    return url.removesuffix(site.url_path(page)) if url else "/"
