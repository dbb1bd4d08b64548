"""What every diagram kind shares: the figure it returns, its SVG frame, its colours, its text.

A :class:`Figure` is the HTML a page or a slide shows (an inline SVG with ``role="img"``,
``<title>`` and ``<desc>``) and its text alternative, which "Slides as text" shows instead.

Sizes: drawings are laid out in units meant to be CSS pixels on a 1280x720 slide, at most
:data:`WIDTH` wide, so that a slide shows them at about 1:1. Text is :data:`FONT_PX` units
high and never less than :data:`MIN_FONT_PX` on a slide (``tests/test_diagrams.py`` measures it
in Chromium). Text is set in the monospace font the recorded outputs are shown in: its glyphs
have one known width, so a label is wrapped to the room it has before it is drawn, and the
drawing grows to hold it. No text is ever cut (``tests/test_diagram_text.py`` measures every
label, on the deck and on the pages).

Colours: outlines and text in ``currentColor``; fills in CSS variables, with a dark variant for
Material's ``slate`` scheme and for the deck's dark colours (never in its printed PDF).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from talksite.errors import ContentError, Problem

__all__ = [
    "CHAR_EM",
    "FONT_PX",
    "MIN_FONT_PX",
    "WIDTH",
    "Figure",
    "LINE_PX",
    "read_output",
    "style",
    "svg_open",
    "text_block",
    "text_width",
    "wrap",
]

WIDTH = 1200
FONT_PX = 20
#: From one line of a wrapped label to the next.
LINE_PX = 23
#: The smallest text any diagram may show on a 1280x720 slide: legible from the back of a room.
MIN_FONT_PX = 18
#: A monospace glyph's advance, in em: DejaVu Sans Mono and Courier are 0.6; a little slack.
CHAR_EM = 0.62

_LIGHT = (
    "--tsk-fill: #f5c542; --tsk-fill-side: #d9a21b; --tsk-accent: #c62828;"
    " --tsk-wait: #1565c0; --tsk-soft: #0000001f;"
    " --tsk-bg: var(--md-default-bg-color, var(--deck-bg, #fff));"
)
_DARK = (
    "--tsk-fill: #b8912a; --tsk-fill-side: #8a6a18; --tsk-accent: #ff7961;"
    " --tsk-wait: #82b1ff; --tsk-soft: #ffffff29;"
)
# Material marks its dark scheme on <body>; the deck on <html>, or leaves it to the system.
_DARK_SCOPES = (
    '[data-md-color-scheme="slate"] {scope}',
    'html[data-scheme="dark"]:not(.print-pdf) .reveal {scope}',
)
_SYSTEM_DARK = (
    "@media screen and (prefers-color-scheme: dark) {{"
    ' html:not([data-scheme="light"], .print-pdf) .reveal {scope} {{ {dark} }} }}'
)


@dataclass(frozen=True)
class Figure:
    """A drawn diagram: its HTML, and its text alternative (title, then description)."""

    html: str
    title: str
    description: str

    @property
    def text(self) -> str:
        """The diagram in words, for "Slides as text" and anyone who cannot see it."""
        return f"{self.title}. {self.description}"


def style(scope: str, rules: str) -> str:
    """A ``<style>`` for one kind: the shared colours, light and dark, then its own rules."""
    dark = " ".join(f"{s.format(scope=scope)} {{ {_DARK} }}" for s in _DARK_SCOPES)
    system = _SYSTEM_DARK.format(scope=scope, dark=_DARK)
    base = (
        # Material draws a figure as wide as its content: a diagram takes the column's width.
        f"{scope}, .md-typeset {scope} {{ {_LIGHT} margin: 0 0 1rem; display: block; width: 100%; }}"
        f" {scope} svg {{ display: block; width: 100%; height: auto; color: currentColor; }}"
        f" {scope} text {{ fill: currentColor; font-size: {FONT_PX}px;"
        " font-family: var(--deck-code-font, var(--md-code-font-family, monospace)); }"
    )
    return f"<style>{base} {dark} {system} {rules}</style>"


def svg_open(*, ident: str, width: float, height: float, title: str, description: str) -> str:
    """The start of an accessible inline SVG: its role, size, title and description."""
    return (
        f'<svg role="img" viewBox="0 0 {width:g} {height:g}"'
        f' aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{html.escape(title)}</title>'
        f'<desc id="{ident}-desc">{html.escape(description)}</desc>'
    )


def text_width(text: str, *, size: float = FONT_PX) -> float:
    """How wide ``text`` is drawn at ``size`` in the monospace font, in drawing units."""
    return len(text) * size * CHAR_EM


def wrap(text: str, room: float, *, size: float = FONT_PX) -> list[str]:
    """``text`` in lines no wider than ``room`` units, broken between words; a word longer
    than a line is broken where the line ends. Nothing is left out."""
    per_line = max(1, int(room / (size * CHAR_EM)))
    pieces = [
        word[start : start + per_line]
        for word in text.split()
        for start in range(0, len(word), per_line)
    ]
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + 1 + len(piece) <= per_line:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines or [""]


def text_block(
    lines: list[str], *, x: float, y: float, anchor: str = "start", css: str = ""
) -> str:
    """One ``<text>`` of ``lines``, the first line's baseline at ``y``, one under another."""
    attributes = f' class="{css}"' if css else ""
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else LINE_PX}">{html.escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{attributes}>{spans}</text>'


def read_output(path: Path, *, source: str, what: str) -> list[str]:
    """The lines of a recorded output; a missing file is a problem naming it."""
    if not path.is_file():
        raise ContentError(Problem(source, 1, f"no such recorded {what}", "expected a .out file"))
    return path.read_text(encoding="utf-8").splitlines()
