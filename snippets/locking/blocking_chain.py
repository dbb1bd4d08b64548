"""Find the blocking chain in production: one query over pg_stat_activity and
pg_blocking_pids() shows who waits for whom, with the session at the root first."""

# talksite: waits=1

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet ends a session: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def session(name, autocommit=True):
    """A connection that pg_stat_activity shows under a readable name."""
    return psycopg.connect(DATABASE_URL, autocommit=autocommit, application_name=name)


def wait_until_waiting(name):
    """Poll until the session called `name` waits for a lock."""
    query = """
        SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %s AND wait_event_type = 'Lock'
    """
    while not dba.execute(query, [name]).fetchone():
        time.sleep(0.01)


def in_background(name, sql):
    """Run `sql` on a session of its own, in a thread; returns a future of when it finished."""

    def run():
        with session(name) as conn:
            conn.execute(sql)
        return time.monotonic() - START

    return background.submit(run)


dba = session("dba")
dba.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")
background = ThreadPoolExecutor()

START = time.monotonic()
# The scenario: a cron job's transaction, open since t=0.0s; then three sessions queue up.
cron = session("cron-job", autocommit=False)
cron.execute("SELECT count(*) FROM orders")
time.sleep(1.0)
queued = {}
for name, sql in [
    ("migration", "ALTER TABLE orders ADD COLUMN note text"),
    ("web-1", "SELECT total FROM orders WHERE id = 1"),
    ("web-2", "SELECT total FROM orders WHERE id = 2"),
]:
    queued[name] = in_background(name, sql)
    wait_until_waiting(name)

# --8<-- [start:chain]
BLOCKING_CHAIN = """
WITH RECURSIVE waits AS (  -- each session waiting for a lock, once per session it waits for
    SELECT pid, unnest(pg_blocking_pids(pid)) AS blocker
    FROM pg_stat_activity
    WHERE wait_event_type = 'Lock'
), chain AS (
    -- the roots: sessions that block others and wait for nobody
    SELECT a.pid, 0 AS depth, ARRAY[a.query_start] AS sort_path, ARRAY[a.pid] AS seen
    FROM pg_stat_activity a
    WHERE a.pid IN (SELECT blocker FROM waits) AND a.pid NOT IN (SELECT pid FROM waits)
    UNION ALL
    -- then whoever waits for them, in the order they came
    SELECT w.pid, c.depth + 1, c.sort_path || a.query_start, c.seen || w.pid
    FROM chain c
    JOIN waits w ON w.blocker = c.pid
    JOIN pg_stat_activity a ON a.pid = w.pid
    WHERE w.pid <> ALL (c.seen)
)
SELECT repeat('  ', c.depth) || coalesce(nullif(a.application_name, ''), '?') AS session,
       a.state,
       coalesce(a.wait_event_type || ':' || a.wait_event, '') AS waiting_for,
       now() - a.xact_start AS in_transaction_for,
       left(a.query, 45) AS query,
       a.pid
FROM chain c JOIN pg_stat_activity a ON a.pid = c.pid
ORDER BY c.sort_path
"""

rows = dba.execute(BLOCKING_CHAIN).fetchall()
print(f"{'session':<13} {'state':<20} {'waiting for':<18} {'xact age':<9} query")
for name, state, waiting_for, age, query, pid in rows:
    age = timedelta(seconds=int(age.total_seconds()))  # whole seconds: 0:00:01
    print(f"{name:<13} {state:<20} {waiting_for:<18} {age!s:<9} {query}  (pid {pid})")

# The root is the session to deal with: here, end it.
root_pid = rows[0][-1]
(ended,) = dba.execute("SELECT pg_terminate_backend(%s)", [root_pid]).fetchone()
terminated = time.monotonic() - START
print(f"pg_terminate_backend(pid {root_pid}) -> {ended}")
for name, finished in queued.items():
    later = finished.result() - terminated  # at once; a busy machine may take a moment
    print(f"  {name}: done" + (" within 1 s" if later < 1 else f" {later:.1f} s later"))
try:
    cron.execute("SELECT 1")
except psycopg.OperationalError as error:
    print(f"  cron-job, next query: SQLSTATE {error.sqlstate}: {error.diag.message_primary}")
# --8<-- [end:chain]
background.shutdown()
