"""The long job's side, part 2: statement_timeout cancels a query that runs too long, so its
lock goes and the migration waiting for it goes through."""

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


def wait_until(name, wait_event_type):
    """Poll until the session called `name` waits for this kind of event."""
    query = """
        SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %s AND wait_event_type = %s
    """
    while not dba.execute(query, [name, wait_event_type]).fetchone():
        time.sleep(0.01)


def migration():
    """ALTER TABLE, with no lock_timeout: it waits as long as it must."""
    with session("migration") as conn:
        conn.execute("ALTER TABLE orders ADD COLUMN note text")
    return time.monotonic() - START


def start_migration():
    migrated = background.submit(migration)
    wait_until("migration", "Lock")
    log("migration", "ALTER TABLE orders ADD COLUMN note text: waiting")
    return migrated


dba = session("dba")  # our observer: it only reads pg_stat_activity
dba.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")
background = ThreadPoolExecutor()

START = time.monotonic()
# --8<-- [start:statement]
cron = session("cron-job")
cron.execute("SET statement_timeout = '1s'")  # in production: minutes, per job


def slow_report():
    try:
        cron.execute("SELECT count(*) FROM orders, pg_sleep(3)")  # a report that takes 3 s
        return "done"
    except psycopg.errors.QueryCanceled as error:
        return f"SQLSTATE {error.sqlstate}: {error}"


reported = background.submit(slow_report)
wait_until("cron-job", "Timeout")  # pg_sleep() shows as wait event Timeout:PgSleep
log("cron-job", "SELECT count(*) FROM orders, pg_sleep(3): running")
migrated = start_migration()
log("cron-job", reported.result())
log("migration", "ALTER TABLE done", at=migrated.result())
# --8<-- [end:statement]
cron.close()
background.shutdown()
