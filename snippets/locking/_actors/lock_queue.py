"""The companion of the locking page's SQL snippets: it leaves a live lock queue on the table
orders for them to look at, and keeps it until it is ended.

A cron job's transaction, open for a second and idle; a migration waiting for its ACCESS
EXCLUSIVE lock; two web requests queued behind the migration. It prints `ready` once every
session waits, then sleeps until talksite ends it (then the server ends their sessions)."""

import os
import sys
import threading
import time

import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This companion creates a table: set DATABASE_IS_THROWAWAY=1 to run it")


def session(name, autocommit=True):
    """A connection that pg_stat_activity shows under a readable name."""
    return psycopg.connect(DATABASE_URL, autocommit=autocommit, application_name=name)


def wait_until_waiting(name):
    """Poll until the session called `name` waits for a lock."""
    query = """
        SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %s AND wait_event_type = 'Lock'
    """
    while not setup.execute(query, [name]).fetchone():
        time.sleep(0.01)


setup = session("setup")
setup.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")
setup.execute("INSERT INTO orders SELECT i, i * 10 FROM generate_series(1, 100) AS i")

cron = session("cron-job", autocommit=False)
cron.execute("SELECT count(*) FROM orders")  # the transaction stays open, idle
time.sleep(1.0)  # it has been open a second when the others come
for name, sql in [
    ("migration", "ALTER TABLE orders ADD COLUMN note text"),
    ("web-1", "SELECT total FROM orders WHERE id = 1"),
    ("web-2", "SELECT total FROM orders WHERE id = 2"),
]:
    threading.Thread(target=lambda n=name, s=sql: session(n).execute(s), daemon=True).start()
    wait_until_waiting(name)
setup.close()  # it would show in pg_stat_activity; the snippets see only the queue

print("ready", flush=True)
threading.Event().wait()  # until ended
