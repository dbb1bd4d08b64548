# talksite: waits=2
"""A SIGTERM handler decides whether a migration's query outlives its process.

Each case sends SIGTERM (what Kubernetes sends first) to a migration waiting for its lock.
"""

import os
import signal
import subprocess
import sys
import time

import psycopg

URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This creates a table and kills processes: set DATABASE_IS_THROWAWAY=1 to confirm.")


def migration_session(conn):
    """The migration's state and wait event, or None once its backend is gone."""
    return conn.execute(
        """SELECT state, wait_event_type || '/' || wait_event FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'migration'"""
    ).fetchone()


def migration_session_after(conn, seconds):
    """Poll until the migration's backend is gone or `seconds` pass: None, or what it shows."""
    deadline = time.monotonic() + seconds
    while (session := migration_session(conn)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return session


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("timed out: the demo did not go as expected")
        time.sleep(0.02)


# --8<-- [start:demo]
# The migration: a plain script. argv[1] picks how it answers SIGTERM.
CLIENT = """
import os, signal, sys
import psycopg

# --8<-- [start:handler]
# On SIGTERM, cancel the query in flight and let it fail where errors are expected.
def cancel_on_sigterm(conn):
    def handler(signum, frame):
        try:
            # Ask the server to stop the query in flight. The default timeout, 30 s, is all of
            # Kubernetes' default grace period: if the server cannot be reached, the handler
            # would use it up and meet SIGKILL. A few seconds, then exit regardless.
            conn.cancel_safe(timeout=2.0)
        except psycopg.OperationalError:  # CancellationTimeout included
            raise SystemExit(128 + signum) from None
        # Cancelled: raise nothing here. An exception from a handler bursts out of whatever
        # code is running, psycopg's own included; the query now fails with QueryCanceled.

    signal.signal(signal.SIGTERM, handler)
# --8<-- [end:handler]


def exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


conn = psycopg.connect(os.environ["DATABASE_URL"], application_name="migration")
if sys.argv[1] == "cancel_on_sigterm":
    cancel_on_sigterm(conn)
elif sys.argv[1] == "exit_on_sigterm":
    signal.signal(signal.SIGTERM, exit_on_sigterm)
try:
    conn.execute("ALTER TABLE orders ADD COLUMN note text")
    conn.commit()
except psycopg.errors.QueryCanceled:
    print(f"  migration: query cancelled; transaction {conn.info.transaction_status.name}")
    sys.exit(128 + signal.SIGTERM)
finally:
    print("  migration's finally block ran")
    # close() rather than `with`: after SystemExit from a handler, the connection may be
    # mid-command, and the rollback that `with` tries first would fail and log it.
    conn.close()
"""


admin = psycopg.connect(URL, autocommit=True, application_name="observer")
admin.execute("CREATE TABLE orders (id int)")

# --8<-- [start:cases]
for how in ("no handler", "exit_on_sigterm", "cancel_on_sigterm"):
    print(f"SIGTERM, {how}:")
    report = psycopg.connect(URL, application_name="report")
    report.execute("SELECT count(*) FROM orders")  # holds ACCESS SHARE until it commits

    migration = subprocess.Popen([sys.executable, "-c", CLIENT, how])
    wait_until(lambda: migration_session(admin) == ("active", "Lock/relation"))
    migration.send_signal(signal.SIGTERM)
    status = migration.wait()
    print(f"  the process: {'killed by SIGTERM' if status < 0 else f'exited with {status}'}")
    if session := migration_session_after(admin, 2.0):
        print(f"  its backend: still {' '.join(session)} after 2 s")
    else:
        print("  its backend: gone within 2 s")

    report.commit()  # the lock is free; a left-over ALTER TABLE now runs
    wait_until(lambda: migration_session(admin) is None)
    report.close()
# --8<-- [end:cases]
# --8<-- [end:demo]
admin.close()
