"""Ask PostgreSQL a sum and a setting: answers that are the same on every run."""

import os

import psycopg

# --8<-- [start:ask]
with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    (answer,) = conn.execute("SELECT 6 * 7").fetchone()
    print(f"6 * 7 = {answer}")

    # A setting of this session. 0 means: wait for a lock as long as it takes.
    (timeout,) = conn.execute("SHOW lock_timeout").fetchone()
    print(f"lock_timeout = {timeout}")

    conn.execute("SET lock_timeout = '1s'")
    (timeout,) = conn.execute("SHOW lock_timeout").fetchone()
    print(f"after SET: lock_timeout = {timeout}")
# --8<-- [end:ask]
