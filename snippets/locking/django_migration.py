"""The same protection in Django: `manage.py migrate` on a connection with lock_timeout set,
retried with pauses. The migrations are real files: snippets/locking/_django/lockdemo/."""

# talksite: waits=2

import io
import os
import sys
import threading
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


url = urlsplit(DATABASE_URL)  # postgresql://user@host:port/dbname
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


def web_request():
    """A request that arrives at t=0.5s, while the migration waits. Returns when it finished."""
    time.sleep(0.5)
    with psycopg.connect(DATABASE_URL, application_name="web-1") as conn:
        conn.execute("SELECT count(*) FROM lockdemo_ticket")
    return time.monotonic() - START


START = time.monotonic()
# --8<-- [start:scenario]
cron = psycopg.connect(DATABASE_URL, application_name="cron-job")
cron.execute("SELECT count(*) FROM lockdemo_ticket")  # transaction left open: ACCESS SHARE held
log("cron-job", "SELECT count(*) FROM lockdemo_ticket; transaction left open until t=1.5s")
threading.Timer(1.5, lambda: (cron.commit(), log("cron-job", "COMMIT"))).start()
web = ThreadPoolExecutor().submit(web_request)

migrate_with_retries("lockdemo", first_pause=0.75)  # attempt 2 at about t=1.8s
log("dba", f"applied: {applied('lockdemo')}")
log("web-1", "arrived at t=0.5s, waited behind attempt 1, answered", at=web.result())
# --8<-- [end:scenario]
cron.close()
