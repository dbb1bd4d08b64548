"""The defence matrix: a recorded table of runs, one per combination of fixed layers.

A talk whose lab runs its scenario with each layer's defence on or off can record the result
as a matrix, and the Swiss cheese diagram draws it. The format, as a snippet prints it:

- The first line names the columns, separated by two or more spaces. The first columns are
  the talk's layers, by their slugs in ``talk.yml``'s order; one of the others is ``outage``.
  Any further columns (counts, outcomes) are shown in each run's caption.
- Each following line is one run: ``hole`` or ``fixed`` under each layer, then the other
  cells, again separated by two or more spaces.
- The ``outage`` cell says what the run measured: ``none``; a text starting with ``short``
  (the outage ended at a defence); or a text starting with ``long`` (it got past every
  defence there was).
- A column named after a layer's ``hazard`` (talk.yml) says whether that hazard reached its
  harm in the run: a text starting with ``harm``, or another (``stopped``). The Swiss cheese
  then draws a defence that was in place, yet whose hazard reached its harm, as failed: a hole.
- The table ends at the first line with another number of cells (a summary, say).

Each run holds the scenario's trigger events fixed and switches defences on (``fixed``) or off
(``hole``): the matrix measures defences, not events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from talksite.errors import ContentError, Problem

__all__ = ["OUTAGE_COLUMN", "MatrixError", "Run", "parse_matrix"]

OUTAGE_COLUMN = "outage"
_CELL_SEPARATOR = re.compile(r" {2,}")


class MatrixError(ContentError):
    """The recorded matrix does not follow the format; each line names file and line."""


@dataclass(frozen=True)
class Run:
    """One row of the matrix: which defences were in place, and what was measured."""

    layers: tuple[str, ...]
    fixed: frozenset[str]
    #: The other columns, by name, in the table's order (``outage`` among them).
    measured: tuple[tuple[str, str], ...]

    @property
    def holes(self) -> tuple[str, ...]:
        return tuple(layer for layer in self.layers if layer not in self.fixed)

    @property
    def outage(self) -> str:
        return dict(self.measured)[OUTAGE_COLUMN]

    @property
    def long(self) -> bool:
        """The outage got past the defences that were in place."""
        return self.outage.startswith("long")


def parse_matrix(text: str, *, layers: Sequence[str], source: str) -> list[Run]:
    """The runs of a recorded matrix whose layer columns are `layers`, in that order."""
    lines = text.splitlines()
    header = tuple(_CELL_SEPARATOR.split(lines[0].strip())) if lines else ()
    if header[: len(layers)] != tuple(layers) or OUTAGE_COLUMN not in header[len(layers) :]:
        expected = "  ".join([*layers, "...", OUTAGE_COLUMN, "..."])
        raise MatrixError(
            Problem(
                source,
                1,
                f"the header {'  '.join(header)!r} does not name the talk's layers",
                f"expected the layers' slugs from talk.yml, then an outage column: {expected!r}",
            )
        )
    others = header[len(layers) :]
    runs, problems = [], []
    for number, line in enumerate(lines[1:], start=2):
        cells = _CELL_SEPARATOR.split(line.strip())
        if len(cells) != len(header):
            break  # the summary after the table
        states, measured = cells[: len(layers)], tuple(zip(others, cells[len(layers) :]))
        if any(state not in ("hole", "fixed") for state in states):
            found = "  ".join(states)
            problems.append(
                Problem(source, number, f"found {found!r}", "expected hole or fixed per layer")
            )
            continue
        fixed = frozenset(layer for layer, state in zip(layers, states) if state == "fixed")
        runs.append(Run(tuple(layers), fixed, measured))
    if not runs and not problems:
        problems.append(Problem(source, 2, "no runs in the table", "expected one run per line"))
    if problems:
        raise MatrixError(problems)
    return runs
