"""CPU that a throwaway primary and its replica cost to start and stop, with their data in
memory (/dev/shm, the default when it has room) and on the temporary folder's disk
(TMPDIR=/tmp).

Every snippet with settings of its own, every `talksite run` and every `talksite present`
starts servers, so a test run pays this many times. CPU time, not wall time: of the
launcher's children (cp, postgres, pg_basebackup), which other work on the machine changes
little, and machine-wide, which includes the kernel writing the copies back to disk (run it on
a quiet machine).
Usage: python benchmarks/server_start.py [--servers N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

MEASURE = """
import os, resource, sys
from talksite.postgres import Launcher, workdirs

def children_cpu():  # of the children reaped so far: cp, pg_basebackup, stopped servers
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

def machine_cpu():  # busy time of all CPUs, the kernel's writeback of the copies included
    fields = [int(f) for f in open("/proc/stat").readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")

launcher = Launcher()
launcher.stop(launcher.start("warm-up"))  # initdb once, if no template is kept yet
count = int(sys.argv[1])
before, machine_before = children_cpu(), machine_cpu()
for n in range(count):
    primary = launcher.start(f"primary-{n}")
    launcher.stop(launcher.start_replica(primary, f"replica-{n}"))
    launcher.stop(primary)
children, machine = children_cpu() - before, machine_cpu() - machine_before
print(workdirs.root(), children / count, machine / count)
launcher.close()
"""


def measure(servers: int, tmpdir: str | None) -> tuple[str, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "TMPDIR"}
    if tmpdir is not None:
        env["TMPDIR"] = tmpdir
    output = subprocess.run(
        [sys.executable, "-c", MEASURE, str(servers)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return output[0], float(output[1]), float(output[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=8)
    args = parser.parse_args()
    print(f"{args.servers} times a primary and its replica, started and stopped")
    for tmpdir in (None, "/tmp"):
        root, children, machine = measure(args.servers, tmpdir)
        print(
            f"data in {root}: CPU per primary and replica {children:.3f} s in its processes,"
            f" {machine:.3f} s machine-wide"
        )


if __name__ == "__main__":
    main()
