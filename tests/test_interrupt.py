"""Ctrl-C, SIGTERM and SIGKILL end `talksite run` within 5 s, at any moment, with nothing
left behind.

One interruption rarely finds a race; this interrupts many runs, at moments spread from the
servers' start-up to the snippet's run, taking the three signals in turn.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from snippet_support import live_command_lines, talksite_run

from talksite.postgres import Pool, workdirs

RUNS = 12
#: Issue 15: interrupted, `talksite run` is gone within this many seconds.
DEADLINE_S = 5.0
SLOW_SNIPPET = """\
import os
import time

import psycopg

with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    conn.execute("SELECT 1")
    print("ready", flush=True)
    time.sleep(60)
"""


def leftovers(pid: int, snippet: Path) -> list[str]:
    """What a run with this pid left: its servers' data folders, live processes using them,
    and the snippet still running."""
    prefix = f"{workdirs.WORKDIR_PREFIX}{pid}-"
    found = [str(path) for path in workdirs.owned_by(pid)]
    return found + live_command_lines(prefix, str(snippet))


@pytest.fixture(scope="module")
def slow_snippet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interrupt") / "snippets" / "slow.py"
    path.parent.mkdir()
    path.write_text(SLOW_SNIPPET)
    return path


@pytest.mark.parametrize("attempt", range(RUNS))
def test_an_interrupted_run_ends_in_time_and_leaves_nothing(
    slow_snippet: Path, attempt: int
) -> None:
    sig = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)[attempt % 3]
    with talksite_run(slow_snippet) as (runner, stderr):
        assert runner.stdout is not None
        if attempt % 4 < 2:
            # During start-up: the servers, the database, the snippet's launch.
            time.sleep(0.1 * attempt)
        elif runner.stdout.readline() != "ready\n":  # the snippet should be running
            runner.wait(timeout=DEADLINE_S)
            stderr.seek(0)
            pytest.fail(f"talksite run ended unasked ({runner.returncode}):\n{stderr.read()}")
        runner.send_signal(sig)
        runner.wait(timeout=DEADLINE_S)
    deadline = time.monotonic() + 5  # the kernel reaps what the run killed
    while leftovers(runner.pid, slow_snippet) and time.monotonic() < deadline:
        time.sleep(0.05)
    found = leftovers(runner.pid, slow_snippet)
    if sig == signal.SIGKILL:
        # Nothing runs in a SIGKILLed process: the kernel ends its servers and snippet
        # (parent-death signals), and the next run removes the data it left.
        with Pool():
            pass
        found = leftovers(runner.pid, slow_snippet)
    assert found == []
