"""Defence: assert_on_replica() checks pg_is_in_recovery() where a job believes
it reads a replica, and so refuses leak (a) (django.db.connection is the primary)."""

# talksite: replica

import os
import sys
import time
from urllib.parse import urlsplit

import django
from django.conf import settings
from django.db import connection, connections, models
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


# --8<-- [start:guard]
class NotOnReplica(RuntimeError):
    """Code that must read from a replica is connected to a primary."""


def assert_on_replica(connection):
    """Raise NotOnReplica unless `connection` is to a hot standby (a replica)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        in_recovery, port = cursor.fetchone()
    if not in_recovery:
        raise NotOnReplica(f"{connection.alias!r} is a primary (port {port}), not a replica")


def nightly_report(connection):
    assert_on_replica(connection)  # before the report's first real query
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), {SERVER_SQL} FROM shop_item")
        return cursor.fetchone()


try:
    nightly_report(connection)  # leak (a): django.db.connection is "default"
except NotOnReplica as error:
    print("refused:", error)

count, server = nightly_report(connections["replica"])
print(f"counted {count} item(s) on the {server}")
# --8<-- [end:guard]
