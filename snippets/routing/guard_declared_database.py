"""Defence: a job declares its database alias; a query on any other alias fails loudly,
which catches leak (a) (raw cursor) and leak (b) (read inside atomic())."""

# talksite: replica

import contextlib
import os
import sys
import time
from urllib.parse import urlsplit

import django
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


# --8<-- [start:guard]
class WrongDatabase(RuntimeError):
    """A job ran a query on a database alias it did not declare."""


@contextlib.contextmanager
def only_database(alias):
    """Inside the block, a query on any other database alias raises WrongDatabase."""

    def refuse(execute, sql, params, many, context):
        used = context["connection"].alias
        raise WrongDatabase(f"declared {alias!r}, but this query went to {used!r}: {sql}")

    with contextlib.ExitStack() as stack:
        for other in connections:
            if other != alias:
                stack.enter_context(connections[other].execute_wrapper(refuse))
        yield


# Leak (a): a report declared to run on the replica reaches for django.db.connection.
try:
    with only_database("replica"):
        name, server = Item.objects.annotate(server=SERVER).values_list("name", "server").get()
        print(f"allowed: read {name!r} from the {server}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM shop_item")
except WrongDatabase as error:
    print("caught:", error)

# Leak (b): a write-then-read declared to run on the primary, in transaction.atomic().
try:
    with only_database("default"), transaction.atomic():
        Item.objects.create(name="teapot")
        Item.objects.filter(name="teapot").exists()  # the router says "replica"
except WrongDatabase as error:
    print("caught:", error)
# --8<-- [end:guard]
with connection.cursor() as cursor:
    cursor.execute(f"SELECT count(*), {SERVER_SQL} FROM shop_item WHERE name = 'teapot'")
    count, server = cursor.fetchone()
print(f"teapots after the rollback: {count}, on the {server}")
