"""Which clean-ups a Python process runs when a signal ends it: finally, with, atexit.

Each case starts the same small program, sends it one signal, and prints what it managed to do.
"""

import signal
import subprocess
import sys

# --8<-- [start:child]
# The program we signal. It prints a line from each kind of clean-up, if that clean-up runs.
CHILD = """
import atexit, signal, sys, time

if sys.argv[1] == "handler":
    def exit_on_sigterm(signum, frame):
        raise SystemExit(128 + signum)  # an exception: the stack unwinds as usual

    signal.signal(signal.SIGTERM, exit_on_sigterm)

class Resource:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        print("with-exit")

atexit.register(print, "atexit")
try:
    with Resource():
        print("ready", flush=True)
        time.sleep(10)  # the signal arrives here
finally:
    print("finally")
"""
# --8<-- [end:child]

# A process started with SIGINT ignored (say, `cmd &` in a script) passes that on to its
# children, and Python then installs no Ctrl-C handler. Take Python's usual handler here, so
# that the children start with SIGINT at its default and install theirs.
signal.signal(signal.SIGINT, signal.default_int_handler)

# --8<-- [start:cases]
CASES = [
    ("SIGTERM, no handler (default action)", signal.SIGTERM, "no-handler"),
    ("SIGKILL (cannot be handled)", signal.SIGKILL, "no-handler"),
    ("SIGINT, Python's own handler (Ctrl-C)", signal.SIGINT, "no-handler"),
    ("SIGTERM, handler raises SystemExit", signal.SIGTERM, "handler"),
]

for title, sig, mode in CASES:
    child = subprocess.Popen(
        [sys.executable, "-u", "-c", CHILD, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # hides the KeyboardInterrupt traceback
        text=True,
    )
    assert child.stdout.readline() == "ready\n"
    child.send_signal(sig)
    cleanups = child.stdout.read().split()  # all it printed before it ended
    status = child.wait()
    if status < 0:
        ended = f"killed by {signal.Signals(-status).name}"
    else:
        ended = f"exited with status {status}"
    print(f"{title}:\n  {ended}; clean-ups run: {', '.join(cleanups) or 'none'}")
# --8<-- [end:cases]
