# talksite: waits=0.5
"""client_connection_check_interval: the server polls the client's socket while a query runs,
and ends the backend of a client that has gone away.
"""

import os
import signal
import subprocess
import sys
import time

import psycopg
from psycopg import sql

URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This changes settings and kills processes: set DATABASE_IS_THROWAWAY=1 to confirm.")

CLIENT = """
import os, sys, psycopg

name, statement = sys.argv[1], sys.argv[2]
with psycopg.connect(os.environ["DATABASE_URL"], application_name=name, autocommit=True) as conn:
    conn.execute(statement)
"""


def wait_event(conn, name):
    """What the named session waits for, or None once its backend is gone."""
    row = conn.execute(
        """SELECT coalesce(wait_event_type || '/' || wait_event, '-') FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = %s""",
        (name,),
    ).fetchone()
    return row and row[0]


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("timed out: the demo did not go as expected")
        time.sleep(0.02)


admin = psycopg.connect(URL, autocommit=True, application_name="observer")
admin.execute("CREATE TABLE orders (id int)")

# --8<-- [start:demo]
# --8<-- [start:setting]
# For every new session on this database. Also possible in postgresql.conf, or per role with
# ALTER ROLE ... SET. In production a few seconds would do; here half a second.
dbname = admin.info.dbname
admin.execute(
    sql.SQL("ALTER DATABASE {} SET client_connection_check_interval = '500ms'").format(
        sql.Identifier(dbname)
    )
)
# --8<-- [end:setting]

# --8<-- [start:kill]
report = psycopg.connect(URL, application_name="report")
report.execute("SELECT count(*) FROM orders")  # holds ACCESS SHARE until it commits
interval = report.execute("SHOW client_connection_check_interval").fetchone()[0]
print(f"New sessions start with client_connection_check_interval = {interval}")

clients = [
    subprocess.Popen([sys.executable, "-c", CLIENT, "cron-job", "SELECT pg_sleep(5)"]),
    subprocess.Popen(
        [sys.executable, "-c", CLIENT, "migration", "ALTER TABLE orders ADD COLUMN note text"]
    ),
]
wait_until(lambda: wait_event(admin, "cron-job") == "Timeout/PgSleep")
wait_until(lambda: wait_event(admin, "migration") == "Lock/relation")

for client in clients:
    client.send_signal(signal.SIGKILL)
    client.wait()
killed = time.monotonic()
print("Killed cron-job (in pg_sleep(5)) and migration (waiting for its lock) with SIGKILL.")
for name in ("cron-job", "migration"):
    wait_until(lambda: wait_event(admin, name) is None)
    ended = "within 1.5 s" if time.monotonic() - killed < 1.5 else "later than 1.5 s"
    print(f"  {name}'s backend ended {ended}")

report.commit()
added = admin.execute(
    "SELECT EXISTS (SELECT FROM information_schema.columns"
    " WHERE table_name = 'orders' AND column_name = 'note')"
).fetchone()[0]
print(f"report committed. Column orders.note exists: {added}")
# --8<-- [end:kill]
# --8<-- [end:demo]
report.close()
admin.close()
