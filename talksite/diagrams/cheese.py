"""The Swiss cheese diagram, drawn from a recorded defence matrix (see
:mod:`talksite.diagrams.matrix` for its format) and the talk's layers.

As in James Reason's model, a slice is a defence (a layer's ``defence`` in talk.yml) and a hole
is where it fails: missing in the run, or in place and failed. The outage's path passes a slice
through its hole and stops at the first defence that held. Whether a defence in place held is
measured, not assumed: the matrix's column named after the layer's ``hazard`` says whether that
hazard reached its harm in the run (without such a column, a long outage counts as harm).

The SVG is inline, so it takes the page's colours: outlines in ``currentColor``, holes in
Material's background colour, the cheese and the path in CSS variables with a dark variant.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from talksite.diagrams.figure import Figure
from talksite.diagrams.matrix import Run, parse_matrix
from talksite.errors import ContentError, Problem
from talksite.talk import Layer

__all__ = ["crossings", "describe", "diagram", "load_runs", "swiss_cheese"]

# Where the slices stand in the drawing's coordinates: one every _SLICE_STEP units.
_FIRST_SLICE_X, _SLICE_STEP = 52, 70
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
.tsk-cheese .tsk-hole { fill: var(--md-default-bg-color, var(--deck-bg, #fff)); stroke: currentColor;
  stroke-width: 1.2; }
.tsk-cheese .tsk-path { stroke: var(--tsk-path); stroke-width: 3; fill: none; }
.tsk-cheese .tsk-stop { stroke: var(--tsk-path); stroke-width: 3; }
.tsk-cheese .tsk-outage { fill: var(--tsk-path); }
.tsk-cheese text { fill: currentColor; font-size: 10px; font-family: inherit; }
.tsk-cheese-one figure { max-width: 660px; }
html[data-scheme="dark"]:not(.print-pdf) .reveal .tsk-cheese {
  --tsk-cheese-fill: #b8912a; --tsk-cheese-side: #8a6a18; --tsk-path: #ff7961;
}
@media screen and (prefers-color-scheme: dark) {
  html:not([data-scheme="light"], .print-pdf) .reveal .tsk-cheese {
    --tsk-cheese-fill: #b8912a; --tsk-cheese-side: #8a6a18; --tsk-path: #ff7961;
  }
}
"""


def crossings(run: Run, layers: Sequence[Layer]) -> list[str]:
    """For each slice in order: how the outage's path meets it.

    ``hole``: through the missing defence. ``failed``: the defence was in place, and the
    hazard it guards against reached its harm anyway: a hole in it. ``blocked``: the path stops
    at this defence. ``unreached``: the path stopped at an earlier slice.
    """
    found, stopped = [], False
    for layer in layers:
        if stopped:
            found.append("unreached")
        elif layer.slug not in run.fixed:
            found.append("hole")
        elif _harm_got_past(run, layer):
            found.append("failed")
        else:
            found.append("blocked")
            stopped = True
    return found


def _harm_got_past(run: Run, layer: Layer) -> bool:
    """Did the harm this defence guards against happen in the run, the defence in place?"""
    measured = dict(run.measured)
    if layer.hazard is not None and layer.hazard in measured:
        return measured[layer.hazard].startswith("harm")
    return run.long


def _measured(run: Run) -> str:
    return "; ".join(f"{name}: {value}" for name, value in run.measured)


def describe(run: Run, layers: Sequence[Layer]) -> str:
    """The diagram in words: its text alternative."""
    words = {
        "hole": "has a hole (defence missing); the path passes through",
        "failed": "has its defence, and it failed: the path passes through",
        "blocked": "has its defence; the path stops here",
        "unreached": "is not reached",
    }
    slices = "; ".join(
        f"{layer.title} ({layer.label}) {words[how]}"
        + (f" ({layer.hole})" if how == "hole" and layer.hole else "")
        for layer, how in zip(layers, crossings(run, layers))
    )
    return f"{slices}. Measured: {_measured(run)}."


def diagram(run: Run, layers: Sequence[Layer], *, ident: str, labels: bool = False) -> str:
    """One SVG: a slice per defence, holes where defences are missing or failed, the path as
    measured."""
    how = crossings(run, layers)
    width = _FIRST_SLICE_X + _SLICE_STEP * (len(layers) - 1) + _SLICE_WIDTH + _DEPTH + 22
    holes = [
        layer.title
        for layer, crossing in zip(layers, how)
        if layer.slug not in run.fixed or crossing == "failed"
    ]
    title = "Holes: " + (", ".join(holes) or "none")
    parts = [
        f'<svg role="img" viewBox="0 0 {width} {130 if labels else 112}"'
        f' aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{html.escape(title)}</title>',
        f'<desc id="{ident}-desc">{html.escape(describe(run, layers))}</desc>',
    ]
    end_x = width - 8
    for index, (layer, crossing) in enumerate(zip(layers, how)):
        x = _FIRST_SLICE_X + _SLICE_STEP * index
        parts.append(_slice(x))
        if layer.slug not in run.fixed or crossing == "failed":
            parts.append(_hole(x, "tsk-hole"))
        elif crossing == "blocked" and end_x == width - 8:
            end_x = x - 2
        if labels:
            parts.append(
                f'<text x="{x + _SLICE_WIDTH / 2 + _DEPTH / 2}" y="122"'
                f' text-anchor="middle">{html.escape(layer.label)}</text>'
            )
    parts.append(_path(end_x, reached_end=end_x == width - 8, width=width))
    parts.append("</svg>")
    return "".join(parts)


def _path(end_x: float, *, reached_end: bool, width: int) -> str:
    """The outage's path, drawn last, over the slices: through the holes it is seen whole."""
    path = f'<path class="tsk-path" d="M 4 {_PATH_Y} H {end_x}"/>'
    if not reached_end:
        return path + f'<path class="tsk-stop" d="M {end_x} {_PATH_Y - 9} V {_PATH_Y + 9}"/>'
    tip = width - 2
    return path + (
        f'<path class="tsk-outage" d="M {tip - 14} {_PATH_Y - 8} L {tip} {_PATH_Y}'
        f' L {tip - 14} {_PATH_Y + 8} Z"/>'
    )


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


def _caption(run: Run, layers: Sequence[Layer]) -> str:
    fixed = ", ".join(layer.title for layer in layers if layer.slug in run.fixed) or "none"
    measured = "<br>".join(
        f"<strong>{html.escape(name.capitalize())}:</strong> {html.escape(value)}"
        for name, value in run.measured
    )
    return f"<figcaption><strong>Fixed:</strong> {html.escape(fixed)}<br>{measured}</figcaption>"


def load_runs(matrix: Path, layers: Sequence[Layer], *, source: str) -> list[Run]:
    """The recorded matrix's runs; the run with every hole open must be among them."""
    if not matrix.is_file():
        raise ContentError(
            Problem(source, 1, "no such recorded matrix", "expected a snippet's .out file")
        )
    slugs = [layer.slug for layer in layers]
    runs = parse_matrix(matrix.read_text(encoding="utf-8"), layers=slugs, source=source)
    if not any(not run.fixed for run in runs):
        what = "no run has every hole open"
        raise ContentError(Problem(source, 1, what, "expected a row of holes only"))
    return runs


def _every_run(runs: Sequence[Run], layers: Sequence[Layer], *, ident: str) -> str:
    """The page's figure: the all-holes run large, then every run of the matrix small."""
    all_holes = next(run for run in runs if not run.fixed)
    small = "".join(
        f"<figure>{diagram(run, layers, ident=f'{ident}-run{n}')}{_caption(run, layers)}</figure>"
        for n, run in enumerate(runs, start=1)
    )
    return (
        f"<style>{_STYLE}</style>"
        '<div class="tsk-cheese">'
        f"<figure>{diagram(all_holes, layers, ident=f'{ident}-all', labels=True)}"
        f"<figcaption>Every hole open: the path goes through all {len(layers)} slices"
        " (recorded run).</figcaption></figure>"
        f'<div class="tsk-cheese-grid">{small}</div>'
        "</div>"
    )


def swiss_cheese(
    matrix: Path,
    layers: Sequence[Layer],
    *,
    source: str,
    ident: str,
    run: int | None = None,
) -> Figure:
    """The Swiss cheese drawn from the recorded matrix at ``matrix`` (``source`` names it).

    Every run: the all-holes run large, then every run small. With ``run``, only that run
    (1 = the table's first), drawn large with its caption: small enough for a slide. Every id
    in the drawing starts with ``ident``.
    """
    runs = load_runs(matrix, layers, source=source)
    if run is None:
        described = " ".join(f"Run {n}: {describe(r, layers)}" for n, r in enumerate(runs, start=1))
        title = f"Swiss cheese, one drawing per recorded run ({len(runs)} runs)"
        return Figure(_every_run(runs, layers, ident=ident), title, described)
    if not 1 <= run <= len(runs):
        what = f"there is no run {run}"
        raise ContentError(Problem(source, 1, what, f"expected 1 to {len(runs)}"))
    chosen = runs[run - 1]
    drawing = diagram(chosen, layers, ident=ident, labels=True)
    holes = [layer.title for layer in layers if layer.slug not in chosen.fixed]
    title = "Swiss cheese, recorded run: holes in " + (", ".join(holes) or "no layer")
    html_text = (
        f'<style>{_STYLE}</style><div class="tsk-cheese tsk-cheese-one">'
        f"<figure>{drawing}<figcaption>{html.escape(_one_line(chosen, layers))}</figcaption>"
        "</figure></div>"
    )
    return Figure(html_text, title, describe(chosen, layers))


def _one_line(run: Run, layers: Sequence[Layer]) -> str:
    """The caption on one line, short enough to sit under the drawing on a slide."""
    fixed = ", ".join(layer.title for layer in layers if layer.slug in run.fixed) or "none"
    return "; ".join([f"Fixed: {fixed}", *(f"{name}: {value}" for name, value in run.measured)])
