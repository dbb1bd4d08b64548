"""A process group is killed only while its leader's pid is still its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from talksite.processes import kill_group, wait_unreaped


def state(pid: int) -> str:
    """The process's state letter in /proc (Z: ended, not yet reaped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_an_ended_process_stays_unreaped_so_its_pid_cannot_be_reused() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    assert wait_unreaped(process, timeout_s=30)
    assert state(process.pid) == "Z"  # the pid, and so the group id, are still its own
    assert process.returncode is None
    kill_group(process)
    assert process.returncode == 0
    assert not Path(f"/proc/{process.pid}").exists() or state(process.pid) != "Z"


def test_a_running_process_times_out() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert not wait_unreaped(process, timeout_s=0.2)
        assert state(process.pid) != "Z"
    finally:
        process.kill()
        process.wait()


def test_kill_group_ends_what_the_leader_started() -> None:
    # The leader starts a child in its group and exits; the child lives on.
    leader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys; "
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
            "print(child.pid, flush=True)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert leader.stdout is not None
    child = int(leader.stdout.readline())
    leader.stdout.close()
    assert wait_unreaped(leader, timeout_s=30)
    assert os.getpgid(child) == leader.pid
    kill_group(leader)
    assert leader.returncode == 0
    # The orphan is reparented to init (or a subreaper), which reaps it once killed.
    for _ in range(600):
        if not Path(f"/proc/{child}").exists() or state(child) == "Z":
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the leader's child {child} outlived kill_group")
