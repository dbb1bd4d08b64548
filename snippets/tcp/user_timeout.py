# talksite: privileged own-slot timeout=90 waits=2.5
# talksite: server.tcp_keepalives_idle=1 server.tcp_keepalives_interval=1
# talksite: server.tcp_keepalives_count=1 server.tcp_user_timeout=2000
"""The complete server-side fix: tcp_user_timeout also limits how long sent data may stay
unacknowledged, so the orphaned migration ends and releases its lock, here after about 2 s."""

import os
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def app_server() -> None:
    """Runs on the app server: a migration, in a transaction, that must wait for its lock."""
    conn = psycopg.connect(DATABASE_URL)
    print("app: BEGIN; ALTER TABLE accounts ADD COLUMN note text ...", flush=True)
    conn.execute("ALTER TABLE accounts ADD COLUMN note text")
    print("app: done", flush=True)


def main() -> None:
    # --8<-- [start:fix]
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        print(f"tcp_user_timeout = {admin.execute('SHOW tcp_user_timeout').fetchone()[0]}")
        admin.execute("CREATE TABLE accounts (id int PRIMARY KEY)")
        report = psycopg.connect(DATABASE_URL)  # a long report holds a lock on accounts
        report.execute("SELECT count(*) FROM accounts")
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        query = """SELECT wait_event_type FROM pg_stat_activity
                   WHERE datname = current_database() AND client_addr = %s"""
        while admin.execute(query, (lab.APP_HOST,)).fetchone() != ("Lock",):
            time.sleep(0.05)
        lab.wait_until_acknowledged()  # by the server's kernel (ACKs may be delayed)
        lab.cut()
        app.kill()
        print("cable pulled, app server gone, its migration still waiting for the lock")

        started = time.monotonic()
        report.commit()  # the migration gets its lock and answers into the void
        while admin.execute(query, (lab.APP_HOST,)).fetchone():
            time.sleep(0.05)
        lived = time.monotonic() - started  # never less than 2 s; a busy machine may be late
        bound = "2 to 5 s" if 2 <= lived < 5 else f"{lived:.1f} s"
        print(f"its backend ended {bound} after answering")
        count = report.execute("SELECT count(*) FROM accounts").fetchone()[0]
        print(f"the lock is free again: SELECT count(*) FROM accounts -> {count}")
        # --8<-- [end:fix]


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
