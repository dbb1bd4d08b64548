"""Reading ``/proc``: one parser for what the kernel says of a process (its state, parent,
group, session, command line, environment), and the questions asked of it: who is in a
session, who are a process's children and everything below it.

Every answer is a snapshot: a process may end, and its pid be reused, right after. A process
that ends while it is being read is left out, as if it had ended before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Stat",
    "children",
    "command_line",
    "descendants",
    "environment",
    "live",
    "session_members",
    "stat",
]

PROC = Path("/proc")


@dataclass(frozen=True)
class Stat:
    """The fields of ``/proc/PID/stat`` that talksite asks about."""

    pid: int
    #: R running, S sleeping, Z zombie (ended, not yet reaped), and so on.
    state: str
    parent: int
    group: int
    session: int

    @property
    def ended(self) -> bool:
        """Ended, whether or not reaped yet: its pid is still taken until it is."""
        return self.state in ("Z", "X")


def stat(pid: int) -> Stat | None:
    """What ``/proc/PID/stat`` says, or None if there is no such process (any more)."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command's name, in parentheses, may hold spaces and parentheses of its own: the
    # fields after the last ")" are fixed (proc(5)).
    fields = text.rsplit(")", 1)[1].split()
    return Stat(pid, fields[0], int(fields[1]), int(fields[2]), int(fields[3]))


def _all() -> Iterator[Stat]:
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (found := stat(int(entry.name))) is not None:
            yield found


def live() -> Iterator[Stat]:
    """Every process that has not ended (zombies aside)."""
    return (process for process in _all() if not process.ended)


def command_line(pid: int) -> str | None:
    """The process's arguments joined by spaces ("" for a kernel thread), or None if gone."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def environment(pid: int) -> dict[str, str] | None:
    """The environment the process started with, or None if gone or not ours to read."""
    try:
        raw = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return None
    found = {}
    for entry in raw.split(b"\0"):
        name, equals, value = entry.decode(errors="replace").partition("=")
        if equals:
            found[name] = value
    return found


def session_members(session_id: int) -> dict[int, str]:
    """Live processes in the session `session_id`, its leader aside: pid -> command line."""
    found = {}
    for process in live():
        if process.session != session_id or process.pid == session_id:
            continue
        line = command_line(process.pid)
        if line is not None:  # else it ended meanwhile
            found[process.pid] = line or str(process.pid)
    return found


def children(parent: int) -> list[int]:
    """The pids of `parent`'s children, ended or not."""
    return [process.pid for process in _all() if process.parent == parent]


def descendants(pid: int) -> set[int]:
    """`pid` and every process below it, now."""
    parents = {process.pid: process.parent for process in _all()}
    found, added = {pid}, True
    while added:
        below = {child for child, parent in parents.items() if parent in found} - found
        found |= below
        added = bool(below)
    return found
