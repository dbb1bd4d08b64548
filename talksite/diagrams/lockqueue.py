"""The lock queue: who holds a lock and who waits for it, in queue order, from a recorded run.

The format, as a snippet prints it from ``pg_locks`` and ``pg_stat_activity``:

- A table: a header line whose cells (separated by two or more spaces) include ``session``,
  ``lock mode`` and ``granted``; any other columns (the session's state, what it waits for) are
  shown in its box. Then one row per session and lock, cells again separated by two or more
  spaces, ``granted`` being ``True`` or ``False`` (``t``/``f``, ``yes``/``no`` also do). The
  table ends at the first line with another number of cells.
- Who waits for whom: lines ``FUNCTION(SESSION) -> ['SESSION', ...]``, as a snippet prints
  PostgreSQL's function that lists the sessions a session waits for, with the pids replaced by
  the sessions' names. Each session named there must be in the table.
- Every other line (a timeline, say) is left out.

Drawn as a row of boxes: the sessions holding the lock first, then those waiting, each after
the sessions it waits for; an arrow from each waiting session to each one it waits for.
"""

from __future__ import annotations

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
    text_block,
    wrap,
)
from talksite.errors import ContentError, Problem

__all__ = ["Holder", "lock_queue", "parse_lock_queue"]

_CELLS = re.compile(r" {2,}")
_WAITS = re.compile(r"^[A-Za-z_]\w*\((?P<session>[^()]+)\)\s*->\s*\[(?P<others>[^\]]*)\]\s*$")
_REQUIRED = ("session", "lock mode", "granted")
_TRUE, _FALSE = {"true", "t", "yes"}, {"false", "f", "no"}
_GAP, _LINE, _PAD, _TOP = 64, 28, 14, 40
_RULES = (
    ".tsk-queue .tsk-holds { fill: var(--tsk-fill); fill-opacity: 0.45; stroke: currentColor;"
    " stroke-width: 2.5; }"
    " .tsk-queue .tsk-waits { fill: var(--tsk-bg); stroke: var(--tsk-wait); stroke-width: 2.5;"
    " stroke-dasharray: 8 5; }"
    " .tsk-queue .tsk-arrow { stroke: var(--tsk-wait); stroke-width: 3; fill: none; }"
    " .tsk-queue .tsk-head { fill: var(--tsk-wait); }"
    " .tsk-queue .tsk-name { font-weight: 700; }"
)


@dataclass(frozen=True)
class Holder:
    """One row of the table: a session, the lock mode it holds or wants, and the rest."""

    session: str
    mode: str
    granted: bool
    others: tuple[tuple[str, str], ...]
    waits_for: tuple[str, ...] = ()


def _table(lines: list[str], source: str) -> tuple[list[Holder], list[Problem]]:
    for index, line in enumerate(lines):
        header = _CELLS.split(line.strip())
        if all(name in header for name in _REQUIRED):
            break
    else:
        wanted = ", ".join(_REQUIRED)
        return [], [Problem(source, 1, "no lock table", f"expected a header with {wanted}")]
    holders, problems = [], []
    for number, line in enumerate(lines[index + 1 :], start=index + 2):
        cells = dict(zip(header, _CELLS.split(line.strip())))
        if len(_CELLS.split(line.strip())) != len(header):
            break
        granted = cells["granted"].lower()
        if granted not in _TRUE | _FALSE:
            what = f"granted is {cells['granted']!r}"
            problems.append(Problem(source, number, what, "expected True or False"))
            continue
        others = tuple((k, v) for k, v in cells.items() if k not in _REQUIRED)
        holders.append(Holder(cells["session"], cells["lock mode"], granted in _TRUE, others))
    if not holders and not problems:
        problems.append(Problem(source, index + 2, "no rows in the lock table", "expected one"))
    return holders, problems


def parse_lock_queue(text: str, *, source: str) -> list[Holder]:
    """The table's sessions in queue order, each with the sessions it waits for."""
    lines = text.splitlines()
    holders, problems = _table(lines, source)
    names = {h.session for h in holders}
    waits: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=1):
        found = _WAITS.match(line.strip())
        if found is None or not holders:
            continue
        session = found.group("session").strip()
        others = tuple(o.strip(" '\"") for o in found.group("others").split(",") if o.strip())
        unknown = [name for name in (session, *others) if name not in names]
        if unknown:
            what = f"{', '.join(unknown)} not in the lock table"
            problems.append(Problem(source, number, what, f"expected one of {sorted(names)}"))
        waits[session] = others
    if problems:
        raise ContentError(problems)
    with_waits = [Holder(**{**h.__dict__, "waits_for": waits.get(h.session, ())}) for h in holders]
    return _queue_order(with_waits)


def _queue_order(holders: list[Holder]) -> list[Holder]:
    """Holders first; then each waiting session after those it waits for (else table order)."""
    depth: dict[str, int] = {h.session: 0 for h in holders if h.granted}
    for _ in holders:  # at most one pass per session settles every chain
        for h in holders:
            if not h.granted:
                depth[h.session] = 1 + max((depth.get(w, 0) for w in h.waits_for), default=0)
    return sorted(holders, key=lambda h: (not h.granted, depth[h.session]))


def _describe(queue: list[Holder]) -> tuple[str, str]:
    def one(h: Holder) -> str:
        verb = "holds" if h.granted else "waits for"
        behind = f", behind {', '.join(h.waits_for)}" if h.waits_for else ""
        return f"{h.session} {verb} {h.mode}{behind}"

    title = "Lock queue: " + "; ".join(one(h) for h in queue)
    details = " ".join(
        f"{h.session}: " + ", ".join(f"{k} {v}" for k, v in h.others) + "." for h in queue
    )
    return title, f"In queue order, front first. {details}".strip()


def draw_lock_queue(queue: list[Holder], *, ident: str) -> Figure:
    """The queue as a row of boxes, with an arrow per wait."""
    width_each = min(380.0, (WIDTH - _GAP * (len(queue) - 1)) / len(queue))
    # A box is as tall as the tallest one's wrapped lines.
    box_h = max(_box_height(_box_lines(h, width_each)) for h in queue)
    deepest = max(
        (abs(_index(queue, w) - i) for i, h in enumerate(queue) for w in h.waits_for), default=0
    )
    height = _TOP + box_h + 30 + 40 * deepest + FONT_PX + 10
    title, description = _describe(queue)
    parts = [
        svg_open(ident=ident, width=WIDTH, height=height, title=title, description=description)
    ]
    holding = sum(h.granted for h in queue)
    parts.append(f'<text x="0" y="{FONT_PX + 4}">{"holds the lock" if holding else ""}</text>')
    if holding < len(queue):
        x = holding * (width_each + _GAP)
        parts.append(f'<text x="{x:.1f}" y="{FONT_PX + 4}">waits, in queue order →</text>')
    for index, holder in enumerate(queue):
        x = index * (width_each + _GAP)
        parts.append(_box(holder, x, width_each, box_h))
        for other in holder.waits_for:
            parts.append(_arrow(index, _index(queue, other), width_each, box_h))
    parts.append("</svg>")
    body = f'{style(".tsk-queue", _RULES)}<figure class="tsk-figure tsk-queue">{"".join(parts)}</figure>'
    return Figure(body, title, description)


def _index(queue: list[Holder], session: str) -> int:
    return next(i for i, h in enumerate(queue) if h.session == session)


def _box_lines(holder: Holder, width: float) -> list[tuple[list[str], str]]:
    """The box's texts, each wrapped to the box, and its CSS class."""
    texts = [
        (holder.session, "tsk-name"),
        (holder.mode, ""),
        ("granted" if holder.granted else "waiting", ""),
        *((value, "") for _, value in holder.others),
    ]
    return [(wrap(text, width - 2 * _PAD), css) for text, css in texts]


def _box_height(lines: list[tuple[list[str], str]]) -> float:
    wrapped = sum(len(block) - 1 for block, _ in lines)
    return len(lines) * _LINE + wrapped * LINE_PX + 2 * _PAD


def _box(holder: Holder, x: float, width: float, height: float) -> str:
    kind = "tsk-holds" if holder.granted else "tsk-waits"
    parts = [
        f'<rect class="{kind}" x="{x + 1.5:.1f}" y="{_TOP}" width="{width - 3:.1f}"'
        f' height="{height}" rx="10"/>'
    ]
    y = _TOP + _PAD + _LINE - 6
    for block, css in _box_lines(holder, width):
        parts.append(text_block(block, x=x + _PAD, y=y, css=css))
        y += _LINE + (len(block) - 1) * LINE_PX
    return "".join(parts)


def _arrow(waiter: int, holder: int, width: float, box_h: float) -> str:
    """From under the waiting session's box to under the one it waits for, labelled."""
    step = width + _GAP
    # Out of a box left of its middle, into one right of it: a chain's arrows never meet.
    start, end = waiter * step + width * 0.35, holder * step + width * 0.65
    top = _TOP + box_h + 4
    low = top + 26 + 40 * abs(waiter - holder)
    head = f"M {end:.1f} {top} l -9 16 h 18 Z"
    label_x = (start + end) / 2
    return (
        f'<path class="tsk-arrow" d="M {start:.1f} {top} V {low} H {end:.1f} V {top + 14}"/>'
        f'<path class="tsk-head" d="{head}"/>'
        f'<text x="{label_x:.1f}" y="{low + FONT_PX + 4}" text-anchor="middle">waits for</text>'
    )


def lock_queue(path: Path, *, source: str, ident: str) -> Figure:
    """The lock queue drawn from the recorded output at ``path`` (``source`` names it)."""
    lines = read_output(path, source=source, what="lock table")
    return draw_lock_queue(parse_lock_queue("\n".join(lines), source=source), ident=ident)
