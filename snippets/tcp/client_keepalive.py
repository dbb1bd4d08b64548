# talksite: privileged own-slot timeout=90 waits=2
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
    """Runs on the app server: the same 2 s query, on a connection that checks its peer."""
    conn = psycopg.connect(
        DATABASE_URL,
        autocommit=True,
        keepalives_idle=1,  # seconds of silence before the first probe (Linux default: 7200)
        keepalives_interval=1,  # seconds between unanswered probes (Linux default: 75)
        keepalives_count=1,  # unanswered probes before the connection is dead (default: 9)
        tcp_user_timeout=1500,  # ms sent data may stay unacknowledged (0: the OS, 15.5+ min)
    )
    print("app: SELECT pg_sleep(2) ...", flush=True)
    started = time.monotonic()
    try:
        conn.execute("SELECT pg_sleep(2)")
        print("app: got the answer", flush=True)
    except psycopg.OperationalError as error:
        # 1 s of silence, then 1 probe unanswered for 1 s: about 2 s (never less than the
        # tcp_user_timeout, 1.5 s; on a busy machine, news of it may take longer to arrive).
        waited = time.monotonic() - started
        bound = "after 1.5 to 5 s" if 1.5 <= waited < 5 else f"after {waited:.1f} s"
        print(f"app: the query failed {bound}: {error}", flush=True)
    # --8<-- [end:app]


def backend_state(admin: psycopg.Connection) -> str | None:
    """What the database says the app's connection is doing (None: no query from it yet)."""
    query = """
        SELECT state FROM pg_stat_activity
        WHERE datname = current_database() AND client_addr = %s AND query_start IS NOT NULL
    """
    row = admin.execute(query, (lab.APP_HOST,)).fetchone()
    return row[0] if row else None


def main() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        while backend_state(admin) is None:  # until the query has reached the server
            time.sleep(0.05)
        lab.wait_until_acknowledged()  # by the server's kernel (ACKs may be delayed)
        lab.cut()
        running = backend_state(admin) == "active"
        print("cable pulled while the query runs" if running else "cable pulled too late")
        print(app.stdout.read(), end="")  # everything the app prints until it exits


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
