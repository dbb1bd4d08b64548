"""Diagrams drawn at build time from recorded snippet outputs, never by hand.

Each kind reads a format a snippet prints, documented in its module, and draws an inline SVG
with a text alternative (:class:`~talksite.diagrams.figure.Figure`):
:mod:`~talksite.diagrams.cheese` (the Swiss cheese, one slice per layer's defence, from the
defence matrix of :mod:`~talksite.diagrams.matrix`), :mod:`~talksite.diagrams.matrixchart`
(the same matrix as one chart), :mod:`~talksite.diagrams.timeline` (``t=`` lines) and
:mod:`~talksite.diagrams.lockqueue` (a lock table). :mod:`~talksite.diagrams.kinds` is their one
table, by the names pages and slides call them.
"""

from talksite.diagrams.cheese import crossings, describe, diagram, load_runs, swiss_cheese
from talksite.diagrams.figure import MIN_FONT_PX, Figure
from talksite.diagrams.kinds import KINDS, Diagrams, Drawing, Kind, recorded_output
from talksite.diagrams.lockqueue import Holder, lock_queue, parse_lock_queue
from talksite.diagrams.matrix import MatrixError, Run, parse_matrix
from talksite.diagrams.matrixchart import matrix_chart
from talksite.diagrams.timeline import Event, parse_timeline, timeline

__all__ = [
    "KINDS",
    "MIN_FONT_PX",
    "Diagrams",
    "Drawing",
    "Event",
    "Figure",
    "Holder",
    "Kind",
    "MatrixError",
    "Run",
    "crossings",
    "describe",
    "diagram",
    "load_runs",
    "lock_queue",
    "matrix_chart",
    "parse_lock_queue",
    "parse_matrix",
    "parse_timeline",
    "recorded_output",
    "swiss_cheese",
    "timeline",
]
