"""A lock in Redis lets one reader recompute the report; the others wait for its answer."""

# talksite: redis no-database
import os
import threading
import time

import valkey

READERS = 8
cache = valkey.from_url(os.environ["REDIS_URL"], decode_responses=True)
recomputed = []
arrived = threading.Barrier(READERS)


# --8<-- [start:read]
def read_report(reader: int) -> str:
    report = cache.get("report:best-sellers")
    arrived.wait()  # all eight missed, as in the stampede
    while report is None:
        # Only one reader gets the lock (NX: set if absent); it expires if that reader dies.
        if cache.set("lock:report:best-sellers", reader, nx=True, px=10_000):
            report = cache.get("report:best-sellers")  # filled while we took the lock?
            if report is None:
                recomputed.append(reader)
                report = "best sellers, freshly computed"  # the slow query, once
                cache.set("report:best-sellers", report, ex=300)
            cache.delete("lock:report:best-sellers")
        else:
            time.sleep(0.01)  # someone is on it: read the cache again shortly
            report = cache.get("report:best-sellers")
    return report


# --8<-- [end:read]


threads = [threading.Thread(target=read_report, args=(n,)) for n in range(READERS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"{READERS} readers, {len(recomputed)} of them recomputed the report")
print("database connections opened: none (no-database: it needs only Redis)")
