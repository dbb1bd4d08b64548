"""Does the ALTER TABLE of a killed client commit once it gets its lock?

Yes when it was a transaction of its own (autocommit); no inside BEGIN ... COMMIT.
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


def waiting_for_lock(conn, name):
    return conn.execute(
        """SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database()
           AND application_name = %s AND wait_event_type = 'Lock')""",
        (name,),
    ).fetchone()[0]


def sessions_left(conn):
    return conn.execute(
        """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
           AND application_name LIKE 'migration-%'"""
    ).fetchone()[0]


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit("timed out: the demo did not go as expected")
        time.sleep(0.02)


# --8<-- [start:demo]
# --8<-- [start:clients]
# Two migrations. One sends its ALTER TABLE alone: PostgreSQL commits it as soon as it has run.
# The other wraps it in BEGIN ... COMMIT, as Django does for every migration on PostgreSQL.
CLIENT = """
import os, sys, psycopg

name, column = sys.argv[1], sys.argv[2]
with psycopg.connect(os.environ["DATABASE_URL"], application_name=name, autocommit=True) as conn:
    alter = f"ALTER TABLE orders ADD COLUMN {column} text"
    if name == "migration-autocommit":
        conn.execute(alter)
    else:
        with conn.transaction():  # BEGIN; ALTER TABLE ...; COMMIT
            conn.execute(alter)
"""
# --8<-- [end:clients]


admin = psycopg.connect(URL, autocommit=True, application_name="observer")
admin.execute("CREATE TABLE orders (id int)")

# --8<-- [start:kill]
report = psycopg.connect(URL, application_name="report")
report.execute("SELECT count(*) FROM orders")  # holds ACCESS SHARE until it commits

for name, column in [("migration-autocommit", "note"), ("migration-atomic", "status")]:
    client = subprocess.Popen([sys.executable, "-c", CLIENT, name, column])
    wait_until(lambda: waiting_for_lock(admin, name))
    client.send_signal(signal.SIGKILL)
    client.wait()
    print(f"{name} killed while its ALTER TABLE waited for the lock")

report.commit()
wait_until(lambda: sessions_left(admin) == 0)
print("report committed; both backends have ended")
columns = admin.execute(
    "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)"
    " FROM information_schema.columns WHERE table_name = 'orders'"
).fetchone()[0]
print(f"orders now has the columns: {columns}")
# --8<-- [end:kill]
# --8<-- [end:demo]
report.close()
admin.close()
