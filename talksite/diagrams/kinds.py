"""The diagram kinds, by the name pages and slides call them, bound to one talk's files.

A page writes ``{{ timeline("LAYER/NAME.out") }}`` (a macro) and a slide writes the same line
(a placeholder of the deck); both end here, in :meth:`Diagrams.draw`, which draws the figure
from the recorded output, relative to the snippets folder. :data:`KINDS` is the one table of
kinds: each one's name, the options it takes and how it is drawn. The kinds and their formats:

- ``swiss_cheese(OUT, run=N)``: a defence matrix (:mod:`~talksite.diagrams.matrix`) as Swiss
  cheese; every run, or only run ``N`` (1 = the table's first), large enough for a slide.
- ``timeline(OUT)``: ``t=SECONDSs  ACTOR  TEXT`` lines (:mod:`~talksite.diagrams.timeline`).
- ``lock_queue(OUT)``: a lock table and who waits for whom (:mod:`~talksite.diagrams.lockqueue`).
- ``matrix_chart(OUT)``: a defence matrix, every run in one chart
  (:mod:`~talksite.diagrams.matrixchart`).

One :class:`Diagrams` serves a whole build (the content check, the pages, the deck and
"Slides as text"): it draws each call once, and gives each figure it hands out ids of its own,
so that the same figure twice on a page never repeats an ``id``.
"""

from __future__ import annotations

import collections
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from talksite.diagrams.cheese import swiss_cheese
from talksite.diagrams.figure import Figure
from talksite.diagrams.lockqueue import lock_queue
from talksite.diagrams.matrixchart import matrix_chart
from talksite.diagrams.timeline import timeline
from talksite.errors import MacroError
from talksite.talk import Layer

__all__ = ["KINDS", "Diagrams", "Drawing", "Kind", "recorded_output"]

# Keywords any kind accepts for its recorded output, instead of the first argument.
_OUTPUT_KEYWORDS = ("output", "matrix")


@dataclass(frozen=True)
class Drawing:
    """What one call asks a kind to draw: the recorded output, the options and the ids."""

    path: Path
    #: How problems name the recorded output (``snippets/LAYER/NAME.out``).
    source: str
    layers: Sequence[Layer]
    options: Mapping[str, Any]
    #: Every id in the drawing starts with it.
    ident: str


@dataclass(frozen=True)
class Kind:
    """A diagram kind: the name calls use, how it is drawn, and its keyword options."""

    name: str
    draw: Callable[[Drawing], Figure]
    options: frozenset[str] = frozenset()


def _swiss_cheese(drawing: Drawing) -> Figure:
    run = drawing.options.get("run")
    if run is not None and not isinstance(run, int):
        raise MacroError(f"run={run!r} is not a run number", "expected run=1 or so")
    return swiss_cheese(
        drawing.path, drawing.layers, source=drawing.source, ident=drawing.ident, run=run
    )


#: Every kind, by its name.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("swiss_cheese", _swiss_cheese, frozenset({"run"})),
        Kind("timeline", lambda d: timeline(d.path, source=d.source, ident=d.ident)),
        Kind("lock_queue", lambda d: lock_queue(d.path, source=d.source, ident=d.ident)),
        Kind(
            "matrix_chart",
            lambda d: matrix_chart(d.path, d.layers, source=d.source, ident=d.ident),
        ),
    )
}


def recorded_output(kind: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """The recorded output a call of ``kind`` names, checking its arguments."""
    options = KINDS[kind].options
    given = [*args, *(kwargs[k] for k in _OUTPUT_KEYWORDS if k in kwargs)]
    unknown = set(kwargs) - options - set(_OUTPUT_KEYWORDS)
    if len(given) != 1 or not isinstance(given[0], str) or unknown:
        shown = "".join(f", {o}=..." for o in sorted(options))
        takes = " and ".join(["one recorded output", *sorted(options)])
        raise MacroError(f"{kind}() takes {takes}", f'expected {kind}("LAYER/NAME.out"{shown})')
    return given[0]


@dataclass
class Diagrams:
    """The kinds, drawing from ``snippets_dir`` for one build; problems name it as ``folder``."""

    layers: Sequence[Layer]
    snippets_dir: Path
    folder: str
    #: Each call drawn so far, by what it asks for: the ids it was drawn with, and the figure.
    _drawn: dict[str, tuple[str, Figure]] = field(default_factory=dict)
    #: How many times each call's figure has been handed out.
    _uses: collections.Counter[str] = field(default_factory=collections.Counter)

    def check(self, kind: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        """Draw a call, so that its problems are raised now; the figure is kept for later."""
        self._drawing(kind, args, kwargs)

    def draw(self, kind: str, *args: Any, **kwargs: Any) -> Figure:
        """The figure a call asks for, with ids no other figure of this build has.

        Raises MacroError for the call's arguments, ContentError naming the recorded output's
        line for its format.
        """
        key, (ident, figure) = self._drawing(kind, args, kwargs)
        self._uses[key] += 1
        # The ident ends in a hash of the call: nothing else in the HTML contains it.
        return replace(figure, html=figure.html.replace(ident, f"{ident}-{self._uses[key]}"))

    def kinds(self) -> dict[str, Callable[..., Figure]]:
        """Each kind by its name, as a function of the call's arguments."""
        return {
            kind: (lambda *args, _kind=kind, **kwargs: self.draw(_kind, *args, **kwargs))
            for kind in KINDS
        }

    def _drawing(
        self, kind: str, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[str, tuple[str, Figure]]:
        output = recorded_output(kind, args, kwargs)
        options = {k: v for k, v in kwargs.items() if k not in _OUTPUT_KEYWORDS}
        key = repr((kind, output, sorted(options.items())))
        if key not in self._drawn:
            digest = hashlib.sha256(key.encode()).hexdigest()[:10]
            ident = f"tsk-{kind.replace('_', '-')}-{digest}"
            drawing = Drawing(
                path=self.snippets_dir / output,
                source=f"{self.folder}/{output}",
                layers=self.layers,
                options=options,
                ident=ident,
            )
            self._drawn[key] = ident, KINDS[kind].draw(drawing)
        return key, self._drawn[key]
