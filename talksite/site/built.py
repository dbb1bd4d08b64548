"""What an engine's build (step 2) leaves for the steps on the built site (step 3): where the
site is, and each page it wrote, as plain data.

The plugin fills a :class:`BuiltSite` as the engine writes the pages
(:mod:`talksite.site.plugin`); :mod:`talksite.site.finish` reads nothing of the engine but it.
An engine without MkDocs' plugin hooks can fill it too, from its own list of pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talksite.deck import MarkdownSetup

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

__all__ = ["BuiltPage", "BuiltSite"]


@dataclass(frozen=True)
class BuiltPage:
    """One page the engine wrote."""

    #: Its Markdown file, relative to the docs folder: ``about.md``.
    source: str
    #: Its HTML file, relative to the site's root: ``about/index.html``.
    output: str
    #: Its address, relative to the site's root: ``about/``; ``""`` for the home page.
    url: str
    #: Its title as the engine gives it (it may hold inline markup); empty if none.
    title: str
    #: Its ``description`` front matter, if it has one.
    description: str | None
    homepage: bool

    @classmethod
    def of(cls, page: Page) -> BuiltPage:
        """What a MkDocs page object says of itself."""
        description = page.meta.get("description")
        return cls(
            source=page.file.src_uri,
            output=page.file.dest_uri,
            url=page.url,
            title=page.title or "",
            description=str(description) if description else None,
            homepage=page.is_homepage,
        )


@dataclass
class BuiltSite:
    """The site one build wrote, and the settings the steps on it need."""

    site_dir: Path
    #: mkdocs.yml's ``site_url``; None when it has none.
    site_url: str | None
    #: The Markdown extensions and their settings: the deck is rendered with the same.
    markdown: MarkdownSetup
    language: str
    #: The site's icon, relative to its root.
    favicon: str | None
    #: mkdocs.yml's ``theme``: its palette colours the deck, its logo marks every slide.
    theme: Mapping[str, Any] = field(default_factory=dict)
    pages: list[BuiltPage] = field(default_factory=list)
    #: Other HTML files the theme wrote from its templates (``404.html``).
    templates: list[str] = field(default_factory=list)

    def page_url(self, source: str) -> str | None:
        """The address of the page made from `source` (relative to the docs folder)."""
        return next((page.url for page in self.pages if page.source == source), None)
