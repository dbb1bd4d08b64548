"""The matrix chart: every run of a recorded defence matrix at a glance.

The input is the defence matrix (its format is in :mod:`talksite.diagrams.matrix`). Drawn as
one column per run, numbered in the table's order, and one row per layer of the talk (its
label: the defence, or the ``short_title``): an open hole where the layer's defence was
missing, a filled square where it was fixed. The last row is the run's outage: a tall bar for a long one, a short bar for a short
one, a dash for none. A legend under the chart says so in words.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from talksite.diagrams.figure import (
    FONT_PX,
    WIDTH,
    Figure,
    read_output,
    style,
    svg_open,
    text_width,
)
from talksite.diagrams.matrix import Run, parse_matrix
from talksite.talk import Layer

__all__ = ["draw_matrix_chart", "matrix_chart"]

_ROW, _TOP = 50, 34
_RULES = (
    ".tsk-chart .tsk-fixed { fill: var(--tsk-fill); stroke: currentColor; stroke-width: 1.5; }"
    " .tsk-chart .tsk-hole { fill: var(--tsk-bg); stroke: currentColor; stroke-width: 2.5; }"
    " .tsk-chart .tsk-long, .tsk-chart .tsk-short { fill: var(--tsk-accent); }"
    " .tsk-chart .tsk-none { stroke: currentColor; stroke-width: 3; }"
    " .tsk-chart .tsk-row { font-weight: 700; }"
)


def _outage(run: Run) -> str:
    if run.long:
        return "long"
    return "short" if run.outage.startswith("short") else "none"


def _describe(runs: Sequence[Run], layers: Sequence[Layer]) -> tuple[str, str]:
    by_kind: dict[str, list[str]] = {"long": [], "short": [], "none": []}
    for number, run in enumerate(runs, start=1):
        by_kind[_outage(run)].append(str(number))
    title = f"Defence matrix, {len(runs)} runs: long outages in runs " + (
        ", ".join(by_kind["long"]) or "none"
    )
    if by_kind["short"]:
        title += f"; short outages in runs {', '.join(by_kind['short'])}"
    titles = {layer.slug: layer.title for layer in layers}
    runs_text = " ".join(
        f"Run {number}: holes in "
        + (", ".join(titles[slug] for slug in run.holes) or "no layer")
        + f"; outage {run.outage}."
        for number, run in enumerate(runs, start=1)
    )
    return title, runs_text


def draw_matrix_chart(runs: Sequence[Run], layers: Sequence[Layer], *, ident: str) -> Figure:
    """The chart of ``runs``: a column per run, a row per layer, then the outage."""
    names = [layer.label for layer in layers] + ["Outage"]
    left = max(text_width(name) for name in names) + 20
    column = (WIDTH - left) / len(runs)
    cell = min(column - 10, _ROW - 12)
    legend_y = _TOP + _ROW * len(names) + 40
    height = legend_y + FONT_PX + 12
    title, description = _describe(runs, layers)
    parts = [
        svg_open(ident=ident, width=WIDTH, height=height, title=title, description=description)
    ]
    for row, name in enumerate(names):
        y = _TOP + _ROW * row + _ROW / 2
        parts.append(f'<text class="tsk-row" x="0" y="{y + 7:.1f}">{html.escape(name)}</text>')
    for number, run in enumerate(runs, start=1):
        cx = left + column * (number - 0.5)
        parts.append(f'<text x="{cx:.1f}" y="{FONT_PX + 2}" text-anchor="middle">{number}</text>')
        for row, layer in enumerate(layers):
            cy = _TOP + _ROW * row + _ROW / 2
            parts.append(_cell(cx, cy, cell, fixed=layer.slug in run.fixed))
        parts.append(_bar(cx, _TOP + _ROW * len(layers), cell, _outage(run)))
    parts.append(_legend(legend_y, cell))
    parts.append("</svg>")
    body = f'{style(".tsk-chart", _RULES)}<figure class="tsk-figure tsk-chart">{"".join(parts)}</figure>'
    return Figure(body, title, description)


def _cell(cx: float, cy: float, size: float, *, fixed: bool) -> str:
    if fixed:
        half = size / 2
        return (
            f'<rect class="tsk-fixed" x="{cx - half:.1f}" y="{cy - half:.1f}"'
            f' width="{size:.1f}" height="{size:.1f}" rx="4"/>'
        )
    return f'<ellipse class="tsk-hole" cx="{cx:.1f}" cy="{cy:.1f}" rx="{size / 2.6:.1f}" ry="{size / 3.2:.1f}"/>'


def _bar(cx: float, top: float, size: float, kind: str) -> str:
    """The outage: a bar as tall as a row for a long one, a third of it for a short one."""
    bottom = top + _ROW - 6
    if kind == "none":
        return f'<line class="tsk-none" x1="{cx - size / 3:.1f}" y1="{bottom - 3}" x2="{cx + size / 3:.1f}" y2="{bottom - 3}"/>'
    tall = _ROW - 12 if kind == "long" else (_ROW - 12) / 3
    return (
        f'<rect class="tsk-{kind}" x="{cx - size / 3:.1f}" y="{bottom - tall:.1f}"'
        f' width="{size * 2 / 3:.1f}" height="{tall:.1f}"/>'
    )


def _legend(y: float, size: float) -> str:
    """The symbols, in words: hole, fixed, and the three outages (y is the text's baseline)."""
    small, mid = size * 0.6, y - FONT_PX * 0.35
    items = [
        (_cell(8, mid, small, fixed=False), "hole"),
        (_cell(8, mid, small, fixed=True), "fixed"),
        (f'<rect class="tsk-long" x="2" y="{y - 22}" width="12" height="26"/>', "long outage"),
        (f'<rect class="tsk-short" x="2" y="{y - 5}" width="12" height="9"/>', "short outage"),
        (f'<line class="tsk-none" x1="0" y1="{y}" x2="16" y2="{y}"/>', "no outage"),
    ]
    parts, x = [], 6.0
    for symbol, words in items:
        parts.append(f'<g transform="translate({x:.1f} 0)">{symbol}</g>')
        parts.append(f'<text x="{x + 26:.1f}" y="{y:.1f}">{words}</text>')
        x += 26 + text_width(words) + 44
    return "".join(parts)


def matrix_chart(path: Path, layers: Sequence[Layer], *, source: str, ident: str) -> Figure:
    """The chart drawn from the recorded matrix at ``path`` (``source`` names it)."""
    lines = read_output(path, source=source, what="matrix")
    slugs = [layer.slug for layer in layers]
    runs = parse_matrix("\n".join(lines), layers=slugs, source=source)
    return draw_matrix_chart(runs, layers, ident=ident)
