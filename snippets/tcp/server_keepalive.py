# talksite: privileged own-slot timeout=90 waits=2
# talksite: server.tcp_keepalives_idle=1 server.tcp_keepalives_interval=1
# talksite: server.tcp_keepalives_count=1
"""The server-side fix: with tcp_keepalives_* set on the server, the orphaned backend is
declared dead, ends, and releases its lock, here after about 2 s (the default: over 2 hours)."""

import os
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def app_server() -> None:
    """Runs on the app server: read a table inside a transaction, then do something else."""
    conn = psycopg.connect(DATABASE_URL)  # psycopg opens a transaction with the first query
    count = conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    print(f"app: BEGIN; SELECT count(*) FROM accounts -> {count}; (busy elsewhere)", flush=True)
    time.sleep(60)


def main() -> None:
    # --8<-- [start:fix]
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count"):
            print(f"{name} = {admin.execute(f'SHOW {name}').fetchone()[0]}")
        admin.execute("CREATE TABLE accounts (id int PRIMARY KEY)")
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        lab.wait_until_acknowledged()  # by the app's kernel (ACKs may be delayed)
        query = """SELECT state_change FROM pg_stat_activity
                   WHERE datname = current_database() AND client_addr = %s"""
        (answered,) = admin.execute(query, (lab.APP_HOST,)).fetchone()  # its last answer
        lab.cut()
        app.kill()
        print("cable pulled, app server gone")

        while admin.execute(query, (lab.APP_HOST,)).fetchone():
            time.sleep(0.05)
        (lived,) = admin.execute("SELECT clock_timestamp() - %s", (answered,)).fetchone()
        # 1 s of silence, then 1 probe unanswered for 1 s: about 2 s; a busy machine may be late.
        seconds = lived.total_seconds()
        bound = "1.5 to 5 s" if 1.5 <= seconds < 5 else f"{seconds:.1f} s"
        print(f"its backend ended {bound} after its last answer")
        admin.execute("SET lock_timeout = '1s'")
        admin.execute("ALTER TABLE accounts ADD COLUMN note text")
        print("a migration: ALTER TABLE accounts ... -> done, the lock was released")
        # --8<-- [end:fix]


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
