"""A snippet's companion: the program that puts the database (or the machine) in the state the
snippet is about, for snippets that only look, such as an SQL query over the sessions waiting
for a lock.

Named by the directive ``companion=PATH`` (beside the snippet; a helper folder starting with
``_`` keeps it from being a snippet itself), it runs by its own kind's command, with the
snippet's environment, in a session of its own. It prints ``ready`` on a line of its own once
the state is there; lines ``NAME=VALUE`` before that are added to the snippet's environment
(a lab's namespace, say). Then the snippet runs, and when it ends the companion gets SIGTERM,
a moment for its clean-up, and SIGKILL for what is left of its session. Its output is not
the snippet's: a recording holds what the snippet printed.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from talksite.errors import TalksiteError
from talksite.processes import end_session, wait_unreaped
from talksite.processes.wait import CANCEL_GRACE_S
from talksite.snippets.commands import run_command, spawn_in_session
from talksite.snippets.kinds import Kind
from talksite.snippets.model import Snippet
from talksite.snippets.result import RunResult

__all__ = ["CompanionNotReady", "beside_companion", "companion"]

READY = "ready"
_EXPORT = re.compile(r"([A-Z][A-Z0-9_]*)=(.*)")


class CompanionNotReady(TalksiteError):
    """The companion ended, or ran out of time, before it printed ``ready``."""

    def __init__(self, reason: str, output: str, returncode: int, *, timed_out: bool) -> None:
        super().__init__(reason)
        self.output = output
        self.returncode = returncode
        self.timed_out = timed_out


def beside_companion(
    snippet: Snippet,
    env: dict[str, str],
    timeout_s: float,
    run: Callable[[float, dict[str, str]], RunResult],
) -> RunResult:
    """`run` the snippet (given the time left and the companion's variables) once its
    companion is ready; the wait counts against the snippet's `timeout_s`."""
    path, kind = snippet.directives.companion, snippet.directives.companion_kind
    assert path is not None and kind is not None
    started = time.monotonic()
    try:
        with companion(path, kind, snippet.root.parent, env, timeout_s) as exported:
            return run(max(0.0, timeout_s - (time.monotonic() - started)), exported)
    except CompanionNotReady as error:
        return RunResult(
            output=error.output,
            returncode=error.returncode,
            duration_s=time.monotonic() - started,
            timed_out=error.timed_out,
            companion_problem=str(error),
        )


@contextlib.contextmanager
def companion(
    path: Path, kind: Kind, cwd: Path, env: dict[str, str], timeout_s: float
) -> Iterator[dict[str, str]]:
    """Run the companion at `path` while the block runs; yields the variables it exported."""
    shown = path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else str(path)
    process = spawn_in_session(
        run_command(kind, path, cwd, env.get("DATABASE_URL")), env=env, cwd=cwd
    )
    try:
        yield _wait_until_ready(process, shown, time.monotonic() + timeout_s)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # unreaped: still its own group
        wait_unreaped(process, CANCEL_GRACE_S)
        end_session(process)
        if process.stdout is not None:
            process.stdout.close()


def _wait_until_ready(
    process: subprocess.Popen[bytes], shown: str, deadline: float
) -> dict[str, str]:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    printed = b""
    while True:
        lines = printed.decode("utf-8", errors="replace").split("\n")
        if READY in lines[:-1]:
            exported = lines[: lines.index(READY)]
            return dict(match.groups() for line in exported if (match := _EXPORT.fullmatch(line)))
        left = deadline - time.monotonic()
        data = os.read(fd, 65536) if left > 0 and poller.poll(left * 1000) else None
        if data is None or data == b"":
            ended = data == b"" and wait_unreaped(process, 1.0)
            # Its status, leaving it unreaped: its session is ended by its pid afterwards.
            status = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT) if ended else None
            why = f"exited with status {status.si_status}" if status else "ran out of time"
            raise CompanionNotReady(
                f"its companion {shown} {why} before it printed {READY!r}",
                printed.decode("utf-8", errors="replace"),
                status.si_status if status and status.si_status else 1,
                timed_out=status is None,
            )
        printed += data
