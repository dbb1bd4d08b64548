"""The deck's part of the site's pages: the generated "Slides as text" page, and links from
the pages that slides name (``page="..."``) to those slides and to the PDF."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from talksite.deck.build import DECK_DIR, TEXT_PAGE
from talksite.deck.render import text_page
from talksite.deck.slides import Slide
from talksite.diagrams import Figure
from talksite.errors import SetupError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

__all__ = [
    "DECK_HANDOUT",
    "DECK_PAGE",
    "DECK_PDF",
    "PDF_NAME",
    "TEXT_PAGE",
    "link_page_to_slides",
    "text_page_file",
]

PDF_NAME = "slides.pdf"
_NOT_A_TEMPLATE = "---\nrender_macros: false\n---\n\n"
# Links name index.html, so that they also work in a site opened from file://.
DECK_PAGE = f"{DECK_DIR}/index.html"
DECK_PDF = f"{DECK_DIR}/{PDF_NAME}"
#: The handout (``talksite build --handout``: :mod:`talksite.deck.handout`).
DECK_HANDOUT = f"{DECK_DIR}/handout.pdf"


def text_page_file(
    slides: Sequence[Slide],
    files: Files,
    config: MkDocsConfig,
    *,
    source: str,
    pdf: bool,
    figures: Mapping[str, Callable[..., Figure]] | None = None,
) -> File:
    """The "Slides as text" page, generated; a page of that name in docs/ is an error."""
    if files.get_file_from_path(TEXT_PAGE) is not None:
        raise SetupError(f"docs/{TEXT_PAGE} exists, but the deck generates that page: rename it")
    page = File(
        TEXT_PAGE,
        src_dir=None,
        dest_dir=config.site_dir,
        use_directory_urls=config.use_directory_urls,
    )
    page.generated_by = "talksite"
    # Its placeholders are filled already; what is left (figures' text, which holds talk.yml's
    # layer titles) is text, so mkdocs-macros must not read it as a template.
    page.content_string = _NOT_A_TEMPLATE + text_page(
        slides,
        site_url=config.site_url or "",
        source=source,
        deck_href=get_relative_url(DECK_PAGE, page.url),
        pdf_href=get_relative_url(DECK_PDF, page.url) if pdf else None,
        figures=figures,
    )
    return page


def link_page_to_slides(
    markdown: str, page: Page, slides: Sequence[Slide], *, pdf: bool, handout: bool = False
) -> str:
    """``markdown`` with a line linking the slides that name this page, if any do."""
    linked = [slide for slide in slides if slide.page == page.file.src_uri]
    if not linked:
        return markdown
    deck_href = get_relative_url(DECK_PAGE, page.url)
    text_href = get_relative_url(TEXT_PAGE, page.file.src_uri)
    # Raw <a> for the deck: MkDocs would log a Markdown link to a folder outside docs/.
    links = [
        f'<a href="{deck_href}#/{slide.anchor}">{html.escape(slide.title)}</a>'
        f" ([as text]({text_href}#slide-{slide.number}))"
        for slide in linked
    ]
    lines = ["", "", f"**In the slides:** {', '.join(links)}."]
    if pdf:
        pdf_link = f'<a href="{get_relative_url(DECK_PDF, page.url)}">as a PDF</a>'
        lines.append(f"The deck is also available {pdf_link}.")
    if handout:
        handout_link = f'<a href="{get_relative_url(DECK_HANDOUT, page.url)}">the handout</a>'
        lines.append(
            f"Every slide with its notes, and the whole code it runs with its recorded output:"
            f" {handout_link} (PDF)."
        )
    return markdown.rstrip("\n") + "\n".join(lines) + "\n"
