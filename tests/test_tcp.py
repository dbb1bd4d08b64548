"""The TCP lab cleans up after itself: no namespace, veth or process is left behind, even when a
snippet is stopped half-way. (What the snippets print is checked by test_snippets.py.)

Each snippet runs through talksite's runner (a session of its own; whatever is left in it is
reported); snippet_support.started lets a test signal it half-way.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from snippet_support import lock_held, started

from talksite import snippets
from talksite.postgres import Servers

# The lab builds network namespaces: root only (skipped without it, failing under CI=true).
pytestmark = pytest.mark.privileged

TCP_DIR = Path(__file__).resolve().parent.parent / "snippets" / "tcp"
PREFIX = "tsk-"  # every namespace and veth the lab creates is named tsk-...
#: The lock a run holds while the lab is wired (snippets/tcp/lab.py): one lab at a time.
LAB_LOCK = Path(tempfile.gettempdir()) / "talksite-tcp-lab.lock"
#: What silent_peer.py prints once its app server runs in its namespace, wired to the server.
WIRED = "app: waiting in recv()"


def load(name: str) -> snippets.Snippet:
    return snippets.load(TCP_DIR / name, TCP_DIR.parent)


def lab_leftovers() -> list[str]:
    """Namespaces and network interfaces named tsk-... that exist right now (a leftover only
    while no run holds the lab: check under ``lock_held(LAB_LOCK)``)."""
    namespaces = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True)
    links = subprocess.run(["ip", "-o", "link"], check=True, capture_output=True, text=True)
    found = [f"netns {line.split()[0]}" for line in namespaces.stdout.splitlines()]
    found += [f"link {line.split(':')[1].strip()}" for line in links.stdout.splitlines()]
    return sorted(item for item in found if item.split()[1].startswith(PREFIX))


def test_a_finished_run_leaves_nothing_behind(talksite_servers: Servers) -> None:
    outcome = snippets.check(load("orphan_backend.py"), talksite_servers)
    assert outcome.result.ok, outcome.failure()
    with lock_held(LAB_LOCK):
        assert lab_leftovers() == []


def test_sigterm_half_way_still_cleans_up(talksite_servers: Servers) -> None:
    with started(load("silent_peer.py"), talksite_servers, ready=WIRED) as run:
        assert snippets.session_processes(run.pid), "the app server should be running"
        assert lab_leftovers() != []
        run.signal(signal.SIGTERM)
        result = run.result(timeout=10)
    assert result.returncode == 128 + signal.SIGTERM, result.output
    assert result.leftover_processes == (), "left in the snippet's session"
    with lock_held(LAB_LOCK):
        assert lab_leftovers() == []


def test_the_next_run_removes_what_a_sigkilled_run_left(talksite_servers: Servers) -> None:
    snippet = load("silent_peer.py")
    with started(snippet, talksite_servers, ready=WIRED) as run:
        run.signal(signal.SIGKILL)  # no clean-up can run: the namespace and the cable stay behind
        assert run.result().returncode == -signal.SIGKILL
        assert lab_leftovers() != []
    outcome = snippets.check(snippet, talksite_servers)
    assert outcome.result.ok, outcome.failure()
    with lock_held(LAB_LOCK):
        assert lab_leftovers() == []
