"""Draw a social card: a 1200x630 PNG with the page's title, the talk's, and who gave it where.

The font is the one Pillow bundles (``ImageFont.load_default(size=...)``: Aileron Regular,
scalable, inside the wheel with FreeType), and only that one. System fonts are never looked
for, so a card is the same picture on every machine with the same Pillow, and nothing is
ever downloaded. (Material's own social plugin fetches its fonts from Google Fonts at build
time, and needs the system's Cairo for icons, so it cannot build offline: see
``material/plugins/social/plugin.py``, ``_fetch_font_from_google_fonts``.)

Long titles wrap at word boundaries and shrink, step by step, until they fit their box; a
title too long even at the smallest size ends in an ellipsis rather than leaving the card.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from talksite.cards.palette import Palette

__all__ = ["FONT", "HEIGHT", "MARGIN", "WIDTH", "Card", "fit", "font", "render", "wrap"]

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
#: The accent stripe down the card's left edge.
STRIPE = 24
#: What the cache key says about the font: the bundled one, named as Pillow names it.
FONT = "Pillow load_default: " + " ".join(ImageFont.load_default(size=10).getname())
TITLE_SIZES = tuple(range(84, 43, -4))
KICKER_SIZE, BYLINE_SIZE = 34, 32
LINE_SPACING = 1.18
#: No line holds more characters than this, however narrow they are.
MAX_LINE_CHARS = 200
_ELLIPSIS = "…"

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class Card:
    """What one card shows, in its palette."""

    title: str  # large: the page's title
    kicker: str  # above it, small: the talk's title ("" on the home page, where it is the title)
    byline: str  # at the bottom: speaker and event
    palette: Palette


@cache
def font(size: int) -> Font:
    """Pillow's bundled font at ``size`` pixels (the only font cards use)."""
    loaded = ImageFont.load_default(size=size)
    assert isinstance(loaded, ImageFont.FreeTypeFont)  # Pillow's wheels all have FreeType
    return loaded


def _line_height(size: int) -> int:
    return round(size * LINE_SPACING)


def wrap(text: str, font: Font, width: float, *, most: int | None = None) -> list[str]:
    """``text`` broken into lines no wider than ``width``, at spaces where it can be.

    With ``most``, wrapping stops after ``most + 1`` lines: enough to know that the text
    does not fit in ``most``, at a cost that does not grow with the rest of it.
    """
    lines: list[str] = []
    line = ""
    for match in re.finditer(r"\S+", text):
        if most is not None and len(lines) > most:
            return lines[: most + 1]
        word = match[0]
        candidate = f"{line} {word}" if line else word
        if _fits(candidate, font, width):
            line = candidate
            continue
        if line:
            lines.append(line)
        # A word wider than the box on its own is cut where it must be.
        while not _fits(word, font, width) and (most is None or len(lines) <= most):
            cut = _fitting_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines if most is None else lines[: most + 1]


def _fits(text: str, font: Font, width: float) -> bool:
    # Counting first keeps each measurement short (and within what FreeType can measure).
    return len(text) <= MAX_LINE_CHARS and font.getlength(text) <= width


def _fitting_prefix(word: str, font: Font, width: float) -> int:
    """How many of ``word``'s characters fit in ``width`` (at least one).

    The prefix is found by doubling, then halving: the measured prefixes are never much
    longer than a line, so cutting a long word costs its length, not its length squared.
    """
    fits, over = 1, 2
    while over < len(word) and _fits(word[:over], font, width):
        fits, over = over, over * 2
    over = min(over, len(word))
    while over - fits > 1:
        middle = (fits + over) // 2
        if _fits(word[:middle], font, width):
            fits = middle
        else:
            over = middle
    return fits


def _ellipsise(line: str, font: Font, width: float) -> str:
    """``line`` with an ellipsis at the end, shortened until it fits."""
    while line and font.getlength(line + _ELLIPSIS) > width:
        line = line[:-1].rstrip()
    return line + _ELLIPSIS


def fit(text: str, *, width: float, height: float, sizes: tuple[int, ...]) -> tuple[int, list[str]]:
    """The largest of ``sizes`` at which ``text`` wraps into ``width`` x ``height``, and its lines.

    At the smallest size, lines that do not fit are dropped and the last kept one ends in an
    ellipsis. Only as much of ``text`` is wrapped as the box could show.
    """
    for size in sizes:
        room = max(1, int(height // _line_height(size)))
        lines = wrap(text, font(size), width, most=room)
        if len(lines) <= room:
            return size, lines
    return size, [*lines[: room - 1], _ellipsise(lines[room - 1], font(size), width)]


def render(card: Card) -> bytes:
    """The card as PNG bytes."""
    palette = card.palette
    image = Image.new("RGB", (WIDTH, HEIGHT), palette.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, STRIPE - 1, HEIGHT - 1), fill=palette.accent)
    width = WIDTH - MARGIN - (STRIPE + MARGIN)
    left, top, bottom = STRIPE + MARGIN, MARGIN, HEIGHT - MARGIN
    if card.kicker:
        _, kicker = fit(card.kicker, width=width, height=2 * _line_height(KICKER_SIZE),
                        sizes=(KICKER_SIZE,))  # fmt: skip
        top = _lines(draw, kicker, KICKER_SIZE, (left, top), palette.text) + 36
    byline_font = font(BYLINE_SIZE)
    byline = card.byline
    if byline_font.getlength(byline) > width:
        byline = _ellipsise(byline, byline_font, width)
    bottom -= _line_height(BYLINE_SIZE)
    draw.text((left, bottom), byline, font=byline_font, fill=palette.text)
    bottom -= 36
    draw.rectangle((left, bottom - 6, left + 120, bottom - 1), fill=palette.accent)
    size, title = fit(card.title, width=width, height=bottom - 30 - top, sizes=TITLE_SIZES)
    _lines(draw, title, size, (left, top), palette.text, bold=True)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    size: int,
    at: tuple[int, int],
    colour: str,
    *,
    bold: bool = False,
) -> int:
    """Draw ``lines`` from ``at`` down; returns the y below the last."""
    x, y = at
    # Only a regular weight is bundled; a stroke of the text's own colour makes it bold.
    stroke = max(1, size // 40) if bold else 0
    for line in lines:
        draw.text((x, y), line, font=font(size), fill=colour, stroke_width=stroke,
                  stroke_fill=colour)  # fmt: skip
        y += _line_height(size)
    return y
