"""Diagrams drawn at build time from recorded snippet outputs, never by hand.

:mod:`~talksite.diagrams.matrix` reads a recorded defence matrix (its format is documented
there), and :mod:`~talksite.diagrams.cheese` draws it as Swiss cheese, one slice per layer of
the talk.
"""

from talksite.diagrams.cheese import crossings, describe, diagram, load_runs, swiss_cheese
from talksite.diagrams.matrix import MatrixError, Run, parse_matrix

__all__ = [
    "MatrixError",
    "Run",
    "crossings",
    "describe",
    "diagram",
    "load_runs",
    "parse_matrix",
    "swiss_cheese",
]
