"""One recorded run of the defence matrix drawn as Swiss cheese.

A slice per defence, in talk.yml's order, each with a few small holes (no defence is perfect)
and one on the outage's path: open where the defence was missing or failed in the run, filled
where it was in place. The path comes from the left, passes through the open holes that line
up, and stops at the first filled one that held; past every slice, it is the outage.

With ``labels``, each slice is named (its defence) with what it did, and the drawing is
:data:`~talksite.diagrams.figure.WIDTH` wide, for a slide or a page's column; without, it is
small, for a grid of runs. With ``steps``, the slices and then the path are reveal.js
fragments: on a slide the drawing builds as the run went.
"""

from __future__ import annotations

from collections.abc import Sequence

from talksite.diagrams.cheesestory import STATUS, crossings, describe
from talksite.diagrams.figure import (
    FONT_PX,
    LINE_PX,
    WIDTH,
    svg_open,
    text_block,
    text_width,
    wrap,
)
from talksite.diagrams.matrix import Run
from talksite.talk import Layer

__all__ = ["diagram"]

_TOP, _SLICE_WIDTH, _SLICE_HEIGHT, _DEPTH = 24, 76, 160, 28
_PATH_Y = _TOP + _SLICE_HEIGHT * 0.55
_LEFT, _RIGHT, _SMALL_STEP = 40, 170, 110
#: The small holes of each slice, as offsets from its middle: a little different per slice.
_PORES = ((-12, -62, 9, 12), (14, 50, 11, 13), (16, -38, 6, 7))


def _step(count: int, labels: bool) -> float:
    if not labels or count < 2:
        return _SMALL_STEP
    return (WIDTH - _LEFT - _RIGHT - _SLICE_WIDTH - _DEPTH) / (count - 1)


def _slice(x: float, index: int, *, open_hole: bool) -> str:
    """A slice of cheese seen from the front and a little to the side, with its holes."""
    top, bottom, right = _TOP, _TOP + _SLICE_HEIGHT, x + _SLICE_WIDTH
    side = (
        f"M {right:.1f} {top} L {right + _DEPTH:.1f} {top - _DEPTH / 2}"
        f" L {right + _DEPTH:.1f} {bottom - _DEPTH / 2} L {right:.1f} {bottom} Z"
    )
    middle = x + _SLICE_WIDTH / 2
    flip = -1 if index % 2 else 1
    pores = "".join(
        f'<ellipse class="tsk-pore" cx="{middle + dx * flip:.1f}" cy="{_PATH_Y + dy:.1f}"'
        f' rx="{rx}" ry="{ry}"/>'
        for dx, dy, rx, ry in _PORES[: 2 + index % 2]
    )
    hole = "tsk-hole" if open_hole else "tsk-plug"
    return (
        f'<path class="tsk-side" d="{side}"/>'
        f'<rect class="tsk-slice" x="{x:.1f}" y="{top}" width="{_SLICE_WIDTH}"'
        f' height="{_SLICE_HEIGHT}" rx="4"/>{pores}'
        f'<ellipse class="{hole}" cx="{middle:.1f}" cy="{_PATH_Y:.1f}"'
        f' rx="{_SLICE_WIDTH / 2 - 8}" ry="26"/>'
    )


def _label(layer: Layer, crossing: str, x: float, room: float) -> tuple[str, int]:
    """The slice's name (its defence) and what it did in the run; and how many lines."""
    name = wrap(layer.label, room)
    status = wrap(STATUS[crossing], room)
    y = _TOP + _SLICE_HEIGHT + 16 + FONT_PX * 0.75
    middle = x + _SLICE_WIDTH / 2 + _DEPTH / 2
    return (
        text_block(name, x=middle, y=y, anchor="middle", css="tsk-defence")
        + text_block(status, x=middle, y=y + LINE_PX * len(name), anchor="middle")
    ), len(name) + len(status)


def _path(start: float, end: float, *, stopped: bool, outcome: str, width: float) -> str:
    """The outage's path, drawn over the slices: seen whole through the holes."""
    path = f'<path class="tsk-path" d="M {start:.1f} {_PATH_Y:.1f} H {end:.1f}"/>'
    if stopped:
        return path + (
            f'<path class="tsk-stop" d="M {end:.1f} {_PATH_Y - 16:.1f} V {_PATH_Y + 16:.1f}"/>'
        )
    tip = width - 2
    arrow = (
        f'<path class="tsk-outage" d="M {tip - 18:.1f} {_PATH_Y - 10:.1f} L {tip:.1f}'
        f' {_PATH_Y:.1f} L {tip - 18:.1f} {_PATH_Y + 10:.1f} Z"/>'
    )
    if not outcome:
        return path + arrow
    said = text_block([outcome], x=tip, y=_PATH_Y - 20, anchor="end", css="tsk-outcome")
    return path + arrow + said


def diagram(
    run: Run, layers: Sequence[Layer], *, ident: str, labels: bool = False, steps: bool = False
) -> str:
    """One SVG of ``run``: a slice per defence, its hole open or filled, the path as measured."""
    how = crossings(run, layers)
    step = _step(len(layers), labels)
    left = _LEFT if labels else 20
    width = left + step * (len(layers) - 1) + _SLICE_WIDTH + _DEPTH + (_RIGHT if labels else 40)
    slices, lines = [], 0
    end = width - 4
    for index, (layer, crossing) in enumerate(zip(layers, how)):
        x = left + step * index
        # Open where the defence is missing (reached or not) or failed; filled where in place.
        open_hole = layer.slug not in run.fixed or crossing == "failed"
        parts = [_slice(x, index, open_hole=open_hole)]
        if labels:
            label, count = _label(layer, crossing, x, step - 16)
            parts.append(label)
            lines = max(lines, count)
        if crossing == "blocked":
            end = x - 2
        slices.append(_group(parts, index if steps else None))
    height = _TOP + _SLICE_HEIGHT + (16 + LINE_PX * lines + 6 if labels else 8)
    outcome = run.outage.partition(":")[0].strip() + " outage" if labels else ""
    if labels and text_width(outcome) > _RIGHT - 8:
        outcome = ""
    path = _path(6, end, stopped=end != width - 4, outcome=outcome, width=width)
    holes = [
        layer.title for layer, c in zip(layers, how) if layer.slug not in run.fixed or c == "failed"
    ]
    title = "Holes: " + (", ".join(holes) or "none")
    return (
        svg_open(
            ident=ident, width=width, height=height, title=title, description=describe(run, layers)
        )
        + "".join(slices)
        + _group([path], len(layers) if steps else None)
        + "</svg>"
    )


def _group(parts: list[str], fragment: int | None) -> str:
    """The parts as one group; a reveal.js fragment, shown at step ``fragment``, if given."""
    if fragment is None:
        return f"<g>{''.join(parts)}</g>"
    return f'<g class="fragment" data-fragment-index="{fragment}">{"".join(parts)}</g>'
