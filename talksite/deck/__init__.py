"""Slides to deck: ``talk/slides.md`` rendered by the site's Markdown pipeline into reveal.js.

``slides`` parses the source, ``render`` turns slides into HTML (and the "Slides as text"
page), ``pages`` links the site's pages to the deck, ``build`` writes the deck and reveal.js
into the built site, ``pdf`` prints it. The names below are imported on first use
(:mod:`talksite.lazy_exports`).
"""

from talksite.lazy_exports import lazy_exports

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "build": ("DECK_DIR", "REVEAL_FILES", "build_deck", "load_slides", "reveal_dist"),
        "pages": ("DECK_PDF", "PDF_NAME", "TEXT_PAGE", "link_page_to_slides", "text_page_file"),
        "render": ("MarkdownSetup", "RenderedSlide", "qr_svg", "render_slides", "text_page"),
        "slides": ("DeckError", "Slide", "parse_slides"),
    },
)
