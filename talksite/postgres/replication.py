"""Follow a streaming replica: how far it has replayed, and pausing or resuming its replay."""

from __future__ import annotations

import time

from talksite.errors import ServerError

__all__ = ["current_lsn", "pause_replay", "resume_replay", "wait_for_replay"]

START_TIMEOUT_S = 30.0


def current_lsn(primary_url: str) -> str:
    """The primary's WAL insert position: with synchronous_commit=off the write position
    can trail a commit that already returned."""
    import psycopg  # on first use: see the package docstring

    with psycopg.connect(primary_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    return row[0]


def wait_for_replay(primary_url: str, replica_url: str, timeout_s: float = START_TIMEOUT_S) -> None:
    """Block until the replica has replayed everything the primary had written when called."""
    import psycopg  # on first use: see the package docstring

    target = current_lsn(primary_url)
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(replica_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()
            if row is not None and row[0]:
                return
            time.sleep(0.01)
    raise ServerError(f"the replica did not replay up to {target} within {timeout_s} s")


def pause_replay(replica_url: str) -> None:
    """Stop applying WAL on the replica: from now on its lag grows until resumed."""
    import psycopg  # on first use: see the package docstring

    with psycopg.connect(replica_url, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")


def resume_replay(replica_url: str) -> None:
    import psycopg  # on first use: see the package docstring

    with psycopg.connect(replica_url, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_resume()")
