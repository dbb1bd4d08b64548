"""Lock timeout plus retries: each attempt waits at most 0.5 s for its lock, pauses grow
between attempts, and the migration goes through once the cron job has finished."""

# talksite: waits=2.5

import os
import sys
import threading
import time

import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def log(who, what):
    print(f"t={time.monotonic() - START:.1f}s  {who:<9}  {what}")


# --8<-- [start:function]
def migrate_with_lock_timeout(conn, sql, *, lock_timeout="1s", attempts=5, first_pause=1.0):
    """Run one DDL statement, waiting at most `lock_timeout` for its locks each time.

    Every failed attempt releases the queries queued behind it; the pause doubles each time.
    `conn` must be in autocommit mode, so that a failed attempt holds on to no lock.
    """
    pause = first_pause
    for attempt in range(1, attempts + 1):
        try:
            with conn.transaction():
                # SET LOCAL lock_timeout: for this transaction only.
                conn.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
                conn.execute(sql)
            log("migration", f"attempt {attempt}: done")
            return
        except psycopg.errors.LockNotAvailable as error:
            if attempt == attempts:
                raise
            log("migration", f"attempt {attempt}: {error.sqlstate} {error}; next in {pause:.1f} s")
            time.sleep(pause)
            pause *= 2


# --8<-- [end:function]


with psycopg.connect(DATABASE_URL, autocommit=True) as setup:
    setup.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")

START = time.monotonic()
# --8<-- [start:retry]
cron = psycopg.connect(DATABASE_URL, application_name="cron-job")
cron.execute("SELECT count(*) FROM orders")  # the transaction stays open: ACCESS SHARE held
log("cron-job", "SELECT count(*) FROM orders; transaction left open until t=2.0s")


def cron_job_finishes():
    """Commit at t=2.0s, and never before the migration's second wait for the lock has ended."""
    waiting = """
        SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
        AND application_name = 'migration' AND wait_event_type = 'Lock'
    """
    with psycopg.connect(DATABASE_URL, autocommit=True) as observer:
        waits, was_waiting = 0, False
        while waits < 2 or was_waiting:
            is_waiting = observer.execute(waiting).fetchone() is not None
            waits += is_waiting and not was_waiting
            was_waiting = is_waiting
            time.sleep(0.01)
    time.sleep(max(0.0, 2.0 - (time.monotonic() - START)))
    cron.commit()
    log("cron-job", "COMMIT")


threading.Thread(target=cron_job_finishes, daemon=True).start()

with psycopg.connect(DATABASE_URL, autocommit=True, application_name="migration") as conn:
    migrate_with_lock_timeout(
        conn, "ALTER TABLE orders ADD COLUMN note text", lock_timeout="0.5s", first_pause=0.5
    )
# --8<-- [end:retry]
cron.close()
