"""The snippet machinery itself: directives, normalisation, and a suite that really fails."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from command_support import run_talksite

from talksite import snippets
from talksite.postgres import Database
from talksite.snippets import runner

REPO = Path(__file__).resolve().parent.parent
DB = Database(
    url="postgresql://postgres@127.0.0.1:41234/talksite_0a1b2c3d",
    replica_url="postgresql://postgres@127.0.0.1:41235/talksite_0a1b2c3d",
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_directives_are_read_from_lines_starting_with_the_prefix(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "a.py",
        "# talksite: replica timeout=12.5 waits=2\n# talksite: server.tcp_keepalives_idle=1 privileged\n"
        '"""Docstring."""\nimport os\n    # talksite: indented-lines-are-not-directives\n',
    )
    directives = snippets.parse_directives(path)
    assert directives == snippets.Directives(
        replica=True,
        privileged=True,
        timeout_s=12.5,
        waits_s=2.0,
        server_settings={"tcp_keepalives_idle": "1"},
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("# talksite: replicas", "unknown directive 'replicas'"),
        ("# talksite: timeout=soon", "timeout"),
        ("# talksite: own-slot timeout=30", "own-slot is for privileged snippets"),
    ],
)
def test_bad_directive_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path / "bad.py", f'"""doc"""\n{line}\n')
    with pytest.raises(snippets.SnippetError, match=message) as error:
        snippets.parse_directives(path)
    assert str(error.value).startswith(f"{path}:2:")


def test_normalise_rewrites_only_what_varies() -> None:
    raw = (
        "primary on port 41234, replica on 41235, db talksite_0a1b2c3d  \r\n"
        "pid 8123 blocked by pid=77; PID: 5\n"
        "waited 1.24 s, t=0.76s, 2.26 s; kept: 3 s, 41234567, v1.2s\n\n"
    )
    assert snippets.normalise(raw, DB) == (
        "primary on port <port>, replica on <replica-port>, db <database>\n"
        "pid <pid> blocked by pid=<pid>; PID: <pid>\n"
        "waited 1.0 s, t=1.0s, 2.5 s; kept: 3 s, 41234567, v1.2s\n"
    )


def test_wired_addresses_become_the_same_host_of_the_first_slot() -> None:
    """A run in slot N of a lab of /30 subnets prints what a run alone, in slot 0, does; the
    host within the /30 (which end of the cable) still counts, and so do other addresses."""
    raw = "from 198.51.100.14 via 198.51.100.13: 198.51.100.2.\nnot 198.51.100.1234 or 10.198.51.100.6\n"
    assert snippets.normalise(raw, DB) == (
        "from 198.51.100.2 via 198.51.100.1: 198.51.100.2.\nnot 198.51.100.1234 or 10.198.51.100.6\n"
    )
    assert snippets.normalise("seen from 198.51.100.62\n", DB) != "seen from 198.51.100.1\n"


def test_own_slot_is_read_beside_privileged(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", "# talksite: privileged own-slot\n")
    assert snippets.parse_directives(path) == snippets.Directives(privileged=True, own_slot=True)


@pytest.mark.parametrize(
    ("directives", "in_turn"), [("privileged", True), ("privileged own-slot", False)]
)
def test_only_privileged_runs_without_a_slot_of_their_own_take_the_machine_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directives: str, in_turn: bool
) -> None:
    monkeypatch.setattr(runner, "PRIVILEGED_LOCK", str(tmp_path / "privileged.lock"))
    snippet = snippets.load(write(tmp_path / "a.py", f"# talksite: {directives}\n"), tmp_path)
    with runner.machine_turn(snippet), open(runner.PRIVILEGED_LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held_by_the_run = False
        except BlockingIOError:
            held_by_the_run = True
    assert held_by_the_run == in_turn


def test_discovery_skips_helper_folders(tmp_path: Path) -> None:
    write(tmp_path / "snippets" / "layer" / "shown.py", "print(1)\n")
    write(tmp_path / "snippets" / "layer" / "_app" / "models.py", "X = 1\n")
    write(tmp_path / "snippets" / "layer" / "__init__.py", "")
    found = snippets.discover(tmp_path / "snippets")
    assert [s.id for s in found] == ["snippets/layer/shown.py"]


def run_suite(snippets_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TALKSITE_SNIPPETS_DIR=str(snippets_dir))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_snippets.py",
            "-p",
            "no:cacheprovider",
            *options,
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )


def test_a_changed_output_turns_the_suite_red_and_record_turns_it_green(
    tmp_path: Path,
) -> None:
    root = tmp_path / "snippets"
    snippet = write(
        root / "demo" / "answer.py",
        "import os, psycopg\n"
        "with psycopg.connect(os.environ['DATABASE_URL']) as conn:\n"
        "    print('answer', conn.execute('SELECT 6 * 7').fetchone()[0])\n",
    )
    write(root / "demo" / "answer.out", "answer 41\n")
    write(root / "demo" / "unrecorded.py", "print('hello')\n")

    red = run_suite(root)
    assert red.returncode == 1, red.stdout
    assert "-answer 41\n+answer 42" in red.stdout
    assert "snippets/demo/unrecorded.py has no recorded output" in red.stdout

    recorded = run_talksite("record", "--root", str(root), cwd=REPO)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert snippet.with_suffix(".out").read_text() == "answer 42\n"
    assert run_suite(root).returncode == 0


def test_the_suite_records_with_the_record_option(tmp_path: Path) -> None:
    root = tmp_path / "snippets"
    write(root / "demo" / "hello.py", "print('hello')\n")
    write(root / "demo" / "hello.out", "goodbye\n")
    write(root / "demo" / "unrecorded.py", "print('new')\n")
    write(root / "demo" / "crash.py", "print('half')\nraise SystemExit(3)\n")

    recording = run_suite(root, "--record")
    assert recording.returncode == 1, recording.stdout  # a failed run is never recorded
    assert "snippets/demo/crash.py exited with status 3" in recording.stdout
    assert (root / "demo" / "hello.out").read_text() == "hello\n"
    assert (root / "demo" / "unrecorded.out").read_text() == "new\n"
    assert not (root / "demo" / "crash.out").exists()


def test_failing_or_leaky_snippets_fail(tmp_path: Path) -> None:
    root = tmp_path / "snippets"
    write(root / "demo" / "crash.py", "raise SystemExit('no database today')\n")
    write(root / "demo" / "crash.out", "")
    write(
        root / "demo" / "leak.py",
        "import subprocess\nsubprocess.Popen(['sleep', '120'])\nprint('started')\n",
    )
    write(root / "demo" / "leak.out", "started\n")
    write(
        root / "demo" / "slow.py",
        "# talksite: timeout=1\nimport time\ntime.sleep(30)\n",
    )
    write(root / "demo" / "slow.out", "")
    result = run_suite(root)
    assert result.returncode == 1
    assert "snippets/demo/crash.py exited with status 1" in result.stdout
    assert "no database today" in result.stdout
    assert "snippets/demo/leak.py left processes running: sleep 120" in result.stdout, result.stdout
    assert "snippets/demo/slow.py timed out after 1." in result.stdout


def test_a_process_that_escapes_the_session_cannot_hang_the_run(tmp_path: Path) -> None:
    pid_file = tmp_path / "escapee.pid"
    escapee = write(
        tmp_path / "snippets" / "demo" / "escape.py",
        "import pathlib, subprocess\n"
        "escaped = subprocess.Popen(['sleep', '30'], start_new_session=True)  # keeps our stdout open\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(escaped.pid))\n"
        "print('done')\n",
    )
    snippet = snippets.load(escapee, tmp_path / "snippets")
    result = snippets.run(snippet, DB)
    try:
        assert result.output == "done\n"
        assert result.duration_s < 10
    finally:
        # End the process this test made, by its pid.
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_a_ctrl_c_right_after_the_spawn_still_ends_the_snippet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C the moment the snippet has started, before the runner waits on it: the runner
    must still end the snippet's session on its way out."""
    sleeper = write(tmp_path / "snippets" / "demo" / "sleeper.py", "import time\ntime.sleep(60)\n")
    spawned: list[subprocess.Popen[bytes]] = []
    spawn_in_session = runner.spawn_in_session

    def spawn_then_ctrl_c(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        spawned.append(spawn_in_session(*args, **kwargs))
        # To this thread alone, as a talksite command's main thread gets it: one for the
        # process could land on another of xdist's threads, which do not defer it.
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return spawned[-1]

    monkeypatch.setattr(runner, "spawn_in_session", spawn_then_ctrl_c)
    previous_ctrl_c = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            snippets.run(snippets.load(sleeper, tmp_path / "snippets"), None)
        [snippet] = spawned
        assert snippet.returncode == -signal.SIGKILL, "the snippet outlived its runner"
    finally:
        signal.signal(signal.SIGINT, previous_ctrl_c)
        for process in spawned:  # left running by a failing runner
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
