"""Observe and classify: one look at the primary's lock queue on shop_order and at the web
workers, turned into the events the timeline reports. Each event is reported once: `Seen`
remembers what has been, and the clock (watch.py) keeps its own steps there too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import psycopg

from _lab import primary
from _lab.actors import CRON_JOB, MIGRATION
from _lab.primary import Lock, describe, running, waited_for, waiting
from _lab.web import WebWorker


@dataclass
class Seen:
    """What the clock has done and what has been reported, so far."""

    deploy_started: float | None = None  # when the deploy ran `migrate`
    gave_up: float | None = None  # when the deploy gave up on it
    job_ended: float | None = None  # when the cron job said COMMIT
    migration_queued: bool = False  # its backend was seen waiting for its lock
    migration: list[Lock] | None = None  # its backend, as last reported (None: not there)
    locks: dict[str, list[Lock]] = field(default_factory=dict)  # at the last look
    queue_reported: bool = False
    timeouts_reported: bool = False
    checked_after_give_up: bool = False


class Sighting(NamedTuple):
    """One look: who holds or waits for a lock on shop_order, and the web's requests in flight."""

    now: float
    locks: dict[str, list[Lock]]
    in_flight: list[float]  # when each request still waiting for its answer started
    web_workers: int


class Event(NamedTuple):
    who: str
    what: str
    at: float | None = None  # when it happened, if that was before this look


def observe(dba: psycopg.Connection, web: list[WebWorker], now: float) -> Sighting:
    in_flight = [worker.in_flight for worker in web]  # read once: a worker may get its answer
    in_flight = [started for started in in_flight if started is not None]
    return Sighting(now, primary.lock_queue(dba), in_flight, len(web))


def classify(sighting: Sighting, seen: Seen, client_timeout_s: float) -> list[Event]:
    """What changed since the last look, in the order the timeline reports it."""
    events = []
    if CRON_JOB in seen.locks and CRON_JOB not in sighting.locks:
        events.append(Event(CRON_JOB, "COMMIT"))  # its lock is gone: the job has ended
    events += migration_events(sighting, seen)
    events += web_events(sighting, seen, client_timeout_s)
    events += dba_check_after_give_up(sighting, seen)
    seen.locks = sighting.locks
    return events


def migration_events(sighting: Sighting, seen: Seen) -> list[Event]:
    """The migration's backend: waiting, idle holding its lock, or gone. (While its statement
    runs it is "active, holding": a moment too short to report the same way every time.)"""
    backend = sighting.locks.get(MIGRATION)
    if backend is not None and waiting(backend):
        seen.migration_queued = True
    elif backend is not None and running(backend):
        backend = seen.migration
    if backend == seen.migration:
        return []
    seen.migration = backend
    found = describe(backend) if backend else "gone, its locks released"
    return [Event(MIGRATION, f"backend: {found}")]


def web_events(sighting: Sighting, seen: Seen, client_timeout_s: float) -> list[Event]:
    """Every worker's request waits for a lock; later, the load balancer has given up on every
    one of them (reported at the moment the last of them passed client_timeout_s)."""
    events = []
    workers = sighting.web_workers
    web = [name for name in sighting.locks if name.startswith("web-")]
    queued = [name for name in web if waiting(sighting.locks[name])]
    if not seen.queue_reported and len(queued) == workers:
        seen.queue_reported = True
        behind = waited_for(sighting.locks[queued[0]]).blocked_by
        events.append(
            Event("web", f"all {workers} workers' requests wait for a lock, behind {behind}")
        )
    in_flight = sighting.in_flight
    if (
        not seen.timeouts_reported
        and len(in_flight) == workers
        and all(sighting.now - started > client_timeout_s for started in in_flight)
    ):
        seen.timeouts_reported = True
        what = f"{workers} requests timed out: no answer within {client_timeout_s} s"
        events.append(Event("web", what, at=max(in_flight) + client_timeout_s))
    return events


def dba_check_after_give_up(sighting: Sighting, seen: Seen) -> list[Event]:
    """A second after the deploy gave up, does the server know its client is gone?"""
    if seen.gave_up is None or seen.checked_after_give_up or sighting.now < seen.gave_up + 1.0:
        return []
    seen.checked_after_give_up = True
    backend = sighting.locks.get(MIGRATION)
    found = describe(backend) if backend else "gone"
    return [Event("dba", f"1 s after the deploy gave up, the migration's backend: {found}")]
