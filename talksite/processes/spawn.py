"""Starting a child that can be found, ended and outlived by nothing: it leads a process group
(or a session) of its own, dies with its parent, and takes Ctrl-C and SIGTERM as from a
terminal.

The parent-death signal (``PR_SET_PDEATHSIG``) comes when the *thread* that started the child
ends, not only the process: start long-lived children from a thread that outlives them.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from talksite.processes.interrupt import signals_deferred
from talksite.processes.wait import kill_group, wait_unreaped

__all__ = ["UserIds", "run", "spawn"]

#: A uid and gid to run a child as (the unprivileged service user), or None for ourselves.
UserIds = tuple[int, int] | None

# Looked up once, here: a child between fork and exec should only make the call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl
_PR_SET_PDEATHSIG = 1
_TERMINAL_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def spawn(
    command: Sequence[str | Path],
    *,
    new_session: bool = False,
    parent_death_signal: signal.Signals = signal.SIGKILL,
    user: UserIds = None,
    **popen: Any,
) -> subprocess.Popen[Any]:
    """Start `command`: the leader of a process group of its own (with `new_session`, of a
    session of its own, so that everything it starts can be found), run as `user`, sent
    `parent_death_signal` if we die, even by SIGKILL. The other arguments are Popen's.

    Ctrl-C and SIGTERM reach it as from a terminal: unblocked, and not ignored, whatever this
    process does with them meanwhile (defer them, or ignore them while it cleans up).
    """
    if user is not None:
        popen.update(user=user[0], group=user[1], extra_groups=[])
    if new_session:
        popen["start_new_session"] = True
    else:
        popen["process_group"] = 0

    def child_setup() -> None:
        # Only signal-mask, disposition and prctl calls: safe even with threads about. Popen
        # has switched user by now (a switch would clear the parent-death signal).
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _TERMINAL_SIGNALS)
        for signum in _TERMINAL_SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        _prctl(_PR_SET_PDEATHSIG, parent_death_signal)

    return subprocess.Popen(command, preexec_fn=child_setup, **popen)  # noqa: PLW1509


def run(
    command: Sequence[str | Path],
    *,
    timeout_s: float,
    parent_death_signal: signal.Signals = signal.SIGKILL,
    user: UserIds = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a short command in a group of its own to its end, and collect its output as text.

    Whatever it left in its group is killed; so is all of it after `timeout_s` seconds, and
    then :class:`subprocess.TimeoutExpired` is raised.
    """
    # Files, not pipes: nothing to read while waiting, and a process left in the group that
    # holds them open cannot keep us waiting.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = None
        try:
            # A signal the block defers is raised as it ends: inside the `try`, which kills it.
            with signals_deferred():
                process = spawn(
                    command,
                    parent_death_signal=parent_death_signal,
                    user=user,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    cwd=cwd,
                )
            ended = wait_unreaped(process, timeout_s)
        finally:
            # What it left behind; all of it if Ctrl-C or SIGTERM cut the wait short (an
            # initdb or a copy left running would go on writing into the folder that the
            # clean-up is removing). Reaps it.
            if process is not None:
                kill_group(process)
        if not ended:
            raise subprocess.TimeoutExpired(list(map(str, command)), timeout_s)
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess(
            list(map(str, command)),
            process.returncode,
            stdout.read().decode(errors="replace"),
            stderr.read().decode(errors="replace"),
        )
