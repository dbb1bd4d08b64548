"""The Swiss cheese matrix's wall time: all 16 runs of the outage, against the issue's 60 s.

Runs snippets/outage/matrix.py as the tests do (its own primary and replica, started with the
snippet's server settings) and prints: the time to start the servers, the snippet's own wall
time (16 runs in parallel: set-up, the scenario, clean-up), and the load before and after.
Usage: python benchmarks/outage_matrix.py [ROUNDS]   (needs root: network namespaces)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from talksite import snippets
from talksite.postgres import Pool

REPO = Path(__file__).resolve().parent.parent
BUDGET_S = 60.0


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    snippet = snippets.load(REPO / "snippets" / "outage" / "matrix.py", REPO / "snippets")
    print(f"cores: {os.cpu_count()}; load before: {os.getloadavg()[0]:.1f}")
    for number in range(1, rounds + 1):
        started = time.perf_counter()
        with Pool() as pool, pool.database(snippet.needs) as database:
            ready = time.perf_counter()
            result = snippets.run(snippet, database)
        if not result.ok:
            sys.exit(f"round {number}: {result.problem()}\n{result.output}")
        verdict = "within" if result.duration_s <= BUDGET_S else "OVER"
        print(
            f"round {number}: servers up in {ready - started:.1f} s; 16 runs in"
            f" {result.duration_s:.1f} s ({verdict} the {BUDGET_S:.0f} s budget);"
            f" with servers {time.perf_counter() - started:.1f} s;"
            f" load after: {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
