"""The diagram kinds, by the name pages and slides call them, bound to one talk's files.

A page writes ``{{ timeline("LAYER/NAME.out") }}`` (a macro) and a slide writes the same line
(a placeholder of the deck); both end here, in :meth:`Diagrams.draw`, which draws the figure
from the recorded output, relative to the snippets folder. The kinds and their formats:

- ``swiss_cheese(OUT, run=N)``: a defence matrix (:mod:`~talksite.diagrams.matrix`) as Swiss
  cheese; every run, or only run ``N`` (1 = the table's first), large enough for a slide.
- ``timeline(OUT)``: ``t=SECONDSs  ACTOR  TEXT`` lines (:mod:`~talksite.diagrams.timeline`).
- ``lock_queue(OUT)``: a lock table and who waits for whom (:mod:`~talksite.diagrams.lockqueue`).
- ``matrix_chart(OUT)``: a defence matrix, every run in one chart
  (:mod:`~talksite.diagrams.matrixchart`).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talksite.diagrams.cheese import cheese_figure
from talksite.diagrams.figure import Figure
from talksite.diagrams.lockqueue import lock_queue
from talksite.diagrams.matrixchart import matrix_chart
from talksite.diagrams.timeline import timeline
from talksite.errors import MacroError
from talksite.talk import Layer

__all__ = ["KINDS", "Diagrams", "parse_call"]

#: Each kind's name, and the keyword options it takes besides the recorded output.
KINDS: dict[str, frozenset[str]] = {
    "swiss_cheese": frozenset({"run"}),
    "timeline": frozenset(),
    "lock_queue": frozenset(),
    "matrix_chart": frozenset(),
}


def parse_call(call: str) -> tuple[str, list[Any], dict[str, Any]]:
    """``name("a", k=1)`` read as its name and literal arguments; ValueError if it is not one."""
    try:
        parsed = ast.parse(call.strip(), mode="eval").body
    except SyntaxError as error:
        raise ValueError(call) from error
    if not isinstance(parsed, ast.Call) or not isinstance(parsed.func, ast.Name):
        raise ValueError(call)
    args = [ast.literal_eval(arg) for arg in parsed.args]
    kwargs = {str(kw.arg): ast.literal_eval(kw.value) for kw in parsed.keywords}
    return parsed.func.id, args, kwargs


@dataclass
class Diagrams:
    """The kinds, drawing from ``snippets_dir``; problems name it as ``folder``."""

    layers: Sequence[Layer]
    snippets_dir: Path
    folder: str
    # Ids must differ between figures of one page or deck: numbered in the order drawn.
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def output(self, kind: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
        """The recorded output a call names, checking its arguments."""
        given = [*args, *(kwargs.get(k) for k in ("output", "matrix") if k in kwargs)]
        unknown = set(kwargs) - KINDS[kind] - {"output", "matrix"}
        if len(given) != 1 or not isinstance(given[0], str) or unknown:
            options = "".join(f", {o}=..." for o in sorted(KINDS[kind]))
            takes = " and ".join(["one recorded output", *sorted(KINDS[kind])])
            raise MacroError(
                f"{kind}() takes {takes}", f'expected {kind}("LAYER/NAME.out"{options})'
            )
        return given[0]

    def draw(self, kind: str, *args: Any, **kwargs: Any) -> Figure:
        """The figure a call asks for; ContentError names the recorded output's line."""
        output = self.output(kind, args, kwargs)
        path, source = self.snippets_dir / output, f"{self.folder}/{output}"
        ident = f"tsk-{kind.replace('_', '-')}-{next(self._numbers)}"
        if kind == "swiss_cheese":
            run = kwargs.get("run")
            if run is not None and not isinstance(run, int):
                raise MacroError(f"run={run!r} is not a run number", "expected run=1 or so")
            return cheese_figure(path, self.layers, source=source, run=run, ident=ident)
        if kind == "matrix_chart":
            return matrix_chart(path, self.layers, source=source, ident=ident)
        drawn: Callable[..., Figure] = timeline if kind == "timeline" else lock_queue
        return drawn(path, source=source, ident=ident)

    def kinds(self) -> dict[str, Callable[..., Figure]]:
        """Each kind by its name, as a function of the call's arguments."""
        return {
            kind: (lambda *args, _kind=kind, **kwargs: self.draw(_kind, *args, **kwargs))
            for kind in KINDS
        }
