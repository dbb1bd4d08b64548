-- Finding the blocker in production: every session waiting for a lock, under the session it
-- waits for, from the root (blocks others, waits for nobody) down, in the order they came.
-- talksite: companion=_actors/lock_queue.py timeout=30
-- --8<-- [start:chain]
WITH RECURSIVE waits AS (  -- each session waiting for a lock, once per session it waits for
    SELECT pid, unnest(pg_blocking_pids(pid)) AS blocker
    FROM pg_stat_activity
    WHERE wait_event_type = 'Lock'
), chain AS (
    -- the roots: sessions that block others and wait for nobody
    SELECT a.pid, 0 AS depth, ARRAY[a.query_start] AS sort_path, ARRAY[a.pid] AS seen
    FROM pg_stat_activity a
    WHERE a.pid IN (SELECT blocker FROM waits) AND a.pid NOT IN (SELECT pid FROM waits)
    UNION ALL
    -- then whoever waits for them, in the order they came
    SELECT w.pid, c.depth + 1, c.sort_path || a.query_start, c.seen || w.pid
    FROM chain c
    JOIN waits w ON w.blocker = c.pid
    JOIN pg_stat_activity a ON a.pid = w.pid
    WHERE w.pid <> ALL (c.seen)
)
SELECT repeat('  ', c.depth) || coalesce(nullif(a.application_name, ''), '?') AS session,
       a.state,
       coalesce(a.wait_event_type || ':' || a.wait_event, '') AS waiting_for,
       date_trunc('second', now() - a.xact_start) AS in_transaction_for,
       left(a.query, 40) AS query
FROM chain c JOIN pg_stat_activity a ON a.pid = c.pid
ORDER BY c.sort_path;
-- --8<-- [end:chain]
