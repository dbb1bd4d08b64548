# talksite: waits=3
"""Kill a client with SIGKILL and its backend carries on: still running, still in the lock queue.

The server notices that the client is gone only when it next reads from or writes to its socket.
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


def activity(conn, name):
    """The named session's state and wait event, or None once its backend is gone."""
    return conn.execute(
        """SELECT state, coalesce(wait_event_type || '/' || wait_event, '-'), query_start
           FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s""",
        (name,),
    ).fetchone()


def waits_for(conn, name, wait_event):
    row = activity(conn, name)
    return row is not None and row[1] == wait_event


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("timed out: the demo did not go as expected")
        time.sleep(0.02)


# --8<-- [start:demo]
# A client: connects under a name, runs one statement, and never finishes (we kill it).
CLIENT = """
import os, sys, psycopg

name, statement = sys.argv[1], sys.argv[2]
with psycopg.connect(os.environ["DATABASE_URL"], application_name=name, autocommit=True) as conn:
    conn.execute(statement)
"""


def start_client(name, statement):
    return subprocess.Popen([sys.executable, "-c", CLIENT, name, statement])


admin = psycopg.connect(URL, autocommit=True, application_name="observer")
admin.execute("CREATE TABLE orders (id int)")

# --8<-- [start:kill]
report = psycopg.connect(URL, application_name="report")
report.execute("SELECT count(*) FROM orders")  # its open transaction holds ACCESS SHARE

migration = start_client("migration", "ALTER TABLE orders ADD COLUMN note text")
wait_until(lambda: waits_for(admin, "migration", "Lock/relation"))
cron_job = start_client("cron-job", "SELECT pg_sleep(3)")
wait_until(lambda: waits_for(admin, "cron-job", "Timeout/PgSleep"))
sleep_started = activity(admin, "cron-job")[2]

for client in (cron_job, migration):
    client.send_signal(signal.SIGKILL)
    client.wait()
print("Killed cron-job and migration with SIGKILL. One second later, their backends:")
time.sleep(1)
for name in ("cron-job", "migration"):
    state, wait_event, _ = activity(admin, name)
    print(f"  {name:<10} {state:<7} {wait_event}")
# --8<-- [end:kill]

# --8<-- [start:queue]
print("Locks on orders:")
for name, mode, granted in admin.execute(
    """SELECT a.application_name, l.mode, l.granted
       FROM pg_locks l JOIN pg_stat_activity a USING (pid)
       WHERE l.locktype = 'relation' AND l.relation = 'orders'::regclass
       ORDER BY l.granted DESC, a.application_name"""
):
    print(f"  {name:<10} {mode:<20} {'granted' if granted else 'waiting'}")

# A new reader queues behind the dead client's ALTER TABLE, as every reader would.
with psycopg.connect(URL, application_name="web") as web:
    web.execute("SET lock_timeout = '500ms'")
    try:
        web.execute("SELECT count(*) FROM orders")
    except psycopg.errors.LockNotAvailable as error:
        print(f"web's SELECT: {error.diag.message_primary}")
# --8<-- [end:queue]

# --8<-- [start:proceed]
report.commit()  # the lock is free: the dead client's ALTER TABLE gets it and runs
wait_until(lambda: activity(admin, "migration") is None)
added = admin.execute(
    "SELECT EXISTS (SELECT FROM information_schema.columns"
    " WHERE table_name = 'orders' AND column_name = 'note')"
).fetchone()[0]
print(f"report committed; migration's backend ended. Column orders.note exists: {added}")

wait_until(lambda: activity(admin, "cron-job") is None)
lived = admin.execute("SELECT clock_timestamp() - %s", (sleep_started,)).fetchone()[0]
lived = lived.total_seconds()  # never less than 3 s; a busy machine may notice the end late
after = "3 to 5 s" if 3 <= lived < 5 else f"{lived:.1f} s"
print(f"cron-job's backend ended when pg_sleep(3) returned, {after} after its query started")
# --8<-- [end:proceed]
# --8<-- [end:demo]
report.close()
admin.close()
