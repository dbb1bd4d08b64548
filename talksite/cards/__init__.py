"""Social cards: one 1200x630 PNG per page, drawn at build time with no network, and cached.

:mod:`~talksite.cards.palette` turns mkdocs.yml's Material palette into colours,
:mod:`~talksite.cards.draw` lays out and draws a card, and :mod:`~talksite.cards.cache`
keeps drawn cards between builds. The plugin's part (which card a page gets, and the Open
Graph and Twitter tags that point at it) is :mod:`talksite.site.social`.
"""

from talksite.cards.cache import card_key, check_cache_dir, write_card
from talksite.cards.draw import HEIGHT, WIDTH, Card
from talksite.cards.palette import Palette, card_palette

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Card",
    "Palette",
    "card_key",
    "card_palette",
    "check_cache_dir",
    "write_card",
]
