"""The Swiss cheese diagram, drawn from the recorded matrix run (snippets/outage/matrix.out).

One slice per layer, a hole where that layer's defence is missing, and the outage's path: it
passes a slice through its hole and stops at the first slice without one, unless the run
measured a long outage anyway. Then the path goes through a closed slice too, drawn as a
dashed hole: the data, not the model, decides where the path goes.

The SVG is inline, so it takes the page's colours: outlines in ``currentColor``, holes in
Material's background colour, the cheese and the path in CSS variables with a dark variant.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LAYERS",
    "MatrixError",
    "Run",
    "crossings",
    "diagram",
    "parse_matrix",
    "swiss_cheese",
]

#: The slices, in the order the outage meets them, with the names a reader sees.
LAYERS = {
    "routing": "Django routing",
    "locking": "PostgreSQL locking",
    "tcp": "TCP",
    "termination": "Process termination",
}
_SHORT_NAMES = (
    "Routing",
    "Locking",
    "TCP",
    "Termination",
)  # under the slices, where space is short
MATRIX_OUTPUT = Path("outage") / "matrix.out"
_COLUMNS = (*LAYERS, "timed out", "outage", "migration")
_CELL_SEPARATOR = re.compile(r" {2,}")

# Where each slice stands in the drawing's coordinates (the viewBox is 0 0 320 130).
_SLICE_X = (52, 122, 192, 262)
_SLICE_WIDTH, _SLICE_TOP, _SLICE_HEIGHT, _DEPTH = 26, 16, 86, 10
_PATH_Y = 59

_STYLE = """\
.tsk-cheese { --tsk-cheese-fill: #f5c542; --tsk-cheese-side: #d9a21b; --tsk-path: #c62828; }
[data-md-color-scheme="slate"] .tsk-cheese {
  --tsk-cheese-fill: #b8912a; --tsk-cheese-side: #8a6a18; --tsk-path: #ff7961;
}
.tsk-cheese-grid { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 8rem), 1fr)); }
.tsk-cheese figure { margin: 0 0 1rem; width: 100%; display: block; }
.tsk-cheese svg { width: 100%; height: auto; display: block; color: currentColor; }
.tsk-cheese figcaption { font-size: 0.7rem; font-style: normal; max-width: none; }
.tsk-cheese .tsk-slice { fill: var(--tsk-cheese-fill); stroke: currentColor; stroke-width: 1.2; }
.tsk-cheese .tsk-side { fill: var(--tsk-cheese-side); stroke: currentColor; stroke-width: 1.2; }
.tsk-cheese .tsk-hole { fill: var(--md-default-bg-color, #fff); stroke: currentColor;
  stroke-width: 1.2; }
.tsk-cheese .tsk-leak { fill: var(--md-default-bg-color, #fff); stroke: var(--tsk-path);
  stroke-width: 1.6; stroke-dasharray: 3 2; }
.tsk-cheese .tsk-path { stroke: var(--tsk-path); stroke-width: 3; fill: none; }
.tsk-cheese .tsk-stop { stroke: var(--tsk-path); stroke-width: 3; }
.tsk-cheese .tsk-outage { fill: var(--tsk-path); }
.tsk-cheese text { fill: currentColor; font-size: 10px; font-family: inherit; }
"""


class MatrixError(ValueError):
    """The recorded matrix cannot be read; the message starts with ``path:line:``."""


@dataclass(frozen=True)
class Run:
    """One row of the matrix: which defences were in place, and what was measured."""

    fixed: frozenset[str]
    timed_out: int
    outage: str
    migration: str

    @property
    def holes(self) -> tuple[str, ...]:
        return tuple(layer for layer in LAYERS if layer not in self.fixed)

    @property
    def long(self) -> bool:
        return self.outage.startswith("long")


def parse_matrix(text: str, *, source: str = "matrix.out") -> list[Run]:
    """The runs in matrix.py's table: a header line, then one row per run."""
    lines = text.splitlines()
    if not lines or tuple(_CELL_SEPARATOR.split(lines[0].strip())) != _COLUMNS:
        raise MatrixError(f"{source}:1: expected the header {'  '.join(_COLUMNS)!r}")
    runs = []
    for number, line in enumerate(lines[1:], start=2):
        cells = _CELL_SEPARATOR.split(line.strip())
        if len(cells) != len(_COLUMNS):
            break  # the summary line after the table
        *states, timed_out, outage, migration = cells
        if any(state not in ("hole", "fixed") for state in states) or not timed_out.isdigit():
            raise MatrixError(f"{source}:{number}: expected hole/fixed per layer, then a count")
        fixed = frozenset(layer for layer, state in zip(LAYERS, states) if state == "fixed")
        runs.append(Run(fixed, int(timed_out), outage, migration))
    if not runs:
        raise MatrixError(f"{source}: no runs in the table")
    return runs


def crossings(run: Run) -> list[str]:
    """For each slice in order: how the outage's path meets it.

    ``hole``: through the missing defence. ``blocked``: the path stops at this defence.
    ``leaked``: the defence was there, and the measured outage got past it anyway.
    ``unreached``: the path stopped at an earlier slice.
    """
    found, stopped = [], False
    for layer in LAYERS:
        if stopped:
            found.append("unreached")
        elif layer not in run.fixed:
            found.append("hole")
        elif run.long:
            found.append("leaked")
        else:
            found.append("blocked")
            stopped = True
    return found


def describe(run: Run) -> str:
    """The diagram in words: its text alternative."""
    words = {
        "hole": "has a hole (defence missing); the path passes through",
        "blocked": "has its defence; the path stops here",
        "leaked": "has its defence, yet the measured outage got past it",
        "unreached": "is not reached",
    }
    slices = "; ".join(
        f"{LAYERS[layer]} {words[how]}" for layer, how in zip(LAYERS, crossings(run))
    )
    measured = f"Measured: outage {run.outage}; {run.timed_out} web requests timed out."
    return f"{slices}. {measured}"


def diagram(run: Run, *, ident: str, labels: bool = False) -> str:
    """One SVG: four slices, holes where defences are missing, the path as measured."""
    how = crossings(run)
    title = "Holes: " + (", ".join(LAYERS[layer] for layer in run.holes) or "none")
    parts = [
        f'<svg role="img" viewBox="0 0 320 {130 if labels else 112}"'
        f' aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{html.escape(title)}</title>',
        f'<desc id="{ident}-desc">{html.escape(describe(run))}</desc>',
    ]
    end_x = 312
    for index, (x, crossing) in enumerate(zip(_SLICE_X, how)):
        parts.append(_slice(x))
        if list(LAYERS)[index] not in run.fixed:
            parts.append(_hole(x, "tsk-hole"))
        elif crossing == "leaked":
            parts.append(_hole(x, "tsk-leak"))
        elif crossing == "blocked" and end_x == 312:
            end_x = x - 2
        if labels:
            name = _SHORT_NAMES[index]
            parts.append(
                f'<text x="{x + _SLICE_WIDTH / 2 + _DEPTH / 2}" y="122"'
                f' text-anchor="middle">{html.escape(name)}</text>'
            )
    # The path is drawn last, over the slices: through the holes it is seen whole.
    parts.append(f'<path class="tsk-path" d="M 4 {_PATH_Y} H {end_x}"/>')
    if end_x < 312:
        parts.append(f'<path class="tsk-stop" d="M {end_x} {_PATH_Y - 9} V {_PATH_Y + 9}"/>')
    else:
        parts.append(
            f'<path class="tsk-outage" d="M 304 {_PATH_Y - 8} L 318 {_PATH_Y} L 304 {_PATH_Y + 8} Z"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _slice(x: float) -> str:
    """A slice of cheese seen from the front and a little to the side."""
    top, bottom, right = _SLICE_TOP, _SLICE_TOP + _SLICE_HEIGHT, x + _SLICE_WIDTH
    side = (
        f"M {right} {top} L {right + _DEPTH} {top - _DEPTH / 2}"
        f" L {right + _DEPTH} {bottom - _DEPTH / 2} L {right} {bottom} Z"
    )
    return (
        f'<path class="tsk-side" d="{side}"/>'
        f'<rect class="tsk-slice" x="{x}" y="{top}" width="{_SLICE_WIDTH}"'
        f' height="{_SLICE_HEIGHT}" rx="3"/>'
    )


def _hole(x: float, css_class: str) -> str:
    return (
        f'<ellipse class="{css_class}" cx="{x + _SLICE_WIDTH / 2}" cy="{_PATH_Y}"'
        f' rx="{_SLICE_WIDTH / 2 - 4}" ry="14"/>'
    )


def _caption(run: Run) -> str:
    fixed = ", ".join(LAYERS[layer] for layer in LAYERS if layer in run.fixed) or "none"
    return (
        f"<figcaption><strong>Fixed:</strong> {html.escape(fixed)}<br>"
        f"<strong>Outage:</strong> {html.escape(run.outage)}; "
        f"{run.timed_out} requests timed out</figcaption>"
    )


def swiss_cheese(*, snippets_dir: Path) -> str:
    """The page's figure: the all-holes run large, then every run of the matrix small."""
    source = snippets_dir / MATRIX_OUTPUT
    runs = parse_matrix(source.read_text(encoding="utf-8"), source=str(source))
    all_holes = next((run for run in runs if not run.fixed), None)
    if all_holes is None:
        raise MatrixError(f"{source}: no run with every hole open")
    small = "".join(
        f"<figure>{diagram(run, ident=f'tsk-cheese-{n}')}{_caption(run)}</figure>"
        for n, run in enumerate(runs, start=1)
    )
    return (
        f"<style>{_STYLE}</style>"
        '<div class="tsk-cheese">'
        f"<figure>{diagram(all_holes, ident='tsk-cheese-0', labels=True)}"
        "<figcaption>Every hole open: the path goes through all four slices (recorded run)."
        "</figcaption></figure>"
        f'<div class="tsk-cheese-grid">{small}</div>'
        "</div>"
    )
