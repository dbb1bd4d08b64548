"""Waiting for a child, and ending it and what it started, without killing a stranger by a
reused pid.

A process group lives on as long as any member does; once the last is gone and the leader is
reaped, the kernel may give the leader's pid, and with it the group id, to any new process. On
a busy machine (pid_max is 32768 on many) that happens within seconds, and ``killpg`` of the
old id would kill an unrelated server or snippet, in another run or another test worker. So a
leader is waited for without being reaped: while it is a zombie, its pid stays ours.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import threading
import time

from talksite.processes import proc

__all__ = ["CANCEL_GRACE_S", "end_session", "kill_group", "wait_or_cancel", "wait_unreaped"]

#: A cancelled process gets this long to clean up after SIGTERM (well within the interrupt
#: clean-up's deadline, :data:`talksite.processes.interrupt.CLEANUP_DEADLINE_S`), before its
#: caller kills what is left.
CANCEL_GRACE_S = 2.0
#: How long killed members of a session get to be gone (SIGKILL is not refused, but a busy
#: machine may take a moment to run them into it).
_KILLED_GONE_S = 5.0


def wait_unreaped(process: subprocess.Popen[bytes], timeout_s: float | None) -> bool:
    """Wait until `process` has ended, leaving it unreaped; False if it still runs after
    `timeout_s` seconds (None: wait as long as it takes)."""
    if process.returncode is not None:
        return True  # already reaped, by an earlier wait() or poll()
    pidfd = os.pidfd_open(process.pid)  # readable once the process has ended
    try:
        # poll, not select: the descriptor may be above FD_SETSIZE (1024) in a busy present.
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        ready = poller.poll(None if timeout_s is None else timeout_s * 1000)
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


def wait_or_cancel(
    process: subprocess.Popen[bytes], timeout_s: float, cancel: threading.Event | None
) -> bool:
    """Whether `process` ended within `timeout_s` seconds and before `cancel` was set; it
    stays unreaped either way. Cancelled, it gets SIGTERM and :data:`CANCEL_GRACE_S`."""
    if cancel is None:
        return wait_unreaped(process, timeout_s)
    deadline = time.monotonic() + timeout_s
    # In slices, to notice `cancel` within a twentieth of a second.
    while not wait_unreaped(process, min(0.05, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            return False
        if cancel.is_set():
            # SIGTERM first, as Ctrl-C in a terminal would end it, so that the snippet's own
            # clean-up runs (a lab removes its network namespaces); the rest is SIGKILLed.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)  # unreaped, so still its own group
            wait_unreaped(process, CANCEL_GRACE_S)
            return False
    return True


def end_session(leader: subprocess.Popen[bytes]) -> tuple[str, ...]:
    """Kill every process still in the session that `leader` leads, and its group, and wait
    (a few seconds at most) until they have ended; describe the processes found there
    besides the leader (their command lines)."""
    members = proc.session_members(leader.pid)  # unreaped, so the session id is still its own
    for pid in members:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    kill_group(leader)
    # Gone when this returns (ended, if not yet reaped by whoever inherited them), so that
    # what the caller checks or starts next never sees them running.
    deadline = time.monotonic() + _KILLED_GONE_S
    while time.monotonic() < deadline and any(
        (found := proc.stat(pid)) is not None and not found.ended for pid in members
    ):
        time.sleep(0.01)
    return tuple(members.values())
