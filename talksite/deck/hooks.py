"""The deck's part in the MkDocs build, called from the talksite plugin's hooks.

- ``on_config``: ``talk/slides.md`` must exist and parse; a malformed deck fails at once.
- ``on_files``: adds the generated "Slides as text" page, ``slides-text.md``.
- ``on_page_markdown``: a page named by a slide's ``page="..."`` attribute gets a link to that
  slide (and to the PDF, when one is being made).
- ``on_post_build``: renders the deck into ``site/slides/``; with ``TALKSITE_SLIDES_PDF=1``
  also prints it to ``site/slides/slides.pdf``.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from talksite.deck.build import DECK_DIR, build_deck, load_slides
from talksite.deck.render import MarkdownSetup, text_page
from talksite.deck.slides import DeckError, Slide

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

__all__ = ["PDF_ENV", "SLIDES_SOURCE", "TEXT_PAGE", "DeckHooks"]

#: The deck's source, relative to the folder holding mkdocs.yml.
SLIDES_SOURCE = "talk/slides.md"
#: The generated "Slides as text" page, relative to docs/.
TEXT_PAGE = "slides-text.md"
#: Set to 1 to print the deck to ``site/slides/slides.pdf`` during the build.
PDF_ENV = "TALKSITE_SLIDES_PDF"
PDF_NAME = "slides.pdf"
# Links name index.html, so that they also work in a site opened from file://.
DECK_PAGE = f"{DECK_DIR}/index.html"
DECK_PDF = f"{DECK_DIR}/{PDF_NAME}"


class DeckHooks:
    """State shared by the hooks of one build: the parsed slides and the site's pages."""

    def __init__(self) -> None:
        self.slides: list[Slide] = []
        self.project_dir = Path.cwd()
        self.files: Files | None = None
        self.pdf = False

    def on_config(self, config: MkDocsConfig) -> None:
        self.project_dir = Path(config.config_file_path).resolve().parent
        self.slides = load_slides(self.project_dir / SLIDES_SOURCE, source=SLIDES_SOURCE)
        self.pdf = os.environ.get(PDF_ENV, "") == "1"

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for slide in self.slides:
            if slide.page is not None and files.get_file_from_path(slide.page) is None:
                where = slide.where(SLIDES_SOURCE)
                raise DeckError(f"{where}: page={slide.page!r} is not a page in docs/")
        if files.get_file_from_path(TEXT_PAGE) is not None:
            raise DeckError(f"docs/{TEXT_PAGE} exists, but the deck generates that page")
        page = File(
            TEXT_PAGE,
            src_dir=None,
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        page.generated_by = "talksite"
        deck_href = get_relative_url(DECK_PAGE, page.url)
        pdf_href = get_relative_url(DECK_PDF, page.url) if self.pdf else None
        page.content_string = text_page(
            self.slides,
            site_url=config.site_url or "",
            source=SLIDES_SOURCE,
            deck_href=deck_href,
            pdf_href=pdf_href,
        )
        files.append(page)
        self.files = files
        return files

    def on_page_markdown(self, markdown: str, page: Page) -> str:
        linked = [s for s in self.slides if s.page == page.file.src_uri]
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
        if self.pdf:
            pdf_link = f'<a href="{get_relative_url(DECK_PDF, page.url)}">as a PDF</a>'
            lines.append(f"The deck is also available {pdf_link}.")
        return markdown.rstrip("\n") + "\n".join(lines) + "\n"

    def on_post_build(self, config: MkDocsConfig) -> None:
        files = self.files

        def page_url(path: str) -> str | None:
            found = files.get_file_from_path(path) if files is not None else None
            return found.url if found is not None and found.is_documentation_page() else None

        index = build_deck(
            self.slides,
            setup=MarkdownSetup(extensions=config.markdown_extensions, configs=config.mdx_configs),
            project_dir=self.project_dir,
            site_dir=Path(config.site_dir),
            site_url=config.site_url or "",
            title=config.site_name,
            language=config.theme.get("language") or "en",
            source=SLIDES_SOURCE,
            page_url=page_url,
        )
        if self.pdf:
            # Playwright is imported only when a PDF is wanted.
            from talksite.deck.pdf import write_pdf

            write_pdf(index, index.parent / PDF_NAME)
