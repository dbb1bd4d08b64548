"""The first fix: SET lock_timeout on the migration's connection. The ALTER gives up after 1 s
with SQLSTATE 55P03, and the reader queued behind it goes on at once."""

# talksite: waits=1

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def log(who, what, at=None):
    """Print one step with its time since START; `at` for a step that ended earlier."""
    at = time.monotonic() - START if at is None else at
    print(f"t={at:.1f}s  {who:<9}  {what}")


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


def web_request():
    with session("web-1") as conn:
        conn.execute("SELECT total FROM orders WHERE id = 1")
    return time.monotonic() - START


dba = session("dba")  # our observer: it only reads pg_stat_activity
dba.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")
dba.execute("INSERT INTO orders SELECT i, i * 10 FROM generate_series(1, 100) AS i")
background = ThreadPoolExecutor()


# --8<-- [start:migration]
def migration():
    with session("migration") as conn:
        conn.execute("SET lock_timeout = '1s'")  # for this session: wait at most 1 s for a lock
        try:
            conn.execute("ALTER TABLE orders ADD COLUMN note text")
            return "done"
        except psycopg.errors.LockNotAvailable as error:
            return f"gave up: SQLSTATE {error.sqlstate}: {error}"
        # --8<-- [end:migration]


START = time.monotonic()
# --8<-- [start:scenario]
cron = session("cron-job", autocommit=False)
cron.execute("SELECT count(*) FROM orders")  # the transaction stays open: ACCESS SHARE held
log("cron-job", "SELECT count(*) FROM orders; transaction left open")

migrated = background.submit(migration)
wait_until_waiting("migration")
log("migration", "ALTER TABLE orders ADD COLUMN note text: waiting, for 1 s at most")
answered = background.submit(web_request)
wait_until_waiting("web-1")
log("web-1", "SELECT total FROM orders WHERE id = 1: waiting")

log("migration", migrated.result())
log("web-1", "SELECT done", at=answered.result())
has_note = dba.execute(
    "SELECT EXISTS (SELECT FROM information_schema.columns"
    " WHERE table_name = 'orders' AND column_name = 'note')"
).fetchone()[0]
log("dba", f"cron-job is still in its transaction; orders has a column note: {has_note}")
# --8<-- [end:scenario]
cron.close()
background.shutdown()
