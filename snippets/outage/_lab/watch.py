"""The scenario's clock, and the timeline it prints. outage.py hands it the lab (the primary,
the app server, the actors, the web) and the scenario's plan, and the clock:

1. starts when the cron job has read the table and so holds its lock (t=0);
2. ticks about 20 times a second: passes on what the actors said, takes the deploy's next step,
   then observes the primary and the web, classifies what changed into events (observe.py),
   and reports each event once, as a `t=...s  who  what` line;
3. when the watch is over, shows why anything is still stuck and ends the orphan as a DBA would;
4. names the outage by what ended it, and prints the summary.

Every line reports what the primary or an actor shows, not what the clock expects, so that a
busy machine prints the same facts. The output is compared with times rounded to 0.5 s, so the
plan's steps come a little before a half second (the deploy at 0.4 s): a step that runs a
little late still prints the same time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from _lab import primary, web
from _lab.actors import CRON_JOB, MIGRATION, Actors
from _lab.layers import LAYERS
from _lab.network import AppServer
from _lab.observe import Event, Seen, Sighting, classify, observe
from _lab.primary import describe
from _lab.web import WebWorker

TICK_S = 0.05


class Timeline:
    """Prints `t=...s  who  what` lines, in seconds since the clock started."""

    def __init__(self, quiet: bool):
        self.start = time.monotonic()
        self.quiet = quiet

    def now(self) -> float:
        return time.monotonic() - self.start

    def log(self, who: str, what: str, at: float | None = None) -> None:
        if not self.quiet:
            print(f"t={self.now() if at is None else at:.1f}s  {who:<9}  {what}", flush=True)


@dataclass(frozen=True)
class Plan:
    """What the clock needs from outage.py: the fixes, its times, the deploy's way to give up."""

    fixes: frozenset[str]
    migrate_at_s: float
    deploy_timeout_s: float
    client_timeout_s: float
    job_s: float
    watch_after_job_s: float
    give_up: Callable[[AppServer, Any], None]


@dataclass(frozen=True)
class Lab:
    """What the clock acts on and looks at: the DBA's connection to the primary, the app server,
    the actors and the web workers."""

    dba: psycopg.Connection
    app_server: AppServer
    actors: Actors
    web: list[WebWorker]


def run_clock(plan: Plan, lab: Lab, timeline: Timeline) -> dict[str, Any]:
    """Start the job, tick until the watch is over, then say what happened."""
    start_the_job(lab.actors, timeline)
    seen = Seen()
    while True:
        now = timeline.now()
        pass_on(lab.actors.said(), plan, seen, timeline)
        deploy_step(plan, lab, seen, now, timeline)
        sighting = observe(lab.dba, lab.web, now)
        report(classify(sighting, seen, plan.client_timeout_s), timeline)
        # Once the job has ended, the watch ends at a planned time (job_s + watch_after_job_s),
        # not a while after the COMMIT: a late COMMIT does not move the last lines' times.
        if seen.job_ended is not None and now >= plan.job_s + plan.watch_after_job_s:
            break
        if now > plan.job_s + 10:
            sys.exit("the cron job never ended: the scenario did not go as expected")
        time.sleep(TICK_S)
    stuck = end_of_watch(plan, lab, sighting, timeline)
    web.stop(lab.web)
    return outcome(plan, lab.web, stuck, seen, timeline)


def start_the_job(actors: Actors, timeline: Timeline) -> None:
    """t=0 is the moment the cron job has read the table: from then on it holds its lock."""
    actors.go(CRON_JOB)
    who, line, at = actors.next_line(timeout=30)
    timeline.start = at
    timeline.log(who, line, at=0.0)


def pass_on(said: Iterable[tuple[str, str, float]], plan: Plan, seen: Seen, timeline: Timeline):
    """The actors' own words, at the time each arrived: the job's start and end, the
    migration's attempts."""
    for who, line, arrived in said:
        at = arrived - timeline.start
        if who == CRON_JOB and line == "COMMIT":
            seen.job_ended = at
            if "routing" not in plan.fixes:
                continue  # the primary's view reports it, in order with its effects
        timeline.log(who, line, at=at)


def deploy_step(plan: Plan, lab: Lab, seen: Seen, now: float, timeline: Timeline) -> None:
    """At migrate_at_s the deploy runs `migrate`; deploy_timeout_s later, if it still runs, the
    deploy gives up on it. It gives up on a migration that has been seen in the lock queue, as
    the scenario has it, not on one that a busy machine has not yet brought that far."""
    migration = lab.actors.migration
    if seen.deploy_started is None:
        if now >= plan.migrate_at_s:
            seen.deploy_started = now
            timeline.log("deploy", "manage.py migrate shop, on the app server")
            lab.actors.go(MIGRATION)
    elif (
        seen.gave_up is None
        and seen.migration_queued
        and migration.poll() is None
        and now >= seen.deploy_started + plan.deploy_timeout_s
    ):
        plan.give_up(lab.app_server, migration)
        seen.gave_up = now
        waited = f"{plan.deploy_timeout_s:.1f} s"
        timeline.log("deploy", f"gives up after {waited}: app server gone, migrate killed")


def report(events: list[Event], timeline: Timeline) -> None:
    for event in events:
        timeline.log(*event)


def end_of_watch(plan: Plan, lab: Lab, last: Sighting, timeline: Timeline) -> list[float]:
    """Is a web request still stuck when we stop watching? Then show what holds it (as of the
    last look), and end the orphan by hand, as a DBA would. Returns when each stuck one began."""
    end = timeline.now()
    in_flight = [worker.in_flight for worker in lab.web]  # read once: it may get its answer
    stuck = [t for t in in_flight if t is not None and end - t > plan.client_timeout_s]
    if stuck:
        backend = last.locks.get(MIGRATION)
        orphan = describe(backend) if backend else "gone"
        after = f"{plan.watch_after_job_s:.1f} s after the job ended"
        timeline.log("dba", f"{after}: migration's backend {orphan}")
        unacked = lab.app_server.unacknowledged(lab.dba.info.port)
        timeline.log("dba", f"{len(stuck)} web requests still wait; `ss`: {unacked} bytes sent"
                            " to the app server, never acknowledged")  # fmt: skip
        primary.end_sessions(lab.dba, application_name=MIGRATION)
        timeline.log("dba", "SELECT pg_terminate_backend(pid) of the migration's backend")
    return stuck


def outcome(plan: Plan, workers: list[WebWorker], stuck: list[float], seen: Seen, timeline):
    """The requests that timed out, when the queue cleared, and the outage's name (the runner
    adds whether the migration was applied)."""
    requests = [request for worker in workers for request in worker.requests]
    late = [(s, f) for s, f in requests if f - s > plan.client_timeout_s]
    if late:
        longest = max(finished - started for started, finished in late)
        cleared = max(finished for _, finished in late)
        timeline.log("web", f"queue cleared: the last stuck request answered after {longest:.1f} s",
                     at=cleared)  # fmt: skip
    return {
        "fixes": sorted(plan.fixes, key=LAYERS.index),
        "timed_out": len(late),
        "outage": outage_class(late, stuck, seen.job_ended),
        "blocked_from": min((started for started, _ in late), default=None),
        "cleared_at": max((finished for _, finished in late), default=None),
        "gave_up": seen.gave_up,
        "job_ended": seen.job_ended,
    }


def outage_class(late: list[tuple[float, float]], stuck_at_end: list[float], job_ended: float):
    """Name the outage by what ended it: robust to how fast the machine happens to be."""
    if not late:
        return "none"
    if stuck_at_end:
        return "long: outlived the cron job"
    if max(finished for _, finished in late) >= job_ended - 0.25:
        return "long: until the cron job ended"
    return "short: ended before the cron job did"


def print_summary(result: dict[str, Any]) -> None:
    print(f"holes closed: {', '.join(result['fixes']) or 'none'}")
    if result["timed_out"]:
        print(f"web requests blocked from t={result['blocked_from']:.1f}s"
              f" to t={result['cleared_at']:.1f}s")  # fmt: skip
    print(f"web requests that timed out: {result['timed_out']}")
    print(f"outage: {result['outage']}")
    print(f"the migration: {result['migration']}")
