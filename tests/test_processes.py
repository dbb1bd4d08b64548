"""talksite.processes: a child is started to be found and ended, /proc is read right, and a
process group is killed only while its leader's pid is still its own."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from talksite import processes
from talksite.processes import kill_group, proc, wait_unreaped


def state(pid: int) -> str:
    """The process's state letter (Z: ended, not yet reaped)."""
    found = proc.stat(pid)
    assert found is not None, f"no process {pid}"
    return found.state


def gone_or_zombie(pid: int) -> bool:
    found = proc.stat(pid)
    return found is None or found.ended


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
    leader = processes.spawn(
        [
            sys.executable,
            "-c",
            "import subprocess, sys; "
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
            "print(child.pid, flush=True)",
        ],
        stdout=subprocess.PIPE,
        text=True,
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
        if gone_or_zombie(child):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the leader's child {child} outlived kill_group")


def test_stat_reads_a_command_name_with_spaces_and_parentheses(tmp_path: Path) -> None:
    odd = tmp_path / "a) b (c"
    odd.symlink_to(sys.executable)
    process = processes.spawn(
        [str(odd), "-c", "import time; time.sleep(60)"], new_session=True, env={"MARK": "odd"}
    )
    try:
        found = proc.stat(process.pid)
        assert found is not None
        assert (found.parent, found.group, found.session) == (
            os.getpid(),
            process.pid,
            process.pid,
        )
        assert not found.ended
        assert proc.command_line(process.pid) == f"{odd} -c import time; time.sleep(60)"
        assert proc.environment(process.pid) == {"MARK": "odd"}
        assert process.pid in proc.children(os.getpid())
        assert process.pid in proc.descendants(os.getpid())
    finally:
        kill_group(process)


def test_end_session_kills_what_left_the_group_but_not_the_session() -> None:
    leader = processes.spawn(
        [
            sys.executable,
            "-c",
            "import os, subprocess, sys; "
            "child = subprocess.Popen(['sleep', '60'], process_group=0); "
            "print(child.pid, flush=True); "
            "os.read(0, 1)",
        ],
        new_session=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert leader.stdout is not None and leader.stdin is not None
    child = int(leader.stdout.readline())
    leader.stdout.close()
    assert os.getpgid(child) == child  # a group of its own: kill_group would miss it
    # Popen returns once exec has begun; /proc shows the new command line a moment later.
    for _ in range(600):
        if proc.command_line(child) == "sleep 60":
            break
        time.sleep(0.05)
    assert proc.session_members(leader.pid) == {child: "sleep 60"}
    leader.stdin.close()
    assert wait_unreaped(leader, timeout_s=30)
    assert processes.end_session(leader) == ("sleep 60",)
    for _ in range(600):
        if gone_or_zombie(child):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"{child} outlived end_session")


@pytest.mark.parametrize("parent_blocks", [False, True])
def test_a_spawned_child_takes_ctrl_c_whatever_its_parent_does(parent_blocks: bool) -> None:
    """Ctrl-C reaches a child as from a terminal, even one started while the parent ignores
    SIGINT (cleaning up after one) or defers it (starting a server)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with processes.signals_deferred() if parent_blocks else contextlib.nullcontext():
            child = processes.spawn(
                [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"],
                stdout=subprocess.PIPE,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert child.stdout is not None
    assert child.stdout.readline() == b"up\n"
    child.stdout.close()
    os.kill(child.pid, signal.SIGINT)
    assert wait_unreaped(child, timeout_s=30)
    kill_group(child)
    assert child.returncode != 0  # KeyboardInterrupt


def test_a_spawned_child_dies_with_its_parent() -> None:
    # The parent spawns a sleeper and prints its pid; then the parent is SIGKILLed.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from talksite import processes; "
            "child = processes.spawn(['sleep', '60']); "
            "print(child.pid, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.stdout.close()
    parent.kill()
    parent.wait()
    for _ in range(600):
        if gone_or_zombie(child):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"{child} outlived its SIGKILLed parent")


def test_run_collects_output_and_kills_what_it_left() -> None:
    result = processes.run(["sh", "-c", "sleep 60 & echo $!; echo err >&2; exit 3"], timeout_s=30)
    assert (result.returncode, result.stderr) == (3, "err\n")
    left = int(result.stdout)
    for _ in range(600):
        if gone_or_zombie(left):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"{left}, left in the command's group, outlived run()")
    with pytest.raises(subprocess.TimeoutExpired):
        processes.run(["sleep", "60"], timeout_s=0.2)


def test_run_cut_short_by_a_signal_kills_the_command(tmp_path: Path) -> None:
    """A Ctrl-C once the command has started raises in whatever `run` is doing: the command
    must not go on (an initdb left running writes into the folder the clean-up is removing)."""
    pid_file = tmp_path / "pid"

    def ctrl_c_once_started(signum: int, frame: object) -> None:
        if pid_file.exists() and pid_file.read_text().strip():
            # To this thread alone, as a talksite command's main thread gets it: one for the
            # process could land on another of xdist's threads, which do not defer it.
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        else:
            signal.setitimer(signal.ITIMER_REAL, 0.05)  # not started yet: a little later

    previous_alarm = signal.signal(signal.SIGALRM, ctrl_c_once_started)
    previous_ctrl_c = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(KeyboardInterrupt):
            processes.run(["sh", "-c", f"echo $$ > {pid_file}; exec sleep 60"], timeout_s=30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_alarm)
        signal.signal(signal.SIGINT, previous_ctrl_c)
    assert gone_or_zombie(int(pid_file.read_text()))
