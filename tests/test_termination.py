"""The termination snippets start, signal and kill processes; none of them may outlive the run.

After each snippet: no process carrying the run's ``DATABASE_URL`` in its environment (every
child inherits it, even one that left the snippet's session) and no backend on the run's
database. A deliberately leaky script proves that both checks catch what they look for.
(What the snippets print is checked by test_snippets.py.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import psycopg
import pytest
from snippet_support import processes_of_run

from talksite import snippets
from talksite.postgres import Database, DatabaseSource
from talksite.testing import snippet_params

SNIPPETS_DIR = Path(__file__).resolve().parent.parent / "snippets"
#: The termination layer's snippets; those that declare ``privileged`` carry the marker.
TERMINATION = [
    param for param in snippet_params(SNIPPETS_DIR) if param.id.startswith("snippets/termination/")
]
#: A backend whose client closed normally is gone within milliseconds; an orphan is not.
BACKEND_GRACE_S = 1.0

# Starts a grandchild in a session of its own (out of the runner's reach), which holds a
# connection in pg_sleep, and exits as soon as that query is running.
LEAKY_SCRIPT = '''\
"""Leaks a process and a backend on purpose."""
import os, subprocess, sys, time
import psycopg

CHILD = """
import os, psycopg
with psycopg.connect(os.environ["DATABASE_URL"], application_name="leaked") as conn:
    conn.execute("SELECT pg_sleep(60)")
"""
subprocess.Popen(
    [sys.executable, "-c", CHILD],
    start_new_session=True,
    stdout=subprocess.DEVNULL,  # not the runner's pipe, which it reads until every writer is gone
    stderr=subprocess.DEVNULL,
)
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    while not conn.execute(
        "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'leaked'"
        " AND wait_event = 'PgSleep')"
    ).fetchone()[0]:
        time.sleep(0.02)
print("leaked")
'''


def backends_of_run(database: Database) -> dict[int, str]:
    """Backends still connected to this run's database after a short grace: pid -> name."""
    deadline = time.monotonic() + BACKEND_GRACE_S
    with psycopg.connect(database.url, autocommit=True) as conn:
        while True:
            rows = conn.execute(
                """SELECT pid, application_name FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()"""
            ).fetchall()
            if not rows or time.monotonic() > deadline:
                return dict(rows)
            time.sleep(0.05)


def run_and_collect_leftovers(
    snippet: snippets.Snippet, database: Database
) -> tuple[snippets.RunResult, dict[int, str], dict[int, str]]:
    result = snippets.run(snippet, database)
    return result, processes_of_run(database), backends_of_run(database)


def test_the_termination_layer_has_its_snippets() -> None:
    assert len(TERMINATION) >= 7, [param.id for param in TERMINATION]


@pytest.mark.parametrize("snippet", TERMINATION)
def test_snippet_leaves_no_process_behind(
    snippet: snippets.Snippet, talksite_databases: DatabaseSource
) -> None:
    with talksite_databases.database(snippet.needs) as database:
        result, processes, backends = run_and_collect_leftovers(snippet, database)
    assert result.returncode == 0 and not result.timed_out, result.problem()
    assert result.leftover_processes == (), "left in the snippet's session"
    assert processes == {}, "outside the snippet's session, with its DATABASE_URL"
    assert backends == {}, "backends still on the snippet's database"


def test_the_checks_catch_a_leaky_script(
    tmp_path: Path, talksite_databases: DatabaseSource
) -> None:
    script = tmp_path / "snippets" / "leaky.py"
    script.parent.mkdir()
    script.write_text(LEAKY_SCRIPT)
    leaky = snippets.load(script, script.parent)
    with talksite_databases.database(leaky.needs) as database:
        result, processes, backends = run_and_collect_leftovers(leaky, database)
        try:
            assert result.ok, result.problem() + result.output
            assert len(processes) == 1 and "pg_sleep" in next(iter(processes.values()))
            assert list(backends.values()) == ["leaked"]
        finally:
            # End the leak this test made, by its pids.
            for pid in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with psycopg.connect(database.url, autocommit=True) as conn:
                for pid in backends:
                    conn.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    deadline = time.monotonic() + 5
    while processes_of_run(database) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_of_run(database) == {}
