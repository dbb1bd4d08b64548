"""Ctrl-C and SIGTERM end a run within seconds, leaving no server, snippet or data behind.

The signal unwinds the stack, so the ``finally`` blocks and context managers that stop the
snippet and the servers run as usual. In case that clean-up hangs or crawls on a busy machine,
an alarm gives it :data:`CLEANUP_DEADLINE_S` seconds; then every child's process group is
killed, our servers' data removed, and the process exits at once. (SIGKILL cannot be caught:
then the servers' parent-death signal stops them, and the next run removes their data.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path
from types import FrameType

from talksite.postgres import workdirs

__all__ = ["CLEANUP_DEADLINE_S", "unwind_on_signals"]

#: Once interrupted, clean-up gets this many seconds before everything is killed outright.
CLEANUP_DEADLINE_S = 4


def unwind_on_signals() -> None:
    """Make SIGINT raise KeyboardInterrupt and SIGTERM SystemExit, with a deadline."""
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """Unwind through the clean-up (stop the snippet, stop the servers, remove their data),
    but never for longer than CLEANUP_DEADLINE_S: then everything is killed outright."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut clean-up short
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, lambda *_: _kill_everything(128 + signum))
    signal.alarm(CLEANUP_DEADLINE_S)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _kill_everything(status: int) -> None:
    """The clean-up overran: kill our children's process groups (the servers, the snippet's
    session), remove our servers' data, and exit at once."""
    me = os.getpid()
    for pid in _children(me):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)  # in case it leads no group of its own
    for workdir in workdirs.owned_by(me):
        shutil.rmtree(workdir, ignore_errors=True)
    os._exit(status)


def _children(parent: int) -> list[int]:
    """The pids of `parent`'s live children: each leads a process group of its own."""
    children = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                children.append(int(proc.name))
    return children
