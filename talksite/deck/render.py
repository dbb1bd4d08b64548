"""Render parsed slides through the site's own Markdown pipeline, and as a text page.

Slides go through Python-Markdown with exactly the extensions and settings that MkDocs
resolved from ``mkdocs.yml``, so code on a slide is highlighted by the same Pygments set-up
as on the pages, and ``--8<--`` includes read the same snippet files, failing on a missing file
or section. Placeholders are replaced before rendering (:mod:`talksite.deck.placeholders`):
``{{ site_url }}``, ``{{ qr_code }}`` (an inline SVG QR code of the site's address, made at
build time) and diagrams drawn from recorded outputs, such as ``{{ timeline("a/b.out") }}``.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import markdown
import segno
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.utils import get_relative_url
from pymdownx.snippets import SnippetMissingError

from talksite.deck.placeholders import Placeholders
from talksite.deck.slides import DeckError, Slide
from talksite.diagrams import Figure

__all__ = ["MarkdownSetup", "RenderedSlide", "qr_svg", "render_slides", "text_page"]

#: Where the deck lives in the built site, relative to its root.
DECK_URL = "slides/"
#: Stands in for the QR code while Markdown runs; the SVG replaces it afterwards.
_QR_TOKEN = "talksite-deck-qr-code"
_MD_LINK = re.compile(r"^(?P<path>[^:?#]+\.md)(?P<fragment>#.*)?$")
_HEADING_LINE = re.compile(r"^(#{1,6})(\s)")
_LINE_SPAN = re.compile(r'<span id="__span-\d+-\d+">')


@dataclass(frozen=True)
class MarkdownSetup:
    """The Markdown extensions and their settings, as MkDocs resolved them."""

    extensions: Sequence[str | Extension]
    configs: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class RenderedSlide:
    slide: Slide
    html: str
    notes_html: str


class _LinkError(Exception):
    pass


class _DeckLinks(Treeprocessor):
    """Point ``page.md`` links at the built pages, and keep heading ids unique per deck."""

    def __init__(self, md: markdown.Markdown, page_url: Callable[[str], str | None]) -> None:
        super().__init__(md)
        self.page_url = page_url
        self.prefix = ""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and "id" in element.attrib:
                element.set("id", self.prefix + element.get("id", ""))
            href = element.get("href") if element.tag == "a" else None
            match = _MD_LINK.match(href) if href else None
            if match is None:
                continue
            url = self.page_url(match.group("path"))
            if url is None:
                raise _LinkError(f"links to {match.group('path')}, which is not a page")
            relative = get_relative_url(url, DECK_URL)
            if url.endswith("/") or url == "":
                relative = relative.rstrip("/") + "/"
            element.set("href", relative + (match.group("fragment") or ""))


class _DeckExtension(Extension):
    def __init__(self, page_url: Callable[[str], str | None]) -> None:
        super().__init__()
        self.page_url = page_url
        self.processor: _DeckLinks | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.processor = _DeckLinks(md, self.page_url)
        # After toc (priority 5) has given headings their ids.
        md.treeprocessors.register(self.processor, "talksite_deck_links", 4)


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url``: dark on light in both colour schemes, for scanners."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        title=f"QR code: {url}",
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _deck_configs(setup: MarkdownSetup) -> dict[str, dict[str, Any]]:
    """The site's settings, minus heading permalinks (a pilcrow on every slide title)."""
    configs = {name: dict(config) for name, config in copy.deepcopy(dict(setup.configs)).items()}
    if "toc" in configs:
        configs["toc"]["permalink"] = False
    if "pymdownx.highlight" in configs:
        # No line anchors: empty links without a name, which nobody follows on a slide. A span
        # per line instead, so that the deck can show long code in steps (deck.js).
        configs["pymdownx.highlight"]["anchor_linenums"] = False
        configs["pymdownx.highlight"]["line_spans"] = "__span"
    return configs


def render_slides(
    slides: Sequence[Slide],
    *,
    setup: MarkdownSetup,
    site_url: str,
    source: str,
    page_url: Callable[[str], str | None],
    figures: Mapping[str, Callable[..., Figure]] | None = None,
    retitle: Callable[[str], str] = lambda markdown: markdown,
) -> list[RenderedSlide]:
    """Each slide's body and notes as HTML; a missing snippet or page fails naming the slide.

    ``retitle`` titles each excerpt of a snippet with the lines it shows."""
    deck_extension = _DeckExtension(page_url)
    md = markdown.Markdown(
        extensions=[*setup.extensions, deck_extension],
        extension_configs=_deck_configs(setup),
    )
    assert deck_extension.processor is not None
    # Drawn once: encoding a QR code is slow, and most slides do not show it.
    qr_code = f'<div class="qr">{qr_svg(site_url)}</div>'
    placeholders = Placeholders({"site_url": site_url, "qr_code": _QR_TOKEN}, figures or {})
    rendered: list[RenderedSlide] = []
    for slide in slides:

        def convert(text: str, *, slide: Slide = slide) -> str:
            md.reset()
            try:
                html = md.convert(retitle(placeholders.substitute(text, slide, source)))
            except SnippetMissingError as error:
                raise DeckError(slide.problem(source, str(error))) from error
            except _LinkError as error:
                raise DeckError(
                    slide.problem(source, str(error), "expected a page of the site")
                ) from error
            html = html.replace(f"<p>{_QR_TOKEN}</p>", qr_code).replace(_QR_TOKEN, qr_code)
            # Line spans are numbered per slide, so their ids would repeat across the deck.
            html = _LINE_SPAN.sub('<span class="line">', html)
            return placeholders.finish(html)

        deck_extension.processor.prefix = f"s{slide.number}-"
        rendered.append(
            RenderedSlide(slide=slide, html=convert(slide.body), notes_html=convert(slide.notes))
        )
    return rendered


def _demote(body: str, title: str) -> str:
    """The slide's body without its title heading, other headings below the slide's level."""
    lines = body.splitlines()
    out: list[str] = []
    title_seen = False
    for line in lines:
        heading = _HEADING_LINE.match(line)
        if heading and not title_seen and title in line:
            title_seen = True
            continue
        if heading:
            level = min(len(heading.group(1)) + 2, 6)
            line = "#" * level + line[len(heading.group(1)) :]
        out.append(line)
    return "\n".join(out).strip()


def text_page(
    slides: Sequence[Slide],
    *,
    site_url: str,
    source: str,
    deck_href: str,
    pdf_href: str | None = None,
    figures: Mapping[str, Callable[..., Figure]] | None = None,
) -> str:
    """Markdown for the "Slides as text" page: every slide's title, content and notes.

    ``deck_href`` and ``pdf_href`` are the deck's and the PDF's addresses relative to the page.
    """
    values = {"site_url": site_url, "qr_code": f"(QR code linking to <{site_url}>)"}
    placeholders = Placeholders(values, figures or {}, as_text=True)
    # Raw <a> for addresses outside the docs: MkDocs would log each Markdown link to them.
    intro = (
        f'Every slide of <a href="{deck_href}">the deck</a> in order: its title, its content and the'
        " speaker's notes, for screen readers, search and anyone who prefers to read."
    )
    parts = ["# Slides as text", "", intro]
    if pdf_href is not None:
        parts += ["", f'The deck is also available <a href="{pdf_href}">as a PDF</a>.']
    for slide in slides:
        parts += [
            "",
            f"## {slide.number}. {slide.title} {{ #slide-{slide.number} }}",
            "",
        ]
        parts.append(placeholders.substitute(_demote(slide.body, slide.title), slide, source))
        parts += [
            "",
            f'<a href="{deck_href}#/{slide.anchor}">Show slide {slide.number}</a>',
        ]
        if slide.notes:
            parts += [
                "",
                "**Speaker notes**",
                "",
                placeholders.substitute(slide.notes, slide, source),
            ]
    return "\n".join(parts) + "\n"
