"""The blast radius: ten web workers answer every request until ALTER TABLE starts waiting
behind a cron job; then every request waits, and all of them proceed when the cron job ends."""

# talksite: waits=2

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait

import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")

WORKERS = 10
CLIENT_TIMEOUT_S = 1.0  # how long the load balancer waits for an answer (in production: its own)


def log(who, what, at=None):
    """Print one step with its time since START; `at` for a step that ended earlier."""
    at = time.monotonic() - START if at is None else at
    print(f"t={at:.1f}s  {who:<9}  {what}")


def sleep_until(t):
    time.sleep(max(0.0, t - (time.monotonic() - START)))


# Steps start 0.2 s before the half second they are printed at (times print rounded to 0.5 s),
# so that a step running late on a busy machine still prints the same time.


def session(name, autocommit=True):
    """A connection that pg_stat_activity shows under a readable name."""
    return psycopg.connect(DATABASE_URL, autocommit=autocommit, application_name=name)


dba = session("dba")  # our observer: it only reads pg_stat_activity
dba.execute("CREATE TABLE orders (id int PRIMARY KEY, total int)")
dba.execute("INSERT INTO orders SELECT i, i * 10 FROM generate_series(1, 100) AS i")
# Ten web workers, each with its own connection, as a WSGI server with ten threads would have.
worker_connections = [session(f"web-{n}") for n in range(1, WORKERS + 1)]
pool = ThreadPoolExecutor(max_workers=WORKERS)  # the web workers' threads
background = ThreadPoolExecutor(max_workers=1)  # the migration's thread


# --8<-- [start:requests]
def handle_request(conn):
    """One web request: a plain SELECT on its worker's connection. Returns when it finished."""
    conn.execute("SELECT total FROM orders WHERE id = 42").fetchone()
    return time.monotonic() - START


def send_requests():
    """One request to each worker; each client waits CLIENT_TIMEOUT_S from now, no longer."""
    deadline = time.monotonic() + CLIENT_TIMEOUT_S
    return deadline, [pool.submit(handle_request, conn) for conn in worker_connections]


def answers(deadline, requests):
    """Count the requests answered before their clients gave up."""
    answered, timed_out = wait(requests, timeout=max(0.0, deadline - time.monotonic()))
    # A client that timed out has given up, but its worker still waits on its query.
    log("web", f"{len(answered)} answered within {CLIENT_TIMEOUT_S} s, {len(timed_out)} timed out")


def waiting_sessions():
    """What the server says: web sessions waiting for a lock, and whom they wait for."""
    query = """
        SELECT count(DISTINCT waiter.pid), array_agg(DISTINCT blocker.application_name)
        FROM pg_stat_activity waiter, unnest(pg_blocking_pids(waiter.pid)) AS b(pid)
        JOIN pg_stat_activity blocker ON blocker.pid = b.pid
        WHERE waiter.datname = current_database() AND waiter.application_name LIKE 'web-%'
    """
    count, blockers = dba.execute(query).fetchone()
    while count < WORKERS:  # until all of them have queued
        time.sleep(0.01)
        count, blockers = dba.execute(query).fetchone()
    log("dba", f"{count} web sessions wait for a lock, blocked by {blockers}")


# --8<-- [end:requests]


def run_migration():
    with session("migration") as conn:
        conn.execute("ALTER TABLE orders ADD COLUMN note text")
    return time.monotonic() - START


START = time.monotonic()
# --8<-- [start:outage]
cron = session("cron-job", autocommit=False)
cron.execute("SELECT count(*) FROM orders")  # the transaction stays open: ACCESS SHARE held
log("cron-job", "SELECT count(*) FROM orders; transaction left open")
answers(*send_requests())  # readers do not block readers: all answered

sleep_until(0.3)
migration_done = background.submit(run_migration)
migration_waits = """
    SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
    AND application_name = 'migration' AND wait_event_type = 'Lock'
"""
while dba.execute(migration_waits).fetchone() is None:
    time.sleep(0.01)
log("migration", "ALTER TABLE orders ADD COLUMN note text: waiting")

deadline, stuck = send_requests()  # every worker now waits behind the ALTER
sleep_until(0.8)
waiting_sessions()
answers(deadline, stuck)

sleep_until(1.8)  # the cron job works on (in production: for an hour) until t=2.0s
cron.commit()
log("cron-job", "COMMIT")
log("migration", "ALTER TABLE done", at=migration_done.result())
finished = [request.result() for request in stuck]
log("web", f"the {len(finished)} stuck workers have their answers, too late", at=max(finished))
answers(*send_requests())
# --8<-- [end:outage]
pool.shutdown()
background.shutdown()
