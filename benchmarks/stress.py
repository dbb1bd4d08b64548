"""Run the snippet suite N times, optionally beside K CPU-bound competitors, and count failures.

A red run must mean "a page lies", never "the machine was busy": this prints, per run, how
many snippets failed and which, so that a snippet whose output depends on the machine's speed
shows up. It reports figures; it is not a test.

Usage: python benchmarks/stress.py [--runs N] [--competitors K] [--workers W] [pytest args...]
  --runs N         how many times to run the suite (default 10)
  --competitors K  CPU-bound processes to start beside it (default 2), ended by their pid after
  --workers W      pytest-xdist workers (default 4, grouped as `make test` runs them; 0: serial)
  further arguments go to pytest, e.g. -k tcp
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# A busy loop, as `yes > /dev/null` would be, but needing nothing but Python.
BUSY_LOOP = "while True: pass"


@contextlib.contextmanager
def competitors(count: int) -> Iterator[list[int]]:
    """`count` CPU-bound processes for the length of the block; ended by pid afterwards."""
    started = [
        subprocess.Popen([sys.executable, "-c", BUSY_LOOP], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]
    try:
        yield [process.pid for process in started]
    finally:
        for process in started:
            os.kill(process.pid, signal.SIGTERM)
            process.wait()


def run_suite(workers: str, extra: list[str]) -> tuple[int, list[str], float]:
    """One run of the snippet tests: (tests run, ids of the failed ones, wall seconds)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        if workers != "0":
            command += ["-n", workers, "--dist", "loadgroup"]
        command += [f"--junitxml={report}", "tests/test_snippets.py", *extra]
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=False, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if not report.exists():
            return 0, ["(pytest wrote no report: it failed to start)"], wall
        cases = ElementTree.parse(report).getroot().iter("testcase")
        ran, failed = 0, []
        for case in cases:
            ran += 1
            if case.find("failure") is not None or case.find("error") is not None:
                failed.append(case.get("name", "?"))
    return ran, failed, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--competitors", type=int, default=2)
    parser.add_argument("--workers", default="4")
    args, extra = parser.parse_known_args()
    tally: Counter[str] = Counter()
    failing_runs = 0
    with competitors(args.competitors) as pids:
        print(f"{args.competitors} CPU-bound competitors: pids {pids}; workers: {args.workers}")
        for number in range(1, args.runs + 1):
            ran, failed, wall = run_suite(args.workers, extra)
            failing_runs += bool(failed)
            tally.update(failed)
            shown = ", ".join(failed) if failed else "-"
            print(f"run {number}: {ran} tests, {len(failed)} failed in {wall:.0f} s: {shown}")
    print(f"failing runs: {failing_runs} of {args.runs}")
    for test, count in tally.most_common():
        print(f"  {count} x {test}")


if __name__ == "__main__":
    main()
