# talksite: privileged waits=1
"""In a container, your program is often process 1 of its PID namespace, and the kernel drops
a signal sent to process 1 unless it has a handler for it: SIGTERM without a handler does nothing.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

if os.geteuid() != 0:
    sys.exit("This needs root, to create a PID namespace with unshare.")

# --8<-- [start:demo]
# --8<-- [start:child]
CHILD = """
import os, signal, sys, time

if sys.argv[1] == "handler":
    def exit_on_sigterm(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, exit_on_sigterm)
print(f"started; os.getpid() == 1: {os.getpid() == 1}", flush=True)
time.sleep(10)
"""
# --8<-- [end:child]


# --8<-- [start:stop]
def stop_like_kubernetes(process, pid, grace_period):
    """SIGTERM, then SIGKILL if it is still running after the grace period."""
    os.kill(pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_period)
        return "ended by SIGTERM"
    except subprocess.TimeoutExpired:
        os.kill(pid, signal.SIGKILL)
        process.wait()
        return f"still running after the {grace_period} s grace period: SIGKILL"


for mode in ("no-handler", "handler"):
    # A new PID namespace, as a container has: the child is process 1 inside it.
    unshare = subprocess.Popen(
        ["unshare", "--pid", "--fork", sys.executable, "-u", "-c", CHILD, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # unshare's complaint that it cannot pass SIGKILL on
        text=True,
    )
    print(f"{mode}: {unshare.stdout.readline().strip()}")
    # Its pid as seen from here, outside the namespace: the only child of unshare.
    children = Path(f"/proc/{unshare.pid}/task/{unshare.pid}/children").read_text().split()
    outcome = stop_like_kubernetes(unshare, int(children[0]), grace_period=1.0)
    print(f"  {outcome}")
# --8<-- [end:stop]
# --8<-- [end:demo]
