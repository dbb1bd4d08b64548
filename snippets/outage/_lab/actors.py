"""The scenario's actors as processes. outage.py runs itself twice more: as `outage.py cron-job`
on this machine, and as `outage.py migration` on the app server (in its network namespace, so
that cutting the app server's cable cuts the migration's connection).

Each actor is its own process because the deploy must be able to SIGKILL the migration, and
each talks with the scenario over its pipes, in lines: it sets itself up, says "ready", and waits
for "go" on stdin. The scenario starts its clock only when every actor is ready, so that set-up
time (starting Python, connecting, configuring Django) never shows in the timeline. After "go",
each line an actor prints is something it did; the scenario decides what to report.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator

from _lab.network import AppServer

CRON_JOB, MIGRATION = "cron-job", "migration"  # the roles, also their application_name

# -- the actor's side of the pipes --------------------------------------------------------------


def say(what: str) -> None:
    """Tell the scenario something (flushed at once: the scenario times each line)."""
    print(what, flush=True)


def wait_for_go() -> None:
    """Set-up done: say so, and wait until the scenario starts the clock."""
    say("ready")
    sys.stdin.readline()


# -- the scenario's side -------------------------------------------------------------------------


class Actors:
    """The two actor processes, and one queue of (who, line, at) for everything they print:
    `at` is when the line arrived (time.monotonic()), so that the clock can place it when it
    was said rather than when a tick, late on a busy machine, came round to it."""

    def __init__(self, cron_job: subprocess.Popen[str], migration: subprocess.Popen[str]):
        self.cron_job, self.migration = cron_job, migration
        self.lines: queue.Queue[tuple[str, str, float]] = queue.Queue()
        for who, process in ((CRON_JOB, cron_job), (MIGRATION, migration)):
            threading.Thread(target=self._forward, args=(who, process), daemon=True).start()

    def _forward(self, who: str, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.put((who, line.rstrip("\n"), time.monotonic()))

    def go(self, who: str) -> None:
        process = self.cron_job if who == CRON_JOB else self.migration
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()

    def next_line(self, timeout: float) -> tuple[str, str, float]:
        return self.lines.get(timeout=timeout)

    def said(self) -> Iterator[tuple[str, str, float]]:
        """What the actors have printed since the last call, without waiting."""
        with contextlib.suppress(queue.Empty):
            while True:
                yield self.lines.get_nowait()

    def wait_ready(self, quiet: bool) -> None:
        """Wait for both to say "ready"; print what they reported while setting up (unless
        quiet). An actor that prints anything else has failed: exit with its traceback."""
        ready: set[str] = set()
        while ready != {CRON_JOB, MIGRATION}:
            who, line, _ = self.next_line(timeout=120)
            if line == "ready":
                ready.add(who)
            elif line.startswith("its session: "):
                if not quiet:
                    print(f"{who}: {line}")
            else:
                sys.exit("\n".join([f"{who} failed while setting up:", line, *self._rest()]))

    def _rest(self) -> Iterable[str]:
        """The rest of a failed actor's traceback (up to 40 lines, 2 s apart at most)."""
        more: list[str] = []
        with contextlib.suppress(queue.Empty):
            while len(more) < 40:
                who, line, _ = self.lines.get(timeout=2)
                more.append(f"{who}: {line}")
        return more


@contextlib.contextmanager
def started(script: str, fixes: Iterable[str], app_server: AppServer) -> Iterator[Actors]:
    """Start `script cron-job` here and `script migration` on the app server, with the same
    `--fix` flags. The cron job is killed on the way out; the app server's `remove()` kills the
    migration (the deploy may have done so already)."""
    flags = [f"--fix={layer}" for layer in fixes]
    command = [sys.executable, os.path.abspath(script)]
    cron_job = subprocess.Popen(
        [*command, CRON_JOB, *flags],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield Actors(cron_job, app_server.start(*command, MIGRATION, *flags))
    finally:
        cron_job.kill()
        cron_job.wait()
