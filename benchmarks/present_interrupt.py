"""Ctrl-C to `talksite present` in the middle of a TCP demo, N times, beside K CPU-bound
competitors: how it exited each time, how long it took to stop, and what it left.

Each try starts `talksite present` on one built site, runs the TCP demo's slide live over
HTTP (as the presenter's deck does), waits until the demo's lab is wired and its app waits in
its namespace, then sends SIGINT. Expected: exit status 130 every time, and no namespace,
server folder, site folder or process of that run left. It reports figures; it is not a test.

Usage: python benchmarks/present_interrupt.py [--runs N] [--competitors K]   (needs root)
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from browser_support import build_site  # noqa: E402
from present_support import presenting, start_run  # noqa: E402
from snippet_support import live_command_lines, lock_held  # noqa: E402
from stress import competitors  # noqa: E402
from tcp_lab_support import lab_of, slot_lock, slot_of  # noqa: E402

from talksite.postgres import workdirs  # noqa: E402
from talksite.processes import proc  # noqa: E402

SLIDE = "tcp-silent"
#: What the demo prints once its app waits in its namespace, behind the lab's cut cable.
WIRED = "app: waiting in recv()"


def leftovers(pid: int, slot: int) -> list[str]:
    """What the present with this pid left: the lab's links and namespaces (once no run holds
    the slot), its servers' and site's folders, and processes using them."""
    with lock_held(slot_lock(slot)):
        found = lab_of(slot)
    tmp = Path(tempfile.gettempdir())
    found += [str(path) for path in workdirs.owned_by(pid)]
    found += [str(path) for path in tmp.glob(f"talksite-present-{pid}-*")]
    return found + live_command_lines(f"{workdirs.WORKDIR_PREFIX}{pid}-")


def one_try(site: Path) -> tuple[int, float, list[str]]:
    with (
        presenting(REPO, "--site", str(site)) as present,
        start_run(present, SLIDE, timeout_s=120) as response,
    ):
        while WIRED not in (line := response.readline().decode()):
            if not line:
                raise SystemExit(f"the demo ended before its lab was wired:\n{present.stderr()}")
        pid = present.process.pid
        slot = slot_of(proc.descendants(pid))
        started = time.monotonic()
        status = present.stop()
        took = time.monotonic() - started
    deadline = time.monotonic() + 5  # the kernel reaps what present killed
    while (left := leftovers(pid, slot)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return status, took, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--competitors", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = build_site(Path(scratch) / "site").root
        statuses = []
        clean = 0
        with competitors(args.competitors) as pids:
            print(f"{args.competitors} CPU-bound competitors: pids {pids}")
            for number in range(1, args.runs + 1):
                status, took, left = one_try(site)
                statuses.append(status)
                clean += not left
                shown = ", ".join(left) if left else "nothing"
                print(f"try {number}: exit {status}, stopped in {took:.1f} s, left {shown}")
    expected = 128 + signal.SIGINT
    print(f"exited {expected}: {statuses.count(expected)} of {args.runs}")
    print(f"left nothing behind: {clean} of {args.runs}")


if __name__ == "__main__":
    main()
