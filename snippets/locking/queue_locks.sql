-- The lock queue on one table, from pg_locks: who holds a lock on it, who waits, in the order
-- they queued, and whom each waits for (pg_blocking_pids, by application_name).
-- talksite: companion=_actors/lock_queue.py timeout=30
-- --8<-- [start:queue]
SELECT a.application_name AS session, l.mode, l.granted, a.state,
       (SELECT string_agg(b.application_name, ', ' ORDER BY b.application_name)
        FROM pg_stat_activity b
        WHERE b.pid = ANY (pg_blocking_pids(a.pid))) AS waits_for
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.relation = 'orders'::regclass
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY l.granted DESC, l.waitstart;  -- holders first, then waiters in queue order
-- --8<-- [end:queue]
