"""Every child process talksite starts, waits for and ends, in one place: nothing else parses
``/proc`` or reaps a child.

- :mod:`~talksite.processes.spawn`: start a child in a group or session of its own, with a
  parent-death signal, as the service user if asked, with Ctrl-C and SIGTERM as from a terminal;
- :mod:`~talksite.processes.wait`: wait without reaping, wait or cancel, kill a group or a
  session;
- :mod:`~talksite.processes.proc`: read ``/proc`` (a process's state, parent, session, command
  line, environment; a session's members; a process's children and descendants);
- :mod:`~talksite.processes.interrupt`: Ctrl-C and SIGTERM unwind through the clean-up, with a
  deadline, and a registry of what to remove if it overruns.
"""

from __future__ import annotations

from talksite.processes import interrupt, proc
from talksite.processes.interrupt import signals_deferred
from talksite.processes.spawn import UserIds, run, spawn
from talksite.processes.wait import (
    CANCEL_GRACE_S,
    end_session,
    kill_group,
    wait_or_cancel,
    wait_unreaped,
)

__all__ = [
    "CANCEL_GRACE_S",
    "UserIds",
    "end_session",
    "interrupt",
    "kill_group",
    "proc",
    "run",
    "signals_deferred",
    "spawn",
    "wait_or_cancel",
    "wait_unreaped",
]
