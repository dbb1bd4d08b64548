"""One demo run on stage: the tests' runner and comparison, with its lines streamed as they
come, and the recording as the fallback whenever the run cannot confirm it.

On stage a run gets what its recording needed, not the minute a test may take: the seconds
its snippet declares it waits (``# talksite: waits=``) and :data:`STAGE_MARGIN_S`, within its
own timeout (:func:`stage_timeout_s`), counted from the key press: a wait for the machine's
turn and for its database included.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from talksite.errors import NotApplicable, TalksiteError
from talksite.postgres import DatabaseSource
from talksite.present.catalog import Demo
from talksite.services import ServicePool
from talksite.snippets import check, same_output

__all__ = ["STAGE_MARGIN_S", "Event", "fallback", "live_run", "stage_timeout_s"]

#: Beyond a snippet's declared waits: a fresh database, Python's start, the turn, a busy laptop.
STAGE_MARGIN_S = 20.0

#: What the deck receives: ``{"kind": "line", "text": ...}``, then one ``{"kind": "end", ...}``.
Event = dict[str, Any]


class _Lines:
    """A text stream that hands each complete line to `emit` as soon as it is written."""

    def __init__(self, emit: Callable[[Event], None]) -> None:
        self.emit = emit
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.emit({"kind": "line", "text": line})
        return len(text)

    def flush(self) -> None:
        """Lines are handed on as they complete; a partial line waits for its end."""


def live_run(
    demo: Demo,
    databases: DatabaseSource,
    *,
    emit: Callable[[Event], None],
    cancel: threading.Event,
    services: ServicePool | None = None,
) -> Event:
    """Run `demo`'s snippet, emitting its lines; returns the end event the slide shows."""
    snippet = demo.snippet
    lines = _Lines(emit)
    try:
        outcome = check(
            snippet,
            databases,
            echo=lines,
            cancel=cancel,
            timeout_s=stage_timeout_s(demo),
            services=services,
        )
    except NotApplicable as error:
        return fallback(demo, f"this snippet is {error.explanation}")
    except TalksiteError as error:
        return fallback(demo, str(error))
    if lines.pending:
        lines.write("\n")
    if cancel.is_set():
        return fallback(demo, "the run was stopped")
    if not outcome.result.ok:
        return fallback(demo, f"the run {outcome.result.problem()}")
    recording = outcome.recording or demo.recording
    return {
        "kind": "end",
        "matches": outcome.matches,
        "output": outcome.output.splitlines(),
        "differs": _differing(
            recording.splitlines(), outcome.output, snippet.directives.precision_s
        ),
    }


def stage_timeout_s(demo: Demo) -> float:
    """How long `demo` may run on stage before the slide shows its recording."""
    directives = demo.snippet.directives
    return min(directives.timeout_s, directives.waits_s + STAGE_MARGIN_S)


def _differing(recorded: list[str], output: str, precision: float) -> list[int]:
    """The indexes of the output's lines that differ from the recording's."""
    return [
        index
        for index, line in enumerate(output.splitlines())
        if index >= len(recorded) or not same_output(recorded[index], line, precision=precision)
    ]


def fallback(demo: Demo, reason: str) -> Event:
    """The end of a run that shows the recording instead, with the reason."""
    return {
        "kind": "end",
        "fallback": True,
        "reason": reason,
        "recorded_on": demo.recorded_on,
        "output": demo.recording.splitlines(),
    }
