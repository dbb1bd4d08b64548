"""Deploy tooling can find the sessions a killed job left behind by their application_name,
and end them with pg_terminate_backend().
"""

import os
import signal
import subprocess
import sys
import time

import psycopg

URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This ends sessions and kills processes: set DATABASE_IS_THROWAWAY=1 to confirm.")


CLIENT = """
import os, psycopg

with psycopg.connect(os.environ["DATABASE_URL"], application_name="migration") as conn:
    conn.execute("ALTER TABLE orders ADD COLUMN note text")
    conn.commit()
"""


def sessions(conn):
    """Who holds or waits for a lock on orders."""
    return conn.execute(
        """SELECT string_agg(a.application_name || ' ' || CASE WHEN l.granted
                  THEN 'holds ' ELSE 'waits for ' END || l.mode, ', ' ORDER BY l.granted DESC)
           FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.locktype = 'relation' AND l.relation = 'orders'::regclass"""
    ).fetchone()[0]


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("timed out: the demo did not go as expected")
        time.sleep(0.02)


# --8<-- [start:demo]
# --8<-- [start:terminate]
def terminate_orphans(conn, application_name):
    """End every other session of this database named `application_name`; return how many.

    Run it only when no live process of that name can be working, for example as the first
    step of the next deploy, which is the only thing that runs migrations.
    """
    ended = conn.execute(
        """SELECT pg_terminate_backend(pid, 5000)  -- waits up to 5 s for each to end
           FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = %s
             AND pid <> pg_backend_pid()""",
        (application_name,),
    ).fetchall()
    return sum(1 for (ok,) in ended if ok)


# --8<-- [end:terminate]

admin = psycopg.connect(URL, autocommit=True, application_name="deploy")
admin.execute("CREATE TABLE orders (id int)")
report = psycopg.connect(URL, application_name="report")
report.execute("SELECT count(*) FROM orders")  # holds ACCESS SHARE until it commits

# --8<-- [start:deploy]
# The last deploy's migration waited for its lock until the grace period ran out: SIGKILL.
migration = subprocess.Popen([sys.executable, "-c", CLIENT])
wait_until(lambda: "waits for" in (sessions(admin) or ""))
migration.send_signal(signal.SIGKILL)
migration.wait()
print(f"After SIGKILL: {sessions(admin)}")

# The next deploy starts by clearing what the last one left behind.
ended = terminate_orphans(admin, "migration")
print(f"terminate_orphans(conn, 'migration') ended {ended} session")
print(f"Now: {sessions(admin)}")
# --8<-- [end:deploy]
# --8<-- [end:demo]
report.close()
admin.close()
