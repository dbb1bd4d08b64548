"""What the scenario asks the servers: who holds or waits for a lock on shop_order (the lock
queue of the locking page, read from pg_locks and pg_blocking_pids), whether the replica has
caught up, whether the migration's column exists, and ending sessions as a DBA would."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import psycopg

LOCKS_ON_SHOP_ORDER = """
    SELECT a.application_name, a.state, l.mode, l.granted,
           array(SELECT b.application_name FROM pg_stat_activity b
                 WHERE b.pid = ANY(pg_blocking_pids(a.pid)) ORDER BY 1)
    FROM pg_stat_activity a
    JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation'
                   AND l.relation = 'shop_order'::regclass
    WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
"""


@dataclass(frozen=True)
class Lock:
    """One session's lock on shop_order, held (granted) or waited for."""

    state: str  # the session's state in pg_stat_activity: active, idle in transaction, ...
    mode: str  # AccessShareLock, AccessExclusiveLock, ...
    granted: bool
    blocked_by: list[str]  # the application_name of each session it waits for


def waited_for(locks: list[Lock]) -> Lock | None:
    """The lock this session waits for, if another session is in its way. A lock not granted
    with nobody in its way is being granted at this moment: pg_locks and pg_blocking_pids() are
    two looks, a moment apart, and the blocker left in between (the cron job's COMMIT). It would
    print as "waiting ... behind []", on a busy machine more often than on an idle one."""
    return next((lock for lock in locks if not lock.granted and lock.blocked_by), None)


def waiting(locks: list[Lock]) -> bool:
    return waited_for(locks) is not None


def running(locks: list[Lock]) -> bool:
    """Its statement runs (rather than the session waiting for the client's next command)."""
    return locks[0].state == "active"


def describe(locks: list[Lock]) -> str:
    """A backend as the timeline prints it: what it waits for and behind whom, or what it holds."""
    lock = waited_for(locks)
    if lock is not None:
        return f"{lock.state}, waiting for {lock.mode} behind {lock.blocked_by}"
    held = next((lock for lock in locks if lock.granted), locks[0])
    return f"{held.state}, holding {held.mode}"


def lock_queue(dba: psycopg.Connection) -> dict[str, list[Lock]]:
    """Who holds or waits for a lock on shop_order now, by application_name."""
    sessions: dict[str, list[Lock]] = {}
    for name, *lock in dba.execute(LOCKS_ON_SHOP_ORDER):
        sessions.setdefault(name, []).append(Lock(*lock))
    return sessions


def wait_for_replica(dba: psycopg.Connection, replica_url: str, within_s: float) -> None:
    """Wait until the replica has replayed everything written on the primary so far."""
    lsn = dba.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
    with psycopg.connect(replica_url, autocommit=True) as replica:
        for _ in range(round(within_s * 100)):
            if replica.execute("SELECT pg_last_wal_replay_lsn() >= %s", [lsn]).fetchone()[0]:
                return
            time.sleep(0.01)
    sys.exit(f"the replica did not catch up within {within_s:.0f} s")


def column_added(dba: psycopg.Connection) -> bool:
    """Did the migration commit? Its column, shop_order.note, exists only if it did."""
    return dba.execute(
        "SELECT EXISTS (SELECT FROM information_schema.columns"
        " WHERE table_name = 'shop_order' AND column_name = 'note')"
    ).fetchone()[0]


def end_sessions(dba: psycopg.Connection, application_name: str | None = None) -> None:
    """pg_terminate_backend() for every other session on this database, or only for those
    with this application_name."""
    dba.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND (%(name)s::text IS NULL OR application_name = %(name)s)",
        {"name": application_name},
    )
