"""The Swiss cheese diagram, drawn from a recorded defence matrix (see
:mod:`talksite.diagrams.matrix` for its format) and the talk's layers.

A slice is a defence, a hole where it fails (:mod:`~talksite.diagrams.cheesestory` reads a run
so; :mod:`~talksite.diagrams.cheesedraw` draws it). On a page: the run with every hole open,
large, then every run of the matrix small. On a slide (``run=N``): that run, as wide as the
slide, building in steps, slice by slice and then the path, with a caption that says in words
what happened.

The SVG is inline, so it takes the page's colours: outlines in ``currentColor``, holes in the
page's background colour, the cheese and the path in CSS variables with a dark variant.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from talksite.diagrams.cheesedraw import diagram
from talksite.diagrams.cheesestory import crossings, describe, story
from talksite.diagrams.figure import Figure, style
from talksite.diagrams.matrix import Run, parse_matrix
from talksite.errors import ContentError, Problem
from talksite.talk import Layer

__all__ = ["crossings", "describe", "diagram", "load_runs", "swiss_cheese"]

_RULES = """\
.tsk-cheese-grid { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 8rem), 1fr)); }
.tsk-cheese figure { margin: 0 0 1rem; width: 100%; display: block; }
.tsk-cheese figcaption { font-size: 0.7rem; font-style: normal; max-width: none; }
.tsk-cheese .tsk-slice { fill: var(--tsk-fill); stroke: currentColor; stroke-width: 1.5; }
.tsk-cheese .tsk-side { fill: var(--tsk-fill-side); stroke: currentColor; stroke-width: 1.5; }
.tsk-cheese .tsk-pore { fill: var(--tsk-fill-side); stroke: currentColor; stroke-width: 1; }
.tsk-cheese .tsk-hole { fill: var(--tsk-bg); stroke: currentColor; stroke-width: 2; }
.tsk-cheese .tsk-plug { fill: var(--tsk-fill-side); stroke: currentColor; stroke-width: 2;
  stroke-dasharray: 5 4; }
.tsk-cheese .tsk-path { stroke: var(--tsk-accent); stroke-width: 5; fill: none; }
.tsk-cheese .tsk-stop { stroke: var(--tsk-accent); stroke-width: 5; }
.tsk-cheese .tsk-outage { fill: var(--tsk-accent); }
.tsk-cheese .tsk-defence, .tsk-cheese .tsk-outcome { font-weight: 700; }
"""


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
        f"{style('.tsk-cheese', _RULES)}"
        '<div class="tsk-cheese">'
        f"<figure>{diagram(all_holes, layers, ident=f'{ident}-all', labels=True)}"
        f"<figcaption>Every hole open, as recorded: {html.escape(story(all_holes, layers))}"
        "</figcaption></figure>"
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
    (1 = the table's first), as wide as a slide, in steps, with a caption in words. Every id
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
    drawing = diagram(chosen, layers, ident=ident, labels=True, steps=True)
    holes = [layer.title for layer in layers if layer.slug not in chosen.fixed]
    title = "Swiss cheese, recorded run: holes in " + (", ".join(holes) or "no layer")
    # The caption comes with the path, the drawing's last step.
    html_text = (
        f'{style(".tsk-cheese", _RULES)}<div class="tsk-cheese tsk-cheese-one">'
        f'<figure>{drawing}<figcaption class="fragment" data-fragment-index="{len(layers)}">'
        f"{html.escape(story(chosen, layers))}</figcaption></figure></div>"
    )
    return Figure(html_text, title, describe(chosen, layers))
