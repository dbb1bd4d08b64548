"""The whole snippet suite's wall time beside the floor: the sum of the snippets' deliberate waits.

Targets on a 2-core machine: suite <= 1.3 x floor + 5 s (issue 3); with -n 4 --dist loadgroup,
suite <= 1.0 x floor (issue 15).
Usage: python benchmarks/snippet_suite.py [pytest args...]
  no arguments: the suite as `make test` runs it, one snippet after another;
  -n 4: four pytest-xdist workers, each with servers of its own (snippets mostly wait, so four
        workers fit two cores; privileged snippets take turns through a lock file, except the
        own-slot ones, such as the TCP lab's, whose runs each claim a slot of their own).
Each snippet declares its deliberate waits with `# talksite: waits=SECONDS`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from talksite.snippets import discover

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    snippets = discover(REPO / "snippets")
    floor = sum(s.directives.waits_s for s in snippets)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/test_snippets.py", *sys.argv[1:]],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr)
    budget = 1.3 * floor + 5
    print(f"snippets: {len(snippets)}")
    print(f"floor (sum of declared deliberate waits): {floor:.1f} s")
    print(f"suite wall time: {wall:.1f} s")
    print(f"budget 1.3 x floor + 5 s: {budget:.1f} s -> {'within' if wall <= budget else 'OVER'}")
    print(f"ratio: {wall / floor:.2f} x floor (target with -n 4 --dist loadgroup: <= 1.0)")


if __name__ == "__main__":
    main()
