"""The TCP lab cleans up after itself: no namespace, veth or process is left behind, even when a
snippet is stopped half-way. (What the snippets print is checked by test_snippets.py.)"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from talksite import snippets
from talksite.postgres import Servers

TCP_DIR = Path(__file__).resolve().parent.parent / "snippets" / "tcp"
PREFIX = "tsk-"  # every namespace and veth the lab creates is named tsk-...


def load(name: str) -> snippets.Snippet:
    return snippets.load(TCP_DIR / name, TCP_DIR.parent)


@pytest.fixture(autouse=True)
def require_root() -> None:
    if os.geteuid() == 0:
        return
    reason = "the TCP lab needs root for network namespaces"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI must run it")
    pytest.skip(reason)


def lab_leftovers() -> list[str]:
    """Namespaces and network interfaces named tsk-... that exist right now."""
    namespaces = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True)
    links = subprocess.run(["ip", "-o", "link"], check=True, capture_output=True, text=True)
    found = [f"netns {line.split()[0]}" for line in namespaces.stdout.splitlines()]
    found += [f"link {line.split(':')[1].strip()}" for line in links.stdout.splitlines()]
    return sorted(item for item in found if item.split()[1].startswith(PREFIX))


@contextlib.contextmanager
def started(snippet: snippets.Snippet, servers: Servers) -> Iterator[subprocess.Popen[bytes]]:
    """Start a snippet as a reader would, in a session of its own, and wait until it is wired."""
    with snippets.database_for(snippet, servers) as database:
        process = subprocess.Popen(
            [sys.executable, str(snippet.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=snippets.environment(database),
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 20
            while not any(item.startswith("netns") for item in lab_leftovers()):
                assert process.poll() is None, f"{snippet.id} exited before wiring its lab"
                assert time.monotonic() < deadline, f"{snippet.id} never created its namespace"
                time.sleep(0.05)
            time.sleep(0.5)  # the app server is running by now
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_a_finished_run_leaves_nothing_behind(talksite_servers: Servers) -> None:
    snippet = load("orphan_backend.py")
    with snippets.database_for(snippet, talksite_servers) as database:
        result = snippets.run(snippet, database)
    assert result.ok, f"{snippet.id} {result.problem()}:\n{result.output}"
    assert lab_leftovers() == []


def test_sigterm_half_way_still_cleans_up(talksite_servers: Servers) -> None:
    snippet = load("silent_peer.py")
    with started(snippet, talksite_servers) as process:
        assert snippets.session_processes(process.pid), "the app server should be running"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 128 + signal.SIGTERM
        assert snippets.session_processes(process.pid) == {}
        assert lab_leftovers() == []


def test_the_next_run_removes_what_a_sigkilled_run_left(talksite_servers: Servers) -> None:
    snippet = load("silent_peer.py")
    with started(snippet, talksite_servers) as process:
        process.kill()  # no clean-up can run: the namespace and the cable stay behind
        process.wait()
        assert lab_leftovers() != []
    with snippets.database_for(snippet, talksite_servers) as database:
        result = snippets.run(snippet, database)
    assert result.ok, f"{snippet.id} {result.problem()}:\n{result.output}"
    assert lab_leftovers() == []
