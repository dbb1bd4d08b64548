"""Eight readers find the cached report expired at once, and each of them asks the database."""

# talksite: redis
import os
import threading

import psycopg
import valkey

READERS = 8
cache = valkey.from_url(os.environ["REDIS_URL"], decode_responses=True)
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    conn.execute("CREATE TABLE recomputations (reader int)")

# Readers that arrive while the report is being recomputed: here, all of them at once.
arrived = threading.Barrier(READERS)


# --8<-- [start:read]
def read_report(reader: int) -> str:
    report = cache.get("report:best-sellers")
    arrived.wait()  # the others missed too, before anyone could fill the cache
    if report is None:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("INSERT INTO recomputations VALUES (%s)", (reader,))
            report = conn.execute("SELECT 'best sellers, freshly computed'").fetchone()[0]
        cache.set("report:best-sellers", report, ex=300)
    return report


# --8<-- [end:read]


threads = [threading.Thread(target=read_report, args=(n,)) for n in range(READERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()

with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    (count,) = conn.execute("SELECT count(*) FROM recomputations").fetchone()
print(f"{READERS} readers, {count} of them recomputed the report in the database")
print("cached now:", cache.get("report:best-sellers"))
