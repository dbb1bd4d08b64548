"""Labels along a line, placed so that none is cut and none covers another.

A diagram that marks points on a horizontal line (the timeline's events) labels each point
above or below the line. :func:`place` wraps each label to the room it has and puts it in
the first row, counted out from the line, where it covers no label placed before it: on the
side it prefers (alternately above and below), running right of its point, or left of it when
there is more room there. Rows are added as needed: the drawing grows, the text stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from talksite.diagrams.figure import CHAR_EM, FONT_PX, LINE_PX, text_block, text_width, wrap

__all__ = ["ABOVE", "BELOW", "Label", "place", "rows"]

ABOVE, BELOW = -1, 1
#: A label is at most this many characters wide: longer ones take more lines instead.
_MOST_CHARS = 80
#: Between a point and its label's first character, and between two labels on a row.
_OFFSET, _GAP = 4, 16
#: The fewest characters a line may hold before a label tries the other direction.
_FEWEST_CHARS = 12


@dataclass(frozen=True)
class Label:
    """A placed label: the point it names, its lines, its side, its first row out and its
    direction (``start``: from the point rightwards; ``end``: leftwards, ending at it)."""

    x: float
    lines: tuple[str, ...]
    side: int
    row: int
    anchor: str

    @property
    def span(self) -> tuple[float, float]:
        width = max(text_width(line) for line in self.lines)
        if self.anchor == "start":
            return self.x - _OFFSET, self.x - _OFFSET + width
        return self.x + _OFFSET - width, self.x + _OFFSET

    def svg(self, line_y: float) -> str:
        """The label as SVG text, for a line drawn at ``line_y``."""
        ascent = FONT_PX * 0.75
        if self.side == ABOVE:
            first = line_y - 12 - (self.row + len(self.lines) - 1) * LINE_PX
        else:
            first = line_y + 12 + ascent + self.row * LINE_PX
        # Left-aligned either way: a block that runs leftwards ends at its point.
        return text_block(list(self.lines), x=self.span[0], y=first)


def _free_row(placed: Sequence[Label], side: int, span: tuple[float, float], height: int) -> int:
    """The first row on ``side`` from which ``height`` rows are free over ``span``."""
    taken = [
        label
        for label in placed
        if label.side == side and label.span[0] < span[1] + _GAP and span[0] < label.span[1] + _GAP
    ]
    row = 0
    while any(label.row < row + height and row < label.row + len(label.lines) for label in taken):
        row += 1
    return row


def place(points: Sequence[tuple[float, str]], *, left: float, right: float) -> list[Label]:
    """A label for each ``(x, text)``, in order, within ``left`` to ``right``."""
    placed: list[Label] = []
    for index, (x, text) in enumerate(points):
        preferred = ABOVE if index % 2 == 0 else BELOW
        options = []
        for order, (side, anchor) in enumerate(
            (s, a) for s in (preferred, -preferred) for a in ("start", "end")
        ):
            room = right - x + _OFFSET if anchor == "start" else x + _OFFSET - left
            if room < _FEWEST_CHARS * FONT_PX * CHAR_EM and anchor == "start" and x > left:
                continue  # too close to the right edge: it runs leftwards instead
            lines = tuple(wrap(text, min(room, _MOST_CHARS * FONT_PX * CHAR_EM)))
            trial = Label(x, lines, side, 0, anchor)
            row = _free_row(placed, side, trial.span, len(lines))
            options.append((row + len(lines), order, Label(x, lines, side, row, anchor)))
        placed.append(min(options, key=lambda option: option[:2])[2])
    return placed


def rows(labels: Sequence[Label], side: int) -> int:
    """How many rows the labels take on ``side`` of the line."""
    return max((label.row + len(label.lines) for label in labels if label.side == side), default=0)
