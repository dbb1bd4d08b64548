"""Why it matters: a report believed to read the replica holds ACCESS SHARE on the primary
for as long as its transaction stays open; on the replica it holds nothing there."""

# talksite: replica

import os
import sys
import time
from urllib.parse import urlsplit

import django
import psycopg
from django.conf import settings
from django.db import connection, connections, models, transaction
from django.db.models.expressions import RawSQL

if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 if the database may go.")


def wait_for_replica():
    """Wait until the replica has replayed everything written on the primary so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (lsn,) = cursor.fetchone()
    with connections["replica"].cursor() as cursor:
        for _ in range(1000):
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s", [lsn])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    sys.exit("the replica did not catch up within 10 s")


# --8<-- [start:setup]
def database(url):
    """A DATABASES entry for postgresql://user:password@host:port/name."""
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname,
        "PORT": parts.port,
    }


class PrimaryReplicaRouter:
    """The router from Django's multi-db docs, with one replica."""

    def db_for_read(self, model, **hints):
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True


settings.configure(
    DATABASES={
        "default": database(os.environ["DATABASE_URL"]),  # the primary
        "replica": database(os.environ["REPLICA_DATABASE_URL"]),  # its streaming replica
    },
    DATABASE_ROUTERS=[PrimaryReplicaRouter()],
)
django.setup()


class Item(models.Model):
    name = models.TextField()

    class Meta:
        app_label = "shop"  # a model declared in a script needs no app module


# SQL that names the server running it: "primary" or "replica", and its port.
SERVER_SQL = (
    "CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END"
    " || ' on port ' || inet_server_port()"
)
SERVER = RawSQL(SERVER_SQL, ())
# --8<-- [end:setup]

with connections["default"].schema_editor() as editor:
    editor.create_model(Item)  # the table is created on the primary...
Item.objects.create(name="kettle")
wait_for_replica()  # ...and replayed on the replica


def primary_locks():
    """Print the locks on shop_item in the primary's pg_locks, seen from another session."""
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as dba:
        rows = dba.execute(
            """
            SELECT l.mode, l.granted, a.state
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.relation = 'shop_item'::regclass AND l.pid <> pg_backend_pid()
            """
        ).fetchall()
    for mode, granted, state in rows:
        print(f"  primary's pg_locks: {mode} on shop_item, granted={granted}, session {state!r}")
    if not rows:
        print("  primary's pg_locks: nothing on shop_item")


# --8<-- [start:job]
print("The nightly report as written: raw SQL inside transaction.atomic()")
with transaction.atomic():  # "one consistent snapshot for the whole report"
    with connection.cursor() as cursor:  # believed to read the replica
        cursor.execute(f"SELECT count(*), {SERVER_SQL} FROM shop_item")
        count, server = cursor.fetchone()
    print(f"  counted {count} item(s) on the {server}")
    # ...the report runs on for a long time; meanwhile, on the primary:
    primary_locks()

print("The same report on the replica: connections['replica'], atomic(using='replica')")
with transaction.atomic(using="replica"):
    with connections["replica"].cursor() as cursor:
        cursor.execute(f"SELECT count(*), {SERVER_SQL} FROM shop_item")
        count, server = cursor.fetchone()
    print(f"  counted {count} item(s) on the {server}")
    primary_locks()
# --8<-- [end:job]
