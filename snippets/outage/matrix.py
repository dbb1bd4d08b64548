"""The Swiss cheese matrix: the outage of outage.py under all 16 combinations of the four fixes,
run at once, each on a database and an app server of its own, with the clocks started together.
Every run has the same trigger events (a 6 s job on the primary, a silent network cut, SIGKILL);
only the defences change. Each of the two hazards gets a column: did it reach its harm?"""

# talksite: replica privileged server.max_connections=300 timeout=150 waits=8

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from _lab.layers import LAYERS  # routing, locking, tcp, termination: shared with outage.py
from _lab.primary import wait_for_replica
from psycopg import sql

DATABASE_URL = os.environ["DATABASE_URL"]
REPLICA_DATABASE_URL = os.environ["REPLICA_DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates 16 databases: set DATABASE_IS_THROWAWAY=1 to run it")

OUTAGE = Path(__file__).with_name("outage.py")


def with_dbname(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


# --8<-- [start:runs]
def start_run(name, fixes):
    """Start outage.py on the database `name`; it sets up, then waits at its barrier."""
    env = dict(
        os.environ,
        DATABASE_URL=with_dbname(DATABASE_URL, name),
        REPLICA_DATABASE_URL=with_dbname(REPLICA_DATABASE_URL, name),
    )
    command = [sys.executable, str(OUTAGE), "--json", "--barrier"]
    command += [f"--fix={layer}" for layer in fixes]
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    return process


def run_all(admin):
    """All 16 combinations: each layer's hole open (False) or fixed (True)."""
    combinations = list(itertools.product((False, True), repeat=len(LAYERS)))
    names = [f"{admin.info.dbname}_{number:02d}" for number in range(len(combinations))]
    runs = []
    try:
        for name in names:
            admin.execute(
                sql.SQL("CREATE DATABASE {} STRATEGY FILE_COPY").format(sql.Identifier(name))
            )
        wait_for_replica(admin, REPLICA_DATABASE_URL, within_s=30)  # the 16 new databases
        for name, fixed in zip(names, combinations):
            runs.append(start_run(name, [layer for layer, f in zip(LAYERS, fixed) if f]))
        for process in runs:  # each has set up its actors, table and app server
            if process.stdout.readline().strip() != "ready":
                sys.exit(f"a run failed while setting up: {process.args}")
        for process in runs:  # now start every clock at once
            process.stdin.write("go\n")
            process.stdin.flush()
        return [json.loads(process.stdout.read().splitlines()[-1]) for process in runs]
    finally:
        for process in runs:
            if process.poll() is None:
                process.terminate()  # outage.py cleans up its app server on SIGTERM
            process.wait()
        for name in names:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            # --8<-- [end:runs]


# The two hazards, each with the harm it does when it gets through every defence in its way:
# the lock queue (routing and locking guard against it): web requests queue behind the waiting
# migration and time out; the orphan (TCP and termination): the backend of the vanished
# migration keeps the table blocked after the cron job has ended.
HAZARDS = {
    "lock queue": lambda result: result["timed_out"] > 0,
    "orphan": lambda result: result["outage"] == "long: outlived the cron job",
}


def print_table(results):
    columns = (*LAYERS, *HAZARDS, "timed out", "outage", "migration")
    rows = [
        (
            *("fixed" if layer in result["fixes"] else "hole" for layer in LAYERS),
            *("harm" if harmed(result) else "stopped" for harmed in HAZARDS.values()),
            str(result["timed_out"]),
            result["outage"],
            result["migration"],
        )
        for result in results
    ]
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]
    for row in [columns, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    long = [r for r in results if r["outage"].startswith("long")]
    print(f"long outages: {len(long)} of {len(results)}; the same trigger events in every run")
    for hazard, harmed in HAZARDS.items():
        print(f"{hazard}: {which_runs([r for r in results if harmed(r)], results)}")


def which_runs(harmed, results):
    """Which holes the harmed runs share, and whether every run with those holes was harmed."""
    if not harmed:
        return f"harm in none of the {len(results)} runs"
    holes = [layer for layer in LAYERS if all(layer not in r["fixes"] for r in harmed)]
    alike = [r for r in results if not set(holes) & set(r["fixes"])]
    share = "exactly the runs" if len(alike) == len(harmed) else "some of the runs"
    return f"harm in {len(harmed)} of {len(results)} runs, {share} with holes in {', '.join(holes)}"


with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
    print_table(run_all(admin))
