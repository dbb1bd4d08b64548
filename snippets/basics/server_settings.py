"""Which server answered, and the lock settings every later page changes."""

import os

import psycopg

# --8<-- [start:settings]
# DATABASE_URL looks like postgresql://user:password@host:port/dbname
with psycopg.connect(os.environ["DATABASE_URL"], application_name="hello") as conn:
    # The major version: what changes behaviour (18.6 and 18.7 differ only in fixes).
    version = conn.execute("SHOW server_version_num").fetchone()[0]
    port = conn.execute("SELECT inet_server_port()").fetchone()[0]
    print(f"PostgreSQL {int(version) // 10000} answered on port {port}")

    # 0 means "wait forever": the default for all three.
    for setting in (
        "lock_timeout",
        "statement_timeout",
        "idle_in_transaction_session_timeout",
    ):
        value = conn.execute(f"SHOW {setting}").fetchone()[0]
        print(f"{setting} = {value}")
# --8<-- [end:settings]
