# talksite: privileged own-slot timeout=90 waits=3
"""The server side: when the app server silently disappears, its backend stays in
pg_stat_activity, idle in its transaction, and keeps its locks: here still after 3 s."""

import os
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


# --8<-- [start:orphan]
def app_server() -> None:
    """Runs on the app server: read a table inside a transaction, then do something else."""
    conn = psycopg.connect(DATABASE_URL)  # psycopg opens a transaction with the first query
    count = conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    print(f"app: BEGIN; SELECT count(*) FROM accounts -> {count}; (busy elsewhere)", flush=True)
    time.sleep(60)


ORPHAN = """
    SELECT a.state, l.mode
    FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.relation = 'accounts'::regclass
    WHERE a.datname = current_database() AND a.client_addr = %s
"""


def main() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        admin.execute("CREATE TABLE accounts (id int PRIMARY KEY)")
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        lab.wait_until_acknowledged()  # by the app's kernel (ACKs may be delayed)
        lab.cut()
        app.kill()
        print("cable pulled, app server gone")

        time.sleep(2)
        admin.execute("SET lock_timeout = '1s'")
        try:
            admin.execute("ALTER TABLE accounts ADD COLUMN note text")
        except psycopg.errors.LockNotAvailable as error:
            print(f"a migration: ALTER TABLE accounts ... -> {error}")
        state, mode = admin.execute(ORPHAN, (lab.APP_HOST,)).fetchone()
        print(f"3 s later its backend is still there: {state!r}, holding {mode} on accounts")
        # --8<-- [end:orphan]


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
