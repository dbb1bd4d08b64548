"""The same protection in Django: `manage.py migrate` on a connection with lock_timeout set,
retried with pauses. The migrations are real files: snippets/locking/_django/lockdemo/."""

# talksite: waits=2

import io
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import django
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connections

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet migrates a database: set DATABASE_IS_THROWAWAY=1 to run it on yours")

sys.path.insert(0, str(Path(__file__).parent / "_django"))  # where the app `lockdemo` lives


def log(who, what, at=None):
    """Print one step with its time since START; `at` for a step that ended earlier."""
    at = time.monotonic() - START if at is None else at
    print(f"t={at:.1f}s  {who:<9}  {what}")


url = urlsplit(DATABASE_URL)  # postgresql://user:password@host:port/dbname
database = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": url.path.lstrip("/"),
    "USER": url.username,
    "PASSWORD": url.password or "",
    "HOST": url.hostname,
    "PORT": url.port,
}
# --8<-- [start:django]
settings.configure(
    INSTALLED_APPS=["lockdemo"],
    DATABASES={
        "default": database,  # what the web app uses: no lock_timeout
        # The same database, on connections made for running migrations.
        "migrations": {
            **database,
            "OPTIONS": {
                "application_name": "migration",
                # Sent to the server when connecting: every statement of `migrate` has them.
                # lock_timeout=1s is a production value; statement_timeout=10s is for this
                # demo only: index builds and backfills on big tables take far longer.
                "options": "-c lock_timeout=1s -c statement_timeout=10s",
            },
        },
    },
)
django.setup()


def migrate_with_retries(app_label, *, attempts=5, first_pause=1.0):
    """`manage.py migrate --database migrations`, again after a pause if a lock timed out."""
    pause = first_pause
    for attempt in range(1, attempts + 1):
        try:
            call_command("migrate", app_label, database="migrations", verbosity=0)
            log("migration", f"attempt {attempt}: migrate done")
            return
        except OperationalError as error:  # Django's wrapper around psycopg's error
            if attempt == attempts or error.__cause__.sqlstate != "55P03":
                raise
            log("migration", f"attempt {attempt}: {error.__cause__.sqlstate} {error}")
            time.sleep(pause)
            pause *= 2


def applied(app_label):
    """The migrations Django has recorded as applied, from the django_migrations table."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT name FROM django_migrations WHERE app = %s ORDER BY id", [app_label])
        return [name for (name,) in cursor.fetchall()]


# --8<-- [end:django]


call_command("migrate", "lockdemo", "0001", database="migrations", verbosity=0)
print("settings on the migrations connection:")
with connections["migrations"].cursor() as cursor:
    for name in ("lock_timeout", "statement_timeout"):
        cursor.execute(f"SHOW {name}")
        print(f"  {name} = {cursor.fetchone()[0]}")
sql = io.StringIO()
call_command("sqlmigrate", "lockdemo", "0002", database="migrations", stdout=sql)
print("sqlmigrate lockdemo 0002:")
print("".join(f"  {line}\n" for line in sql.getvalue().splitlines()), end="")
print(f"applied: {applied('lockdemo')}")


def wait_until_the_migration_waits_for_its_lock(timeout=10.0):
    """Poll pg_stat_activity until the migration's session is waiting for a lock."""
    query = """SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
               AND application_name = 'migration' AND wait_event_type = 'Lock'"""
    deadline = time.monotonic() + timeout
    with psycopg.connect(DATABASE_URL, autocommit=True, application_name="observer") as conn:
        while conn.execute(query).fetchone() is None:
            if time.monotonic() > deadline:
                sys.exit("timed out: the migration never waited for its lock")
            time.sleep(0.01)


# --8<-- [start:scenario]
cron = psycopg.connect(DATABASE_URL, application_name="cron-job")
cron.execute("SELECT count(*) FROM lockdemo_ticket")  # transaction left open: ACCESS SHARE held
print("cron-job: SELECT count(*) FROM lockdemo_ticket; transaction left open")
# Django opens a connection per thread: the migration gets its own, from the "migrations" alias.
migration = ThreadPoolExecutor().submit(migrate_with_retries, "lockdemo")

wait_until_the_migration_waits_for_its_lock()  # t=0, whatever Django's start-up took
START = time.monotonic()
log("migration", "attempt 1: waits for its lock (pg_stat_activity)")
with psycopg.connect(DATABASE_URL, application_name="web-1") as web:
    web.execute("SELECT count(*) FROM lockdemo_ticket")  # queues behind the migration
answered = time.monotonic() - START  # attempt 1 has given up: its request left the queue
time.sleep(max(0.0, 1.5 - answered))
cron.commit()
log("cron-job", "COMMIT")

migration.result()  # attempt 2, after the first pause (1 s), at about t=2.0s
log("dba", f"applied: {applied('lockdemo')}")
log("web-1", "arrived while attempt 1 waited, queued behind it, answered", at=answered)
# --8<-- [end:scenario]
cron.close()
