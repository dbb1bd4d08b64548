"""The timeline: who did what, when, drawn from a recorded run's ``t=`` lines.

The format, as a snippet prints it (one event a line)::

    t=0.0s  cron-job   BEGIN; SELECT ...
    t=0.5s  deploy     manage.py migrate

- ``t=SECONDSs`` (seconds since the run began, as a decimal number), two or more spaces, the
  **actor** (one word: who acts), two or more spaces, then what happened.
- Times never decrease from one event to the next.
- Every other line (a setting printed first, a table, a summary after) is not part of the
  timeline and is left out; a line starting ``t=`` that does not follow the format is an error.
- At least two events.

Drawn as one lane per actor, in the order they first act; a bar from an actor's first event
to its last; a dot per event at its time, labelled with what happened, whole: wrapped, and
placed above or below the lane where it covers no other label (:mod:`~talksite.diagrams.labels`);
a lane is as tall as its labels need.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from talksite.diagrams.figure import (
    FONT_PX,
    LINE_PX,
    WIDTH,
    Figure,
    read_output,
    style,
    svg_open,
    text_width,
)
from talksite.diagrams.labels import ABOVE, BELOW, Label, place, rows
from talksite.errors import ContentError, Problem

__all__ = ["Event", "parse_timeline", "timeline"]

_EVENT = re.compile(r"^t=(?P<at>\d+(?:\.\d+)?)s {2,}(?P<actor>\S+) {2,}(?P<text>\S.*)$")
_TOP, _AXIS = 8, 46
#: Room around a lane's line for its dots and bar, when no label is on that side.
_DOT_ROOM = 16
_RULES = (
    ".tsk-timeline .tsk-life { stroke: var(--tsk-soft); stroke-width: 14; stroke-linecap: round; }"
    " .tsk-timeline .tsk-lane { stroke: currentColor; stroke-opacity: 0.35; stroke-width: 1; }"
    " .tsk-timeline .tsk-event { fill: var(--tsk-accent); stroke: var(--tsk-bg); stroke-width: 2; }"
    " .tsk-timeline .tsk-tick { stroke: currentColor; stroke-opacity: 0.2; }"
    " .tsk-timeline .tsk-actor { font-weight: 700; }"
)


@dataclass(frozen=True)
class Event:
    """One line of the timeline: when (seconds), who, and what happened."""

    at: float
    actor: str
    text: str
    #: The time as recorded (``0.5s``): words use it, so that they read like the output.
    stamp: str = ""


def parse_timeline(text: str, *, source: str) -> list[Event]:
    """The events of a recorded output, in order; problems name the file and line."""
    events: list[Event] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("t="):
            continue
        found = _EVENT.match(line.rstrip())
        if found is None:
            expected = "expected t=SECONDSs, two spaces, an actor, two spaces, what happened"
            problems.append(Problem(source, number, f"cannot read {line!r}", expected))
            continue
        at = found.group("at")
        event = Event(float(at), found.group("actor"), found.group("text"), f"{at}s")
        if events and event.at < events[-1].at:
            what = f"t={event.stamp} comes after t={events[-1].stamp}"
            problems.append(Problem(source, number, what, "expected times that never decrease"))
        events.append(event)
    if not problems and len(events) < 2:
        what = f"{len(events)} timeline event{'s' if len(events) != 1 else ''}"
        problems.append(Problem(source, 1, what, "expected at least two t=SECONDSs lines"))
    if problems:
        raise ContentError(problems)
    return events


def _merged(events: list[Event]) -> list[Event]:
    """One dot per actor and time: what one actor did at one moment, joined."""
    merged: list[Event] = []
    for event in events:
        same = next((m for m in merged if (m.actor, m.at) == (event.actor, event.at)), None)
        if same is None:
            merged.append(event)
        else:
            joined = f"{same.text}; {event.text}"
            merged[merged.index(same)] = Event(same.at, same.actor, joined, same.stamp)
    return merged


def _ticks(start: float, end: float) -> list[float]:
    """Round times along the axis, about six of them."""
    span = max(end - start, 1e-9)
    step = next(s for s in (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 3600) if span / s <= 8)
    first = int(start / step) * step
    return [first + step * n for n in range(int((end - first) / step) + 1)]


def _describe(events: list[Event]) -> tuple[str, str]:
    actors = list(dict.fromkeys(e.actor for e in events))
    title = (
        f"Timeline of {len(events)} recorded events from t={events[0].stamp}"
        f" to t={events[-1].stamp}: {', '.join(actors)}"
    )
    return title, " ".join(f"t={e.stamp}, {e.actor}: {e.text}." for e in events)


def draw_timeline(events: list[Event], *, ident: str) -> Figure:
    """The timeline of ``events`` as an SVG figure."""
    actors = list(dict.fromkeys(e.actor for e in events))
    left = max(text_width(a) for a in actors) + 24
    # The axis leaves a quarter of the width for the last events' labels.
    start, end = events[0].at, max(events[-1].at, events[0].at + 1e-9)
    x0, x1 = left + 12, left + 12 + (WIDTH - left - 12) * 0.72
    scale = (x1 - x0) / (end - start)
    lanes, y = [], float(_TOP)
    for actor in actors:
        mine = [e for e in _merged(events) if e.actor == actor]
        points = [(x0 + (e.at - start) * scale, e.text) for e in mine]
        labels = place(points, left=left, right=WIDTH)
        line_y = y + max(rows(labels, ABOVE) * LINE_PX + 4, _DOT_ROOM)
        lanes.append(_lane(actor, mine, labels, line_y=line_y))
        y = line_y + max(rows(labels, BELOW) * LINE_PX + 12, _DOT_ROOM) + 6
    axis_y = y + 6
    height = axis_y + _AXIS
    title, description = _describe(events)
    parts = [
        svg_open(ident=ident, width=WIDTH, height=height, title=title, description=description),
        *lanes,
    ]
    for tick in _ticks(start, end):
        x = x0 + (tick - start) * scale
        parts.append(
            f'<line class="tsk-tick" x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{axis_y}"/>'
            f'<text x="{x:.1f}" y="{axis_y + FONT_PX + 8}" text-anchor="middle">{tick:g} s</text>'
        )
    parts.append("</svg>")
    html_text = (
        f'{style(".tsk-timeline", _RULES)}<figure class="tsk-figure tsk-timeline">'
        f"{''.join(parts)}</figure>"
    )
    return Figure(html_text, title, description)


def _lane(actor: str, events: list[Event], labels: list[Label], *, line_y: float) -> str:
    """One actor's lane: its name, its bar, its dots and their labels."""
    xs = [label.x for label in labels]
    parts = [
        f'<text class="tsk-actor" x="2" y="{line_y + 7:.1f}">{html.escape(actor)}</text>',
        f'<line class="tsk-lane" x1="{xs[0]:.1f}" y1="{line_y:.1f}" x2="{WIDTH}" y2="{line_y:.1f}"/>',
        f'<line class="tsk-life" x1="{xs[0]:.1f}" y1="{line_y:.1f}" x2="{xs[-1]:.1f}"'
        f' y2="{line_y:.1f}"/>',
    ]
    for event, label in zip(events, labels):
        tooltip = html.escape(f"t={event.stamp}, {event.actor}: {event.text}")
        parts.append(
            f'<circle class="tsk-event" cx="{label.x:.1f}" cy="{line_y:.1f}" r="8">'
            f"<title>{tooltip}</title></circle>"
        )
        parts.append(label.svg(line_y))
    return "".join(parts)


def timeline(path: Path, *, source: str, ident: str) -> Figure:
    """The timeline drawn from the recorded output at ``path`` (``source`` names it)."""
    lines = read_output(path, source=source, what="timeline")
    return draw_timeline(parse_timeline("\n".join(lines), source=source), ident=ident)
