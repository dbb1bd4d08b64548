"""How long a reader waits for the first line of `talksite run SNIPPET` (target: <= 3 s).

Usage: python benchmarks/first_output.py [SNIPPET] [--runs N]
Prints each run's time to the first output line, then the median. Not a test: figures only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def time_to_first_line(snippet: Path) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "talksite.cli", "run", str(snippet)],
        stdout=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.stdout.read()
    if process.wait() != 0 or not first:
        raise SystemExit(f"talksite run {snippet} failed")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("snippet", nargs="?", default="snippets/basics/server_settings.py")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    time_to_first_line(Path(args.snippet))  # warm the file cache, as a reader's second run would
    times = [time_to_first_line(Path(args.snippet)) for _ in range(args.runs)]
    for number, seconds in enumerate(times, start=1):
        print(f"run {number}: first output after {seconds:.2f} s")
    print(
        f"talksite run {args.snippet}: median {statistics.median(times):.2f} s,"
        f" min {min(times):.2f} s, max {max(times):.2f} s over {args.runs} runs (target <= 3 s)"
    )


if __name__ == "__main__":
    main()
