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
from pathlib import Path

import pytest
from snippet_support import lock_held, started
from tcp_lab_support import lab_of, slot_lock, slot_of

from talksite import processes, snippets
from talksite.postgres import DatabaseSource
from talksite.testing import PRIVILEGED

# The lab builds network namespaces: root only (skipped without it, failing under CI=true).
# Each run claims a slot of its own, so these tests need not take turns with others' runs. They
# do take turns with every test that looks for a lab's leftovers (these and test_present_lan's),
# in the privileged tests' xdist group: the SIGKILL test leaves a lab behind in the slot its run
# had until its next run removes it, and a test whose run had that slot just before would find
# the leftovers there and blame its own run.
pytestmark = [pytest.mark.privileged(own_slot=True), pytest.mark.xdist_group(PRIVILEGED)]

TCP_DIR = Path(__file__).resolve().parent.parent / "snippets" / "tcp"
#: What silent_peer.py prints once its app server runs in its namespace, wired to the server.
WIRED = "app: waiting in recv()"
#: What orphan_backend.py prints once its app server has been wired, and cut off.
CUT = "cable pulled"


def load(name: str) -> snippets.Snippet:
    return snippets.load(TCP_DIR / name, TCP_DIR.parent)


def test_a_finished_run_leaves_nothing_behind(talksite_databases: DatabaseSource) -> None:
    with started(load("orphan_backend.py"), talksite_databases, ready=CUT) as run:
        slot = slot_of({run.pid})
        result = run.result()
    assert result.ok, result.problem() + "\n" + result.output
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []


def test_sigterm_half_way_still_cleans_up(talksite_databases: DatabaseSource) -> None:
    with started(load("silent_peer.py"), talksite_databases, ready=WIRED) as run:
        assert processes.proc.session_members(run.pid), "the app server should be running"
        slot = slot_of({run.pid})
        assert lab_of(slot) == [f"link tsk{slot}-db", f"netns tsk{slot}-app"]
        run.signal(signal.SIGTERM)
        result = run.result(timeout=10)
    assert result.returncode == 128 + signal.SIGTERM, result.output
    assert result.leftover_processes == (), "left in the snippet's session"
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []


def test_the_next_run_removes_what_a_sigkilled_run_left(talksite_databases: DatabaseSource) -> None:
    snippet = load("silent_peer.py")
    with started(snippet, talksite_databases, ready=WIRED) as run:
        slot = slot_of({run.pid})
        assert lab_of(slot) != []
        run.signal(signal.SIGKILL)  # no clean-up can run: the namespace and the cable stay behind
        assert run.result().returncode == -signal.SIGKILL
    # The next run claims the first free slot, maybe another: it removes what it finds in
    # every slot that no run holds.
    outcome = snippets.check(snippet, talksite_databases)
    assert outcome.result.ok, outcome.failure()
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []
