"""The locking page's pieces hold beyond the one scenario each snippet records."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from talksite.postgres import Database, DatabaseSource, Needs

LOCKING = Path(__file__).resolve().parent.parent / "snippets" / "locking"


def module_constant(path: Path, name: str) -> str:
    """The string assigned to `name` at the top level of a snippet, read without running it."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise AssertionError(f"{path.name} assigns no string constant {name}")


@pytest.fixture(scope="module")
def database(talksite_databases: DatabaseSource) -> Iterator[Database]:
    """A fresh database on the session's servers (the snippets' own)."""
    with talksite_databases.database(Needs()) as db:
        yield db


def connect(db: Database, name: str, *, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(db.url, autocommit=autocommit, application_name=name)


def wait_for_lock_wait(observer: psycopg.Connection, name: str) -> None:
    deadline = time.monotonic() + 10
    query = (
        "SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'"
    )
    while observer.execute(query, [name]).fetchone() is None:
        assert time.monotonic() < deadline, f"{name} never waited for a lock"
        time.sleep(0.01)


def test_blocking_chain_query_shows_every_holder_as_a_root(database: Database) -> None:
    """Two holders, one of them busy in a query rather than idle: the waiting migration appears
    under both, and a web request under each of those, with the busy root's wait event shown."""
    chain_sql = module_constant(LOCKING / "blocking_chain.py", "BLOCKING_CHAIN")
    with connect(database, "dba") as dba:
        dba.execute("CREATE TABLE chain_test (id int)")
        idle = connect(database, "idle-holder", autocommit=False)
        idle.execute("SELECT count(*) FROM chain_test")
        busy = connect(database, "busy-holder", autocommit=False)
        busy.execute("SELECT count(*) FROM chain_test")
        sleeper = threading.Thread(target=busy.execute, args=["SELECT pg_sleep(2)"])
        sleeper.start()
        waiters = []
        for name, sql in [
            ("migration", "ALTER TABLE chain_test ADD COLUMN x int"),
            ("web-1", "SELECT count(*) FROM chain_test"),
        ]:
            conn = connect(database, name)
            thread = threading.Thread(target=conn.execute, args=[sql])
            thread.start()
            waiters.append((conn, thread))
            wait_for_lock_wait(dba, name)

        rows = dba.execute(chain_sql).fetchall()
        sessions = [(session, waiting_for) for session, _, waiting_for, *_ in rows]

        idle.commit()
        sleeper.join()
        busy.commit()
        for conn, thread in waiters:
            thread.join()
            conn.close()
        idle.close()
        busy.close()

    roots = {session: waiting_for for session, waiting_for in sessions if session[0] != " "}
    assert roots == {"idle-holder": "Client:ClientRead", "busy-holder": "Timeout:PgSleep"}
    assert sorted(session for session, _ in sessions) == sorted(
        ["idle-holder", "busy-holder"] + ["  migration", "    web-1"] * 2
    )


def test_lockdemo_migrations_match_its_models() -> None:
    """makemigrations finds nothing to do: the Django snippet's app is consistent."""
    script = """
import sys
import django
from django.conf import settings
from django.core.management import call_command
sys.path.insert(0, sys.argv[1])
settings.configure(INSTALLED_APPS=["lockdemo"], DATABASES={})
django.setup()
call_command("makemigrations", "lockdemo", check=True, dry_run=True, verbosity=1)
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(LOCKING / "_django")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
