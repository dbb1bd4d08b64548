"""The outage, reconstructed: a cron job reads the primary, a deploy's migration queues behind it,
the deploy gives up and its app server vanishes, and web requests wait. With no flags every hole
is open; `--fix routing` (or locking, tcp, termination, several times) closes one. This file is
the story; what it runs on (processes, the clock and its timeline, the network) is in _lab/,
listed in _lab/__init__.py."""

# talksite: replica privileged timeout=60 waits=8

import argparse
import json
import os
import sys
import time
from urllib.parse import urlsplit

import psycopg
from _lab import actors, network, primary, watch, web
from _lab.actors import say, wait_for_go  # an actor's "ready" and the scenario's "go"
from _lab.layers import LAYERS  # routing, locking, tcp, termination: shared with matrix.py
from psycopg import sql

DATABASE_URL = os.environ["DATABASE_URL"]
REPLICA_DATABASE_URL = os.environ["REPLICA_DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet migrates a database and ends sessions: set DATABASE_IS_THROWAWAY=1")

# --8<-- [start:scenario]
# Scaled down to seconds; what they stand for in production in the comments.
JOB_S = 6.0  # the cron job's long read (an hour)
MIGRATE_AT_S = 0.4  # when the deploy runs `manage.py migrate` (prints as t=0.5s: _lab/watch.py)
DEPLOY_TIMEOUT_S = 2.0  # how long the deploy waits for it before giving up (minutes)
CLIENT_TIMEOUT_S = 1.0  # how long the load balancer waits for a web request (its timeout)
WATCH_AFTER_JOB_S = 2.0  # how long we watch once the job has ended (the kernel: 15.5+ min)
WEB_WORKERS = 4  # web workers, each answering one request at a time


# -- hole 1, routing: the cron job ------------------------------------------------------------


def cron_job(fixes):
    """A nightly report, meant for the replica: one long read inside a transaction."""
    setup_django("cron-job")
    from django.db import connection, connections, transaction

    for alias in connections:
        connections[alias].ensure_connection()
    wait_for_go()
    if "routing" in fixes:
        # The fix: name the replica, for the transaction and for the cursor.
        with transaction.atomic(using="replica"), connections["replica"].cursor() as cursor:
            long_read(cursor)
    else:
        # The hole: atomic() and connection.cursor() both mean "default", the primary.
        with transaction.atomic(), connection.cursor() as cursor:
            long_read(cursor)
    say("COMMIT")


def long_read(cursor):
    cursor.execute(
        "SELECT count(*), CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END"
        " FROM shop_order"
    )
    count, server = cursor.fetchone()
    say(f"BEGIN; SELECT count(*) FROM shop_order -> {count}, on the {server}")
    cursor.execute("SELECT pg_sleep(%s)", [JOB_S])  # the rest of the job's work


# -- hole 2, locking: the migration ----------------------------------------------------------

# The locking layer's fix, part 1: `migrate` runs on a connection with lock_timeout (the
# "migrations" database alias in setup_django below).
MIGRATION_OPTIONS = "-c lock_timeout=500ms"


def migration(fixes):
    """The deploy's `manage.py migrate shop`, on the app server: applies 0002_order_note."""
    setup_django("migration")
    from django.core.management import call_command
    from django.db import OperationalError, connections

    call_command("migrate", "shop", "0001", verbosity=0)  # where the last deploy left it
    show_settings(connections["migrations" if "locking" in fixes else "default"])
    wait_for_go()
    if "locking" not in fixes:
        call_command("migrate", "shop", verbosity=0)  # the hole: waits as long as it takes
        say("migrate done")
        return
    # The locking layer's fix, part 2: on lock timeout, release the queue, pause, try again.
    pause = 0.5
    for attempt in range(1, 6):
        try:
            call_command("migrate", "shop", database="migrations", verbosity=0)
            say(f"attempt {attempt}: migrate done")
            return
        except OperationalError as error:
            if attempt == 5 or error.__cause__.sqlstate != "55P03":
                raise
            say(f"attempt {attempt}: {error.__cause__.sqlstate} {error}; next in {pause:.1f} s")
            time.sleep(pause)
            pause *= 2


# -- holes 3 and 4, TCP and termination: what the server notices -----------------------------

SERVER_FIXES = {
    # The TCP layer's fix: a client that has gone silent is declared dead after about 2 s,
    # whether the server waits for it (keepalive) or for an acknowledgement (tcp_user_timeout).
    "tcp": {
        "tcp_keepalives_idle": "1",
        "tcp_keepalives_interval": "1",
        "tcp_keepalives_count": "1",
        "tcp_user_timeout": "2000",
    },
    # The termination layer's fix: while a query runs (or waits for a lock), the backend checks
    # every 0.5 s whether its client is still there, and ends itself if not.
    "termination": {"client_connection_check_interval": "500ms"},
}


def apply_server_fixes(admin, fixes):
    """For every new session on this database, like postgresql.conf but for one database."""
    for layer in fixes:
        for name, value in SERVER_FIXES.get(layer, {}).items():
            admin.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(admin.info.dbname), sql.Identifier(name), sql.Literal(value)
                )
            )


# -- the deploy gives up -----------------------------------------------------------------------


def give_up(app_server, migration_process):
    """The deploy removes the app server it ran `migrate` on: the network goes first, then the
    process. No FIN, no RST: to the server, the client just goes quiet, in the middle of a
    query that waits for a lock."""
    app_server.cut()
    migration_process.kill()  # SIGKILL: no clean-up runs in it
    # --8<-- [end:scenario]


# -- the app: Django, configured here; its model and migrations are in _lab/shop -------------


def database(url, **options):
    """A DATABASES entry for postgresql://user:password@host:port/name."""
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname,
        "PORT": parts.port,
        "OPTIONS": options,
    }


class PrimaryReplicaRouter:
    """The router from Django's multi-db docs, with one replica (see the routing page)."""

    def db_for_read(self, model, **hints):
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True


def setup_django(name):
    """Configure Django in this actor's process; `name` is its application_name on the server."""
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["_lab.shop"],  # the app and its two migrations: snippets/outage/_lab/shop
        DATABASES={
            "default": database(DATABASE_URL, application_name=name),  # the primary
            "replica": database(REPLICA_DATABASE_URL, application_name=name),
            # Where the locking layer's fix runs `migrate`: the primary, with lock_timeout.
            "migrations": database(DATABASE_URL, application_name=name, options=MIGRATION_OPTIONS),
        },
        DATABASE_ROUTERS=[PrimaryReplicaRouter()],
    )
    django.setup()


def show_settings(connection):
    """What the migration's own session has: the settings that the fixes change."""
    names = ["lock_timeout", "tcp_keepalives_idle", "tcp_user_timeout"]
    names.append("client_connection_check_interval")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [names])
        settings = dict(cursor.fetchall())
    say("its session: " + ", ".join(f"{name}={settings[name]}" for name in names))


def run(fixes, quiet=False, barrier=False):
    """Set up the lab, run the clock, then see whether the migration was applied."""
    dba = psycopg.connect(DATABASE_URL, autocommit=True, application_name="dba")
    apply_server_fixes(dba, fixes)
    with network.app_server() as app_server, actors.started(__file__, fixes, app_server) as cast:
        cast.wait_ready(quiet)  # prints the migration's session settings, unless quiet
        dba.execute("INSERT INTO shop_order (total) SELECT i FROM generate_series(1, 1000) i")
        primary.wait_for_replica(dba, REPLICA_DATABASE_URL, within_s=10)
        if barrier:  # the matrix starts every run's clock at once
            wait_for_go()
        timeline = watch.Timeline(quiet)
        workers = web.start(WEB_WORKERS, DATABASE_URL, timeline.now)
        plan = watch.Plan(
            fixes=frozenset(fixes),
            migrate_at_s=MIGRATE_AT_S,
            deploy_timeout_s=DEPLOY_TIMEOUT_S,
            client_timeout_s=CLIENT_TIMEOUT_S,
            job_s=JOB_S,
            watch_after_job_s=WATCH_AFTER_JOB_S,
            give_up=give_up,
        )
        result = watch.run_clock(plan, watch.Lab(dba, app_server, cast, workers), timeline)
    primary.end_sessions(dba)  # what is left of the scenario, before we look at the table
    result["migration"] = "applied" if primary.column_added(dba) else "not applied"
    dba.close()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", nargs="?", choices=[actors.CRON_JOB, actors.MIGRATION])
    parser.add_argument("--fix", action="append", choices=LAYERS, default=[])
    parser.add_argument("--json", action="store_true", help="print one JSON result line only")
    parser.add_argument("--barrier", action="store_true", help="start the clock on a stdin line")
    args = parser.parse_args()
    fixes = set(args.fix)
    if args.role == actors.CRON_JOB:
        return cron_job(fixes)
    if args.role == actors.MIGRATION:
        return migration(fixes)
    result = run(fixes, quiet=args.json, barrier=args.barrier)
    if args.json:
        print(json.dumps(result), flush=True)
    else:
        watch.print_summary(result)


if __name__ == "__main__":
    main()
