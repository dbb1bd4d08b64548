"""Slides to deck: ``talk/slides.md`` rendered by the site's Markdown pipeline into reveal.js.

``slides`` parses the source, ``render`` turns slides into HTML (and the "Slides as text"
page), ``pages`` links the site's pages to the deck, ``build`` writes the deck and reveal.js
into the built site, ``pdf`` prints it.
"""

from talksite.deck.build import DECK_DIR, REVEAL_FILES, build_deck, load_slides, reveal_dist
from talksite.deck.pages import DECK_PDF, PDF_NAME, TEXT_PAGE, link_page_to_slides, text_page_file
from talksite.deck.render import (
    MarkdownSetup,
    RenderedSlide,
    qr_svg,
    render_slides,
    text_page,
)
from talksite.deck.slides import DeckError, Slide, parse_slides

__all__ = [
    "DECK_DIR",
    "DECK_PDF",
    "PDF_NAME",
    "REVEAL_FILES",
    "TEXT_PAGE",
    "DeckError",
    "MarkdownSetup",
    "RenderedSlide",
    "Slide",
    "build_deck",
    "link_page_to_slides",
    "load_slides",
    "parse_slides",
    "qr_svg",
    "render_slides",
    "reveal_dist",
    "text_page",
    "text_page_file",
]
