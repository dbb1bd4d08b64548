# talksite: privileged timeout=30 waits=2.5
"""The client-side fix: libpq's keepalive settings and tcp_user_timeout turn the silent hang
into an error, here after about 2 s (in production, seconds to minutes rather than hours)."""

import os
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]


# --8<-- [start:app]
def app_server() -> None:
    """Runs on the app server: the same 1 s query, on a connection that checks its peer."""
    conn = psycopg.connect(
        DATABASE_URL,
        autocommit=True,
        keepalives_idle=1,  # seconds of silence before the first probe (Linux default: 7200)
        keepalives_interval=1,  # seconds between unanswered probes (Linux default: 75)
        keepalives_count=1,  # unanswered probes before the connection is dead (default: 9)
        tcp_user_timeout=1500,  # ms sent data may stay unacknowledged (0: the OS, ~15 min)
    )
    print("app: SELECT pg_sleep(1) ...", flush=True)
    started = time.monotonic()
    try:
        conn.execute("SELECT pg_sleep(1)")
    except psycopg.OperationalError as error:
        elapsed = time.monotonic() - started
        print(f"app: the query failed after {elapsed:.0f} s: {error}", flush=True)
    # --8<-- [end:app]


def backend_state(admin: psycopg.Connection) -> str | None:
    """What the database says the app's connection is doing (None: no such connection)."""
    row = admin.execute(
        "SELECT state FROM pg_stat_activity WHERE client_addr = %s", (lab.APP_HOST,)
    ).fetchone()
    return row[0] if row else None


def main() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        while backend_state(admin) != "active":  # the query has reached the server
            time.sleep(0.05)
        time.sleep(0.5)  # let the server's kernel acknowledge the query (ACKs may be delayed)
        lab.cut()
        print("cable pulled while the query runs")
        print(app.stdout.read(), end="")  # everything the app prints until it exits


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
