"""Run a snippet as a reader would (``python snippet.py``, ``psql -X -f snippet.sql``,
``bash snippet.sh``: its kind's command) in a session of its own, with a fresh database if it
needs one, its output collected (and echoed live if asked), nothing left running after.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import select
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from typing import TextIO

from talksite.errors import TalksiteError
from talksite.postgres import Database
from talksite.processes import end_session, signals_deferred, wait_or_cancel
from talksite.services import REGISTRY
from talksite.snippets.commands import run_command, spawn_in_session
from talksite.snippets.companion import beside_companion
from talksite.snippets.model import Snippet
from talksite.snippets.result import RunResult

__all__ = [
    "PRIVILEGED_LOCK",
    "RunResult",
    "TurnNotTaken",
    "machine_turn",
    "run",
]

#: Privileged runs take turns on this lock, machine-wide (except ``own-slot`` ones).
PRIVILEGED_LOCK = os.path.join(tempfile.gettempdir(), "talksite-privileged.lock")
#: Added to a privileged run's niceness: negative, ahead of the runs queueing for its turn.
PRIVILEGED_NICENESS = -5
#: A wait for the turn that can be cancelled or run out looks this often whether it may go on.
TURN_POLL_S = 0.05
_turn = threading.local()


class TurnNotTaken(TalksiteError):
    """A privileged run that was stopped, or ran out of time, while it waited for its turn."""


#: What a run's environment names only when the run has it: a service's URL, never inherited.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REPLICA_DATABASE_URL",
    "DATABASE_IS_THROWAWAY",
    *(kind.variable for kind in REGISTRY.values()),
)


def environment(
    database: Database | None, services: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The run's environment: ours, with the URLs of the services the run has (its database,
    and `services`, by variable: ``REDIS_URL``), and only those."""
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env.update(PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    if database is not None:
        env.update(DATABASE_URL=database.url, DATABASE_IS_THROWAWAY="1")
        if database.replica_url is not None:
            env["REPLICA_DATABASE_URL"] = database.replica_url
    env.update(services or {})
    return env


def run(
    snippet: Snippet,
    database: Database | None,
    *,
    echo: TextIO | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
    services: Mapping[str, str] | None = None,
) -> RunResult:
    """Run the snippet with its kind's command, on `database` (None: it needs none) and with
    the URLs of its other `services` (by variable); optionally echo its output live.

    A privileged snippet runs in its machine turn (see :func:`machine_turn`); the timeout
    starts when its turn comes. Setting `cancel` ends the run early, as a timeout would
    (``talksite present`` does when the presenter leaves the slide). A `deadline` (on
    :func:`time.monotonic`'s clock) ends it by then at the latest, the wait for the turn
    included.
    """
    with machine_turn(snippet, cancel=cancel, deadline=deadline):
        timeout_s = snippet.directives.timeout_s
        if deadline is not None:
            timeout_s = max(0.0, min(timeout_s, deadline - time.monotonic()))
        env = environment(database, services)
        if snippet.directives.companion is None:
            return _run(snippet, database, env, echo=echo, cancel=cancel, timeout_s=timeout_s)
        return beside_companion(
            snippet,
            env,
            timeout_s,
            lambda left, exported: _run(
                snippet,
                database,
                {**env, **exported},
                echo=echo,
                cancel=cancel,
                timeout_s=left,
            ),
        )


@contextlib.contextmanager
def machine_turn(
    snippet: Snippet,
    *,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> Iterator[None]:
    """For a privileged snippet: hold the machine-wide lock of privileged runs, and run ahead
    of other work meanwhile (what this thread starts inherits its priority).

    Which snippets take the turn (see snippets/README.md): those that change machine-wide
    state under fixed names, and those whose output rests on timing between actors that
    another privileged run would disturb; as the others queue for the turn, the holder gets
    the CPU first. A snippet that declares ``own-slot`` claims a slot of its own (its lock
    file, names, addresses) and needs no turn: it runs as unprivileged ones do, beside the
    turn's holder and behind it for the CPU. Re-entrant within a thread; the lock goes when
    its holder dies.

    With `cancel` or a `deadline`, the wait polls, and raises :class:`TurnNotTaken` once
    `cancel` is set or the deadline has passed; without, it waits as long as it takes.
    """
    needs = snippet.directives
    if not needs.privileged or needs.own_slot or getattr(_turn, "held", False):
        yield
        return
    with open(PRIVILEGED_LOCK, "w") as lock:
        _wait_for_turn(lock.fileno(), cancel, deadline)
        # Linux: a thread's own niceness; raising priority needs root, as privileged does.
        niceness = os.getpriority(os.PRIO_PROCESS, 0)
        with contextlib.suppress(PermissionError):
            os.setpriority(os.PRIO_PROCESS, 0, niceness + PRIVILEGED_NICENESS)
        _turn.held = True
        try:
            yield
        finally:
            _turn.held = False
            with contextlib.suppress(PermissionError):
                os.setpriority(os.PRIO_PROCESS, 0, niceness)


def _wait_for_turn(fd: int, cancel: threading.Event | None, deadline: float | None) -> None:
    if cancel is None and deadline is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - started
        if cancel is not None and cancel.is_set():
            raise TurnNotTaken(f"stopped after waiting {waited:.1f} s for the machine's turn")
        if deadline is not None and time.monotonic() >= deadline:
            raise TurnNotTaken(
                f"timed out after waiting {waited:.1f} s for the machine's turn"
                " (another privileged run holds it)"
            )
        if cancel is not None:
            cancel.wait(TURN_POLL_S)
        else:
            time.sleep(TURN_POLL_S)


def _run(
    snippet: Snippet,
    database: Database | None,
    env: dict[str, str],
    *,
    echo: TextIO | None,
    cancel: threading.Event | None,
    timeout_s: float,
) -> RunResult:
    cwd = snippet.root.parent
    argv = run_command(snippet.kind, snippet.path, cwd, database.url if database else None)
    started = time.monotonic()
    chunks: list[str] = []
    finished = threading.Event()
    process: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = None
    timed_out = False
    try:
        # Deferred: a Ctrl-C between the spawn and the `try` would leave the snippet's session
        # running; raised as the block ends, it lands here. The reader inherits the blocked
        # mask, as it should: Ctrl-C must reach the main thread's wait.
        with signals_deferred():
            process = spawn_in_session(argv, env=env, cwd=cwd)
            reader = threading.Thread(
                target=_collect, args=(process, chunks, echo, finished), daemon=True
            )
            reader.start()
        # Unreaped until its session is ended, so that its pid cannot meanwhile become a
        # stranger's (see talksite.processes).
        timed_out = not wait_or_cancel(process, timeout_s, cancel)
    finally:
        # Also on Ctrl-C: no snippet outlives its runner.
        if process is not None:
            leftovers = end_session(process)
            finished.set()
            if reader is not None and reader.is_alive():  # not if it never started
                reader.join()
            if process.stdout is not None:
                process.stdout.close()
    return RunResult(
        output="".join(chunks),
        returncode=process.returncode,
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
        leftover_processes=() if timed_out else leftovers,
    )


def _collect(
    process: subprocess.Popen[bytes],
    chunks: list[str],
    echo: TextIO | None,
    finished: threading.Event,
) -> None:
    """Read output as it comes until the pipe closes, or, once the snippet has ended, until
    it falls silent: a process that escaped the snippet's session may hold the pipe open."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while True:
        # poll, not select: present may hold more than FD_SETSIZE (1024) connections.
        if not poller.poll(100):
            if finished.is_set():
                break
            continue
        data = os.read(fd, 65536)
        if not data:
            break
        text = decoder.decode(data)
        chunks.append(text)
        if echo is not None:
            echo.write(text)
            echo.flush()
    chunks.append(decoder.decode(b"", final=True))
