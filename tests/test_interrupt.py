"""Ctrl-C, SIGTERM and SIGKILL end `talksite run` within 5 s, at any moment, with nothing
left behind.

One interruption rarely finds a race; this interrupts many runs, at moments spread from the
servers' start-up to the snippet's run, taking the three signals in turn. And the interrupt
clean-up's deadline (talksite.processes.interrupt) ends an interrupted process with the status
its signal asks for: whether the clean-up overruns, or makes it just in time and the process
is still exiting when the deadline passes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from snippet_support import live_command_lines, talksite_run

from talksite import processes
from talksite.postgres import Pool, workdirs
from talksite.processes import interrupt

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


#: Interrupts itself with the signal named by argv[1] after registering a folder (argv[2]) that
#: holds a file, registering and then forgetting another (argv[2] + ".kept"), registering a
#: clean-up callback (it makes the file argv[2] + ".overran"), making a temporary folder
#: (``registered-*`` in TMPDIR) and starting a child; its own clean-up takes argv[3] seconds,
#: and argv[4] more as it exits (in the interpreter's finalization, after its signal handlers
#: are put back to the default).
CLEANED_UP_SLOWLY = """
import os, shutil, signal, subprocess, sys, time
from pathlib import Path
from talksite.processes import interrupt, spawn

interrupt.CLEANUP_DEADLINE_S = 1.0
interrupt.unwind_on_signals()
folder, cleaning_s, exiting_s = Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
folder.mkdir()
(folder / "half-written").write_text("removed with its folder")
interrupt.register_folder(folder)
kept = Path(f"{folder}.kept")
kept.mkdir()
interrupt.register_folder(kept)
interrupt.forget_folder(kept)
interrupt.on_cleanup(Path(f"{folder}.overran").touch)
temporary = interrupt.temporary_folder("registered-")
(temporary.__enter__() / "half-written").write_text("removed with its folder")
child = spawn(["sleep", "60"])
print(child.pid, flush=True)


class ExitsSlowly:
    def __del__(self) -> None:
        started = time.monotonic()
        while time.monotonic() - started < exiting_s:
            pass


exits_slowly = ExitsSlowly()
try:  # as talksite.cli.main: Ctrl-C ends it with status 130
    try:
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        time.sleep(60)
    finally:
        time.sleep(cleaning_s)
        child.kill()
        child.wait()
        shutil.rmtree(folder)
        temporary.__exit__(None, None, None)
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize(
    ("sig", "cleaning_s", "exiting_s"),
    [
        (signal.SIGINT, 0.0, 0.0),
        (signal.SIGTERM, 0.0, 0.0),
        # Made it just in time, still exiting when the deadline passes: an alarm left armed
        # would kill it now, as SIGALRM.
        (signal.SIGINT, 0.8, 0.6),
        # Overran: killed outright, with the signal's status, the child and folder gone.
        (signal.SIGINT, 3.0, 0.0),
        (signal.SIGTERM, 3.0, 0.0),
    ],
)
def test_an_interrupted_process_exits_with_its_signals_status(
    tmp_path: Path, sig: signal.Signals, cleaning_s: float, exiting_s: float
) -> None:
    folder = tmp_path / "registered"
    process = subprocess.Popen(
        [sys.executable, "-c", CLEANED_UP_SLOWLY, sig.name, str(folder)]
        + [str(cleaning_s), str(exiting_s)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert process.stdout is not None
    child = int(process.stdout.readline())
    process.stdout.close()
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + sig
    overran = cleaning_s > 1.0
    # The deadline (1 s in the script) says so when it cuts the clean-up short, and only then.
    assert (interrupt.OVERRAN.format(1.0) in stderr) == overran, stderr
    # Removed by its own clean-up, or by the deadline's (issue 30): folders that hold files.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["registered.kept"] + (
        ["registered.overran"] if overran else []
    )
    deadline = time.monotonic() + 5  # a killed child is reaped by init meanwhile
    while (found := processes.proc.stat(child)) is not None and not found.ended:
        assert time.monotonic() < deadline, f"the child {child} outlived its parent's clean-up"
        time.sleep(0.05)
