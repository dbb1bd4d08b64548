# talksite: privileged own-slot timeout=90 waits=3
"""A psycopg client whose database silently became unreachable hangs inside its query: the
server finished the query, its answer was lost, and 3 s later the client is still waiting."""

import os
import socket
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]


def backend_state(admin: psycopg.Connection) -> str | None:
    """What the database says the app's connection is doing (None: no query from it yet)."""
    query = """
        SELECT state FROM pg_stat_activity
        WHERE datname = current_database() AND client_addr = %s AND query_start IS NOT NULL
    """
    row = admin.execute(query, (lab.APP_HOST,)).fetchone()
    return row[0] if row else None


# --8<-- [start:hang]
def app_server() -> None:
    """Runs on the app server: a query that takes the database 2 s."""
    conn = psycopg.connect(DATABASE_URL, autocommit=True)
    sock = socket.fromfd(conn.fileno(), socket.AF_INET, socket.SOCK_STREAM)
    keepalive = sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
    idle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
    print(f"app: connected; libpq turned keepalive on ({keepalive}), first probe after {idle} s")
    print("app: SELECT pg_sleep(2) ...", flush=True)
    conn.execute("SELECT pg_sleep(2)")
    print("app: got the answer", flush=True)


def main() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        print(app.stdout.readline(), end="")
        while backend_state(admin) is None:  # until the query has reached the server
            time.sleep(0.05)
        lab.wait_until_acknowledged()  # by the server's kernel (ACKs may be delayed)
        lab.cut()
        running = backend_state(admin) == "active"
        print("cable pulled while the query runs" if running else "cable pulled too late")

        time.sleep(3)
        print(f"3 s later the database says the app's connection is {backend_state(admin)!r}")
        waiting = "still waiting for the answer" if app.poll() is None else "done"
        print(f"and the app is {waiting}: the answer never arrived")
        # --8<-- [end:hang]


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
