"""The outage, reconstructed: a cron job reads the primary, a deploy's migration queues behind it,
the deploy gives up and its app server vanishes, and web requests wait. With no flags every hole
is open; `--fix routing` (or locking, tcp, termination, several times) closes one."""

# talksite: replica privileged timeout=60 waits=8

import argparse
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import psycopg
from _lab import network  # the app server's namespace and cable: snippets/outage/_lab/network.py
from _lab.layers import LAYERS  # routing, locking, tcp, termination: shared with matrix.py
from psycopg import sql

DATABASE_URL = os.environ["DATABASE_URL"]
REPLICA_DATABASE_URL = os.environ["REPLICA_DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet migrates a database and ends sessions: set DATABASE_IS_THROWAWAY=1")

# --8<-- [start:scenario]
# Scaled down to seconds; what they stand for in production in the comments.
JOB_S = 6.0  # the cron job's long read (an hour)
MIGRATE_AT_S = 0.4  # when the deploy runs `manage.py migrate` (prints as t=0.5s, see Timeline)
DEPLOY_TIMEOUT_S = 2.0  # how long the deploy waits for it before giving up (minutes)
CLIENT_TIMEOUT_S = 1.0  # how long the load balancer waits for a web request (30 s)
WATCH_AFTER_JOB_S = 2.0  # how long we watch once the job has ended (the kernel: 15 minutes)
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


# -- the app: Django, configured in the script -----------------------------------------------


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


def say(what):
    print(what, flush=True)


def wait_for_go():
    say("ready")
    sys.stdin.readline()


def show_settings(connection):
    """What the migration's own session has: the settings that the fixes change."""
    names = ["lock_timeout", "tcp_keepalives_idle", "tcp_user_timeout"]
    names.append("client_connection_check_interval")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [names])
        settings = dict(cursor.fetchall())
    say("its session: " + ", ".join(f"{name}={settings[name]}" for name in names))


# -- the web: workers that keep querying the table --------------------------------------------


class WebWorker(threading.Thread):
    """One web worker: a request at a time, each a SELECT on the table the migration alters."""

    def __init__(self, number, clock, stop):
        super().__init__(name=f"web-{number}", daemon=True)
        self.clock, self.stop = clock, stop
        self.requests = []  # (started, finished) for every answered request
        self.in_flight = None  # when the request now waiting for its answer started

    def run(self):
        with psycopg.connect(DATABASE_URL, autocommit=True, application_name=self.name) as conn:
            while not self.stop.is_set():
                self.in_flight = self.clock()
                conn.execute("SELECT total FROM shop_order WHERE id = 42").fetchone()
                self.requests.append((self.in_flight, self.clock()))
                self.in_flight = None
                time.sleep(0.1)


# -- the scenario: start everything, watch the primary, print what happens --------------------


class Timeline:
    """Prints `t=...s  who  what` lines, seconds since the clock started.

    The output is compared after rounding times to 0.5 s, so steps are scheduled a little before
    a half second (the deploy at 0.4 s): a step that runs a little late still prints the same.
    """

    def __init__(self, quiet):
        self.start = time.monotonic()
        self.quiet = quiet

    def now(self):
        return time.monotonic() - self.start

    def log(self, who, what, at=None):
        if not self.quiet:
            print(f"t={self.now() if at is None else at:.1f}s  {who:<9}  {what}", flush=True)


def actor(role, fixes):
    """Start `python outage.py ROLE` and wait until it has set itself up."""
    return [sys.executable, os.path.abspath(__file__), role, *(f"--fix={f}" for f in fixes)]


def read_lines(process, who, lines):
    """Forward what an actor prints into `lines`, a queue the scenario reads."""
    for line in process.stdout:
        lines.put((who, line.rstrip("\n")))


def wait_ready(lines, expected, quiet):
    """Wait for each actor's "ready"; print what they report while setting up."""
    ready = set()
    while ready != expected:
        who, line = lines.get(timeout=120)
        if line == "ready":
            ready.add(who)
        elif line.startswith("its session: "):
            if not quiet:
                print(f"{who}: {line}")
        else:
            more = []
            with contextlib.suppress(queue.Empty):  # the rest of its traceback
                while len(more) < 40:
                    more.append(": ".join(lines.get(timeout=2)))
            sys.exit("\n".join([f"{who} failed while setting up:", line, *more]))


SNAPSHOT = """
    SELECT a.application_name, a.state, l.mode, l.granted,
           array(SELECT b.application_name FROM pg_stat_activity b
                 WHERE b.pid = ANY(pg_blocking_pids(a.pid)) ORDER BY 1)
    FROM pg_stat_activity a
    JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation'
                   AND l.relation = 'shop_order'::regclass
    WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
"""


def snapshot(dba):
    """Who holds or waits for a lock on shop_order, as the primary sees it now."""
    rows = dba.execute(SNAPSHOT).fetchall()
    sessions = {}
    for name, state, mode, granted, blockers in rows:
        sessions.setdefault(name, []).append((state, mode, granted, blockers))
    return sessions


def waiting(locks):
    return any(not granted for _, _, granted, _ in locks)


def running(locks):
    return locks[0][0] == "active"


def describe(locks):
    state, mode, granted, blockers = locks[0]
    if not granted:
        return f"{state}, waiting for {mode} behind {blockers}"
    return f"{state}, holding {mode}"


def unacknowledged(app_server, port):
    """Bytes the server has sent the app server that were never acknowledged (`ss -tn`)."""
    output = subprocess.run(
        ["ss", "-tnH", "state", "established", "dst", app_server.address, "sport", f"= :{port}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(output[1]) if output else 0


def scenario(fixes, quiet=False, barrier=False):
    dba = psycopg.connect(DATABASE_URL, autocommit=True, application_name="dba")
    apply_server_fixes(dba, fixes)
    lines = queue.Queue()
    with network.app_server() as app_server:
        cron = subprocess.Popen(
            actor("cron-job", fixes),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            migration_process = app_server.start(*actor("migration", fixes))
            for process, who in ((cron, "cron-job"), (migration_process, "migration")):
                threading.Thread(target=read_lines, args=(process, who, lines), daemon=True).start()
            wait_ready(lines, {"cron-job", "migration"}, quiet)
            dba.execute("INSERT INTO shop_order (total) SELECT i FROM generate_series(1, 1000) i")
            wait_for_replica(dba)
            if barrier:  # the matrix starts every run's clock at once
                say("ready")
                sys.stdin.readline()
            result = watch(fixes, dba, cron, migration_process, app_server, lines, quiet)
        finally:
            cron.kill()
            cron.wait()
    dba.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()")  # fmt: skip
    result["migration"] = "applied" if column_exists(dba) else "not applied"
    dba.close()
    return result


def wait_for_replica(dba):
    lsn = dba.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
    with psycopg.connect(REPLICA_DATABASE_URL, autocommit=True) as replica:
        for _ in range(1000):
            if replica.execute("SELECT pg_last_wal_replay_lsn() >= %s", [lsn]).fetchone()[0]:
                return
            time.sleep(0.01)
    sys.exit("the replica did not catch up within 10 s")


def column_exists(dba):
    return dba.execute(
        "SELECT EXISTS (SELECT FROM information_schema.columns"
        " WHERE table_name = 'shop_order' AND column_name = 'note')"
    ).fetchone()[0]


def watch(fixes, dba, cron, migration_process, app_server, lines, quiet):
    """Run the clock: start the job and the deploy, watch the primary, give up, clean up."""
    timeline = Timeline(quiet)
    log = timeline.log
    stop = threading.Event()
    workers = [WebWorker(n, timeline.now, stop) for n in range(1, WEB_WORKERS + 1)]
    for worker in workers:
        worker.start()
    cron.stdin.write("go\n")
    cron.stdin.flush()
    who, line = lines.get(timeout=30)
    timeline.start = time.monotonic()  # t=0: the cron job has read the table, and has its lock
    log(who, line)

    deploy_started = gave_up = job_ended = check_after_give_up = None
    before = {}
    migration_reported = None
    queued_reported = timed_out_reported = False
    while True:
        now = timeline.now()
        # What the actors said (their own words: the job's start and end, the migration's tries).
        while not lines.empty():
            who, line = lines.get()
            if who == "cron-job" and line == "COMMIT":
                job_ended = now
                if "routing" not in fixes:
                    continue  # the primary's view below reports it, in order with its effects
            log(who, line)

        if deploy_started is None and now >= MIGRATE_AT_S:
            deploy_started = now
            log("deploy", "manage.py migrate shop, on the app server")
            migration_process.stdin.write("go\n")
            migration_process.stdin.flush()
        elif (
            gave_up is None
            and deploy_started is not None
            and migration_process.poll() is None
            and now >= deploy_started + DEPLOY_TIMEOUT_S
        ):
            give_up(app_server, migration_process)
            gave_up = now
            log(
                "deploy",
                f"gives up after {DEPLOY_TIMEOUT_S:.1f} s: app server gone, migrate killed",
            )

        # What the primary says: who holds or waits for a lock on shop_order.
        after = snapshot(dba)
        if "cron-job" in before and "cron-job" not in after:
            log("cron-job", "COMMIT")
        # The migration's backend: waiting, idle holding its lock, or gone. (While its statement
        # runs it is "active, holding": a moment too short to report the same way every time.)
        migration_now = after.get("migration")
        if migration_now is not None and not waiting(migration_now) and running(migration_now):
            migration_now = migration_reported
        if migration_now != migration_reported:
            found = describe(migration_now) if migration_now else "gone, its locks released"
            log("migration", f"backend: {found}")
            migration_reported = migration_now
        web_waiting = [
            name for name, locks in after.items() if name.startswith("web-") and waiting(locks)
        ]
        if not queued_reported and len(web_waiting) == WEB_WORKERS:
            queued_reported = True
            blockers = after[web_waiting[0]][0][3]
            log("web", f"all {WEB_WORKERS} workers' requests wait for a lock, behind {blockers}")
        stuck = [w for w in workers if w.in_flight is not None]
        if (
            not timed_out_reported
            and len(stuck) == WEB_WORKERS
            and all(now - w.in_flight > CLIENT_TIMEOUT_S for w in stuck)
        ):
            timed_out_reported = True
            log(
                "web",
                f"{len(stuck)} requests timed out: no answer within {CLIENT_TIMEOUT_S} s",
                at=max(w.in_flight for w in stuck) + CLIENT_TIMEOUT_S,
            )
        if gave_up is not None and check_after_give_up is None and now >= gave_up + 1.0:
            check_after_give_up = now
            found = describe(after["migration"]) if "migration" in after else "gone"
            log("dba", f"1 s after the deploy gave up, the migration's backend: {found}")
        before = after

        if job_ended is not None and now >= JOB_S + WATCH_AFTER_JOB_S:
            break
        if now > JOB_S + 10:
            sys.exit("the cron job never ended: the scenario did not go as expected")
        time.sleep(0.05)

    # The end of our watch: is anything still stuck?
    end = timeline.now()
    stuck = [w for w in workers if w.in_flight is not None and end - w.in_flight > CLIENT_TIMEOUT_S]
    if stuck:
        orphan = describe(after["migration"]) if "migration" in after else "gone"
        log("dba", f"{WATCH_AFTER_JOB_S:.1f} s after the job ended: migration's backend {orphan}")
        unacked = unacknowledged(app_server, dba.info.port)
        log("dba", f"{len(stuck)} web requests still wait; `ss`: {unacked} bytes sent to the app"
                   " server, never acknowledged")  # fmt: skip
        dba.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'migration'"
        )
        log("dba", "SELECT pg_terminate_backend(pid) of the migration's backend")
    stop.set()
    for worker in workers:
        worker.join(timeout=10)
    requests = [r for w in workers for r in w.requests]
    late = [
        (started, finished)
        for started, finished in requests
        if finished - started > CLIENT_TIMEOUT_S
    ]
    if late:
        cleared = max(finished for _, finished in late)
        log("web", f"queue cleared: the last stuck request answered after "
                   f"{max(f - s for s, f in late):.1f} s", at=cleared)  # fmt: skip
    return {
        "fixes": sorted(fixes, key=LAYERS.index),
        "timed_out": len(late),
        "outage": outage_class(late, stuck, job_ended),
        "blocked_from": min((started for started, _ in late), default=None),
        "cleared_at": max((finished for _, finished in late), default=None),
        "gave_up": gave_up,
        "job_ended": job_ended,
    }


def outage_class(late, stuck_at_end, job_ended):
    """Name the outage by what ended it: robust to how fast the machine happens to be."""
    if not late:
        return "none"
    if stuck_at_end:
        return "long: outlived the cron job"
    if max(finished for _, finished in late) >= job_ended - 0.25:
        return "long: until the cron job ended"
    return "short: ended before the cron job did"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", nargs="?", choices=["cron-job", "migration"])
    parser.add_argument("--fix", action="append", choices=LAYERS, default=[])
    parser.add_argument("--json", action="store_true", help="print one JSON result line only")
    parser.add_argument("--barrier", action="store_true", help="start the clock on a stdin line")
    args = parser.parse_args()
    fixes = set(args.fix)
    if args.role == "cron-job":
        return cron_job(fixes)
    if args.role == "migration":
        return migration(fixes)
    result = scenario(fixes, quiet=args.json, barrier=args.barrier)
    if args.json:
        print(json.dumps(result), flush=True)
        return
    print(f"holes closed: {', '.join(result['fixes']) or 'none'}")
    if result["timed_out"]:
        print(f"web requests blocked from t={result['blocked_from']:.1f}s"
              f" to t={result['cleared_at']:.1f}s")  # fmt: skip
    print(f"web requests that timed out: {result['timed_out']}")
    print(f"outage: {result['outage']}")
    print(f"the migration: {result['migration']}")


if __name__ == "__main__":
    main()
