"""Both fixes from Django: libpq's keepalive settings for the client's end of the connection,
and the server's tcp_* settings for its backend, all in DATABASES["default"]["OPTIONS"]."""

import os
import socket
from urllib.parse import urlsplit

import django
from django.conf import settings
from django.db import connection

url = urlsplit(os.environ["DATABASE_URL"])  # postgresql://user:password@host:port/dbname

# --8<-- [start:django]
settings.configure(
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.path.lstrip("/"),
            "USER": url.username,
            "PASSWORD": url.password or "",
            "HOST": url.hostname,
            "PORT": url.port,
            "OPTIONS": {
                # The client (libpq): probe after 60 s of silence, then every 10 s, 6 probes.
                "keepalives_idle": 60,
                "keepalives_interval": 10,
                "keepalives_count": 6,
                # Once set, this (not the count) decides when keepalive gives up: make it
                # idle + interval x count = 120 s. It also bounds unacknowledged data.
                "tcp_user_timeout": 120_000,  # milliseconds
                # The server, for this connection's backend: the same, from its side.
                "options": "-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10"
                " -c tcp_keepalives_count=6 -c tcp_user_timeout=120000",
            },
        }
    }
)
django.setup()

connection.ensure_connection()
# The client's end: ask its kernel what the socket under Django's connection is set to.
sock = socket.fromfd(connection.connection.fileno(), socket.AF_INET, socket.SOCK_STREAM)
for name in ("TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_USER_TIMEOUT"):
    print(f"client socket {name} = {sock.getsockopt(socket.IPPROTO_TCP, getattr(socket, name))}")
# The server's end: its backend reports the values set on its own socket. Context "user":
# any session may set them for itself, as these OPTIONS do.
with connection.cursor() as cursor:
    for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count",
                 "tcp_user_timeout"):  # fmt: skip
        cursor.execute("SELECT setting, unit, context FROM pg_settings WHERE name = %s", [name])
        setting, unit, context = cursor.fetchone()
        value = f"{setting} {unit}" if unit else setting
        print(f"server {name} = {value} (context: {context})")
# --8<-- [end:django]
