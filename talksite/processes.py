"""Ending a child and what it started: with its parent, if that dies (:func:`die_with_parent`),
and without killing a stranger by a reused pid.

A process group lives on as long as any member does; once the last is gone and the leader is
reaped, the kernel may give the leader's pid, and with it the group id, to any new process. On
a busy machine (pid_max is 32768 on many) that happens within seconds, and ``killpg`` of the
old id would kill an unrelated server or snippet, in another run or another test worker. So a
leader is waited for without being reaped: while it is a zombie, its pid stays ours.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess

__all__ = ["die_with_parent", "kill_group", "wait_unreaped"]

# Looked up once, here: a child between fork and exec should only make the call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl
_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int) -> None:
    """In a child, before exec: when its parent dies, even by SIGKILL, the kernel sends it
    `signum`. Call it after any setuid, which clears it."""
    _prctl(_PR_SET_PDEATHSIG, signum)


def wait_unreaped(process: subprocess.Popen[bytes], timeout_s: float | None) -> bool:
    """Wait until `process` has ended, leaving it unreaped; False if it still runs after
    `timeout_s` seconds (None: wait as long as it takes)."""
    if process.returncode is not None:
        return True  # already reaped, by an earlier wait() or poll()
    pidfd = os.pidfd_open(process.pid)  # readable once the process has ended
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout_s)
    finally:
        os.close(pidfd)
    return bool(ready)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group that `process` leads, then reap it.

    Only while `process` is unreaped is its pid certain to still name its own group; if
    something already reaped it, the group is left alone rather than risk a stranger.
    """
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
