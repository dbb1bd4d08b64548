"""The lock queue: a reader idle in its transaction holds ACCESS SHARE, ALTER TABLE waits for
ACCESS EXCLUSIVE, and a plain SELECT that comes next waits behind the ALTER."""

# talksite: waits=1

import os
import sys
import threading
import time

import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def log(who, what, at=None):
    """Print one step with its time since START; `at` for a step that ended earlier."""
    at = time.monotonic() - START if at is None else at
    print(f"t={at:.1f}s  {who:<9}  {what}")


def sleep_until(t):
    time.sleep(max(0.0, t - (time.monotonic() - START)))


def session(name):
    """A connection that pg_stat_activity shows under a readable name."""
    return psycopg.connect(DATABASE_URL, autocommit=True, application_name=name)


def in_background(name, sql):
    """Run `sql` on a session of its own in a thread; the result records when it finished."""
    result = {}

    def run():
        with session(name) as conn:
            conn.execute(sql)
        result["done"] = time.monotonic() - START

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def wait_until_waiting(dba, name):
    """Poll until the session called `name` waits for a lock."""
    query = """
        SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %s AND wait_event_type = 'Lock'
    """
    while not dba.execute(query, [name]).fetchone():
        time.sleep(0.01)


dba = session("dba")  # our observer: it only reads pg_locks and pg_stat_activity
dba.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")
dba.execute("INSERT INTO orders SELECT i, i * 10 FROM generate_series(1, 100) AS i")

START = time.monotonic()
# --8<-- [start:queue]
cron = psycopg.connect(DATABASE_URL, application_name="cron-job")  # not autocommit
cron.execute("SELECT count(*) FROM orders")  # BEGIN is implicit; the transaction stays open
log("cron-job", "SELECT count(*) FROM orders; transaction left open")

alter, alter_result = in_background("migration", "ALTER TABLE orders ADD COLUMN note text")
wait_until_waiting(dba, "migration")
log("migration", "ALTER TABLE orders ADD COLUMN note text: waiting")

web, web_result = in_background("web-1", "SELECT total FROM orders WHERE id = 1")
wait_until_waiting(dba, "web-1")
log("web-1", "SELECT total FROM orders WHERE id = 1: waiting")

activity = "SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database()"
names = dict(dba.execute(activity))  # pid -> application_name: pids change, names don't
for waiter in ("migration", "web-1"):
    (blockers,) = dba.execute(
        "SELECT pg_blocking_pids(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = %s",
        [waiter],
    ).fetchone()
    print(f"pg_blocking_pids({waiter}) -> {sorted(names[pid] for pid in blockers)}")

LOCKS_ON_ORDERS = """
    SELECT a.application_name, l.mode, l.granted, a.state,
           coalesce(a.wait_event_type || ':' || a.wait_event, '') AS waiting_for
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'relation' AND l.relation = 'orders'::regclass
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY l.granted DESC, l.waitstart  -- holders first, then waiters in queue order
"""
print(f"{'session':<10} {'lock mode':<20} {'granted':<8} {'state':<20} waiting for")
for name, mode, granted, state, waiting_for in dba.execute(LOCKS_ON_ORDERS):
    print(f"{name:<10} {mode:<20} {str(granted):<8} {state:<20} {waiting_for}")

sleep_until(1.0)  # the cron job works on (in production: for an hour) until t=1.0s
cron.commit()
log("cron-job", "COMMIT")
alter.join()
web.join()
log("migration", "ALTER TABLE done", at=alter_result["done"])
log("web-1", "SELECT done", at=web_result["done"])
# --8<-- [end:queue]
cron.close()
dba.close()
