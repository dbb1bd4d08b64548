"""The TCP lab cleans up after itself: no namespace, veth or process is left behind, even when a
snippet is stopped half-way. (What the snippets print is checked by test_snippets.py.)

Each run wires a lab of its own, in a slot it claims with a lock file (snippets/tcp/lab.py), so
runs of other tests may have labs wired meanwhile: a test looks only at its own run's slot, found
from the lock its run holds, and at it only while holding that lock, once the run has let go.

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
# Each run claims a slot of its own, so these tests need not take turns with others.
pytestmark = pytest.mark.privileged(own_slot=True)

TCP_DIR = Path(__file__).resolve().parent.parent / "snippets" / "tcp"
SLOTS = 16  # the lab's slots: slot N's lock, namespace and veth are named after N
#: What silent_peer.py prints once its app server runs in its namespace, wired to the server.
WIRED = "app: waiting in recv()"
#: What orphan_backend.py prints once its app server has been wired, and cut off.
CUT = "cable pulled"


def load(name: str) -> snippets.Snippet:
    return snippets.load(TCP_DIR / name, TCP_DIR.parent)


def slot_lock(slot: int) -> Path:
    return Path(tempfile.gettempdir()) / f"talksite-tcp-slot-{slot}.lock"


def slot_of(pid: int) -> int:
    """The slot whose lock the process `pid` holds (from /proc/locks: pid, device:inode)."""
    held = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if fields[1] == "FLOCK" and fields[4] == str(pid):
            held.add(int(fields[5].rsplit(":", 1)[1]))
    slots = [
        slot
        for slot in range(SLOTS)
        if slot_lock(slot).exists() and slot_lock(slot).stat().st_ino in held
    ]
    assert len(slots) == 1, f"process {pid} holds the locks of slots {slots}"
    return slots[0]


def lab_of(slot: int) -> list[str]:
    """The namespace and network interfaces of the slot's lab that exist right now (a leftover
    only while no run holds the slot: check under ``lock_held(slot_lock(slot))``)."""
    names = {f"tsk{slot}-app", f"tsk{slot}-db"}
    namespaces = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True)
    links = subprocess.run(["ip", "-o", "link"], check=True, capture_output=True, text=True)
    found = [f"netns {line.split()[0]}" for line in namespaces.stdout.splitlines()]
    found += [
        f"link {line.split(':')[1].strip().split('@')[0]}" for line in links.stdout.splitlines()
    ]
    return sorted(item for item in found if item.split()[1] in names)


def test_a_finished_run_leaves_nothing_behind(talksite_servers: Servers) -> None:
    with started(load("orphan_backend.py"), talksite_servers, ready=CUT) as run:
        slot = slot_of(run.pid)
        result = run.result()
    assert result.ok, result.problem() + "\n" + result.output
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []


def test_sigterm_half_way_still_cleans_up(talksite_servers: Servers) -> None:
    with started(load("silent_peer.py"), talksite_servers, ready=WIRED) as run:
        assert snippets.session_processes(run.pid), "the app server should be running"
        slot = slot_of(run.pid)
        assert lab_of(slot) == [f"link tsk{slot}-db", f"netns tsk{slot}-app"]
        run.signal(signal.SIGTERM)
        result = run.result(timeout=10)
    assert result.returncode == 128 + signal.SIGTERM, result.output
    assert result.leftover_processes == (), "left in the snippet's session"
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []


def test_the_next_run_removes_what_a_sigkilled_run_left(talksite_servers: Servers) -> None:
    snippet = load("silent_peer.py")
    with started(snippet, talksite_servers, ready=WIRED) as run:
        slot = slot_of(run.pid)
        assert lab_of(slot) != []
        run.signal(signal.SIGKILL)  # no clean-up can run: the namespace and the cable stay behind
        assert run.result().returncode == -signal.SIGKILL
    # The next run claims the first free slot, maybe another: it removes what it finds in
    # every slot that no run holds.
    outcome = snippets.check(snippet, talksite_servers)
    assert outcome.result.ok, outcome.failure()
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []
