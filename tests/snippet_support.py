"""Helpers for tests that watch a snippet while it runs, or look for what a run left behind.

A snippet watched here still runs through talksite's runner (:func:`talksite.snippets.run`):
in a session of its own, with a fresh database, everything left in its session reported and
ended when it exits. :func:`started` only runs it in a thread, so that a test can signal it
half-way, once it has printed a given text. :func:`changed` gives a recording (or any file)
other text for the length of a ``with`` block.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pytest

from talksite import environment, processes, snippets
from talksite.postgres import Database, DatabaseSource
from talksite.processes import proc

#: Whatever names the user's servers: a child run here uses servers of its own.
USERS_SERVER_VARIABLES = environment.spellings(environment.DATABASE_URL) + environment.spellings(
    environment.REPLICA_DATABASE_URL
)

__all__ = [
    "Started",
    "changed",
    "live_command_lines",
    "lock_held",
    "processes_of_run",
    "started",
    "talksite_run",
]

REPO = Path(__file__).resolve().parent.parent

#: How long a snippet may take to print what a test waits for (the machine may be busy).
READY_TIMEOUT_S = 60.0
#: How long a test waits for a lab's lock that a run holds (a run ends within its timeout).
LOCK_WAIT_S = 90.0


def live_command_lines(*mentioning: str) -> list[str]:
    """The command lines of live processes (zombies aside) that mention any of `mentioning`."""
    found = []
    for process in proc.live():
        line = proc.command_line(process.pid)
        if line is not None and any(text in line for text in mentioning):
            found.append(line)
    return found


def processes_of_run(database: Database) -> dict[int, str]:
    """Live processes whose environment holds this run's DATABASE_URL: pid -> command line.

    Every process a snippet starts inherits it, even one that left the snippet's session.
    """
    found = {}
    for process in proc.live():
        if process.pid == os.getpid():
            continue
        environment = proc.environment(process.pid)  # None: gone meanwhile, or not ours to read
        if environment is None or environment.get("DATABASE_URL") != database.url:
            continue
        line = proc.command_line(process.pid)
        if line is not None:
            found[process.pid] = line
    return found


@contextlib.contextmanager
def talksite_run(snippet: Path) -> Iterator[tuple[subprocess.Popen[str], TextIO]]:
    """`talksite run snippet` on throwaway servers, its stdout a pipe and its stderr kept for a
    failure message; killed at the end if it still runs."""
    env = {name: value for name, value in os.environ.items() if name not in USERS_SERVER_VARIABLES}
    with tempfile.TemporaryFile(mode="w+") as stderr:
        # Ctrl-C reaches it as from a terminal: a run started from a background job (`make
        # test &`) would otherwise inherit SIGINT ignored, and lose it until talksite's own
        # handler is installed.
        runner = processes.spawn(
            [sys.executable, "-m", "talksite.cli", "run", str(snippet)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
            cwd=REPO,
        )
        try:
            yield runner, stderr
        finally:
            if runner.poll() is None:
                runner.kill()
                runner.wait()
            assert runner.stdout is not None
            runner.stdout.close()


@contextlib.contextmanager
def lock_held(path: Path) -> Iterator[None]:
    """Hold the lock file a lab's runs take (``flock``), waiting while a run holds it.

    Meanwhile no run can wire that lab, so whatever of it exists is a leftover. Other people's
    runs on this machine take the same locks, whenever they are free.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, f"{path} stayed locked for {LOCK_WAIT_S} s"
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


class _Output(io.StringIO):
    """The run's output as the runner echoes it; notes when `ready` has been printed."""

    def __init__(self, ready: str) -> None:
        super().__init__()
        self.ready = ready
        self.seen = threading.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.ready in self.getvalue():
            self.seen.set()
        return written


@dataclass
class Started:
    """A snippet the runner is running in a thread of this process."""

    snippet: snippets.Snippet
    database: Database
    #: The snippet's process: it leads its session, so it is also the session's id.
    pid: int
    _output: _Output
    _thread: threading.Thread
    _results: list[snippets.RunResult] = field(default_factory=list)

    @property
    def output(self) -> str:
        return self._output.getvalue()

    def signal(self, signum: signal.Signals) -> None:
        """Send `signum` to the snippet's own process."""
        os.kill(self.pid, signum)

    def result(self, *, timeout: float = 30.0) -> snippets.RunResult:
        """The runner's result, once the snippet has ended and the runner has cleaned up."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"{self.snippet.id} still runs after {timeout} s"
        return self._results[0]


def _leader(snippet: snippets.Snippet, database: Database) -> int | None:
    """The pid of ``python snippet.py`` for this run, if it has started."""
    command = [sys.executable, str(snippet.path)]
    for pid, cmdline in processes_of_run(database).items():
        with contextlib.suppress(ProcessLookupError):
            if cmdline.split() == command and os.getsid(pid) == pid:
                return pid
    return None


@contextlib.contextmanager
def started(
    snippet: snippets.Snippet, databases: DatabaseSource, *, ready: str
) -> Iterator[Started]:
    """Run `snippet` on a fresh database, as the tests do, and yield once it has printed
    `ready`. Whatever still runs when the block ends is killed, and the runner cleans up."""
    with databases.database(snippet.needs) as database:
        output = _Output(ready)
        results: list[snippets.RunResult] = []

        def run() -> None:
            results.append(snippets.run(snippet, database, echo=output))

        thread = threading.Thread(target=run, name=f"run {snippet.id}", daemon=True)
        thread.start()
        pid = None
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not output.seen.wait(0.05):
                if not thread.is_alive() or time.monotonic() > deadline:
                    pytest.fail(
                        f"{snippet.id} never printed {ready!r}; it printed:\n{output.getvalue()}",
                        pytrace=False,
                    )
            pid = _leader(snippet, database)
            assert pid is not None, f"{snippet.id} printed {ready!r} but cannot be found"
            yield Started(snippet, database, pid, output, thread, results)
        finally:
            if thread.is_alive():
                pid = pid or _leader(snippet, database)
                if pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
            thread.join()


@contextlib.contextmanager
def changed(path: Path, text: str) -> Iterator[None]:
    """`path` holds `text` while the block runs, and what it held before afterwards."""
    before = path.read_text()
    path.write_text(text)
    try:
        yield
    finally:
        path.write_text(before)
