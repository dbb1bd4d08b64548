"""Ctrl-C and SIGTERM end a run within seconds, leaving no process or folder behind.

The signal unwinds the stack, so the ``finally`` blocks and context managers that stop the
snippet and the servers run as usual. In case that clean-up hangs or crawls on a busy machine,
a watchdog thread gives it :data:`CLEANUP_DEADLINE_S` seconds; then it kills every child's
process group, runs what is on record for it, in the order it came: the callbacks of
:func:`on_cleanup`, and the removal of each folder of :func:`register_folder` (or of
:func:`temporary_folder`) not yet forgotten; and it exits at once with the status the signal
asks for (130 for SIGINT, 143 for SIGTERM). (SIGKILL cannot be caught: then the children's
parent-death signal stops them, and whoever made the folders removes them on its next run.)

A thread, not an alarm: an alarm still pending when the clean-up has just made it in time
would kill the exiting process, as SIGALRM, once the interpreter's finalization has put its
handler back to the default; and an alarm's handler runs only when the main thread gets to
run Python code, which a blocked clean-up may not.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from types import FrameType

from talksite.processes import proc

__all__ = [
    "CLEANUP_DEADLINE_S",
    "OVERRAN",
    "on_cleanup",
    "forget_folder",
    "register_folder",
    "signals_deferred",
    "temporary_folder",
    "unwind_on_signals",
]

#: Once interrupted, clean-up gets this many seconds before everything is killed outright.
CLEANUP_DEADLINE_S = 4.0
#: The one line on stderr when the clean-up overran its deadline.
OVERRAN = "talksite: the clean-up took longer than {:g} s; killed what was left\n"
_TERMINAL_SIGNALS = {signal.SIGINT, signal.SIGTERM}

#: What the deadline's clean-up runs, by what put it on record (a callback, or a folder's
#: path); a dict keeps the order it came in.
_cleanups: dict[Hashable, Callable[[], None]] = {}
#: The exit status the first signal asks for; put by the handler, taken by the watchdog.
#: (SimpleQueue.put is safe to call from a signal handler.)
_interrupted_with: queue.SimpleQueue[int] = queue.SimpleQueue()
_watchdog: threading.Thread | None = None


def unwind_on_signals() -> None:
    """Make SIGINT raise KeyboardInterrupt and SIGTERM SystemExit, with a deadline for the
    clean-up that follows. Call it from the main thread."""
    global _watchdog
    if _watchdog is None:
        # Started now, not from the handler: starting a thread takes locks that the
        # interrupted code may hold. Started with the signals blocked, which it keeps: a
        # signal for the process must reach the main thread, as only there does it interrupt
        # a wait (a build's sleep, a select), not land here and leave the main thread waiting.
        _watchdog = threading.Thread(target=_watch, name="interrupt deadline", daemon=True)
        with signals_deferred():
            _watchdog.start()
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)


def on_cleanup(callback: Callable[[], None]) -> None:
    """Have `callback` run if the clean-up overruns its deadline, after the children are
    killed (for instance, to remove what they kept on disk). Registering it again does
    nothing; it must not block."""
    _cleanups.setdefault(callback, callback)


def register_folder(path: Path) -> None:
    """Remove `path` if the clean-up overruns its deadline (until :func:`forget_folder`)."""
    _cleanups[path] = functools.partial(shutil.rmtree, path, ignore_errors=True)


def forget_folder(path: Path) -> None:
    _cleanups.pop(path, None)


@contextlib.contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A new folder in the temporary folder for the length of the block, removed afterwards,
    or by the deadline's clean-up if an interrupted one overruns."""
    folder = None
    try:
        # A signal the block defers is raised as it ends: inside the `try`, which removes
        # the folder.
        with signals_deferred():  # made and on record at once
            folder = Path(tempfile.mkdtemp(prefix=prefix))
            register_folder(folder)
        yield folder
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            forget_folder(folder)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends, so that what it starts is on record
    (a server on the list, a work folder in its field) for the clean-up they trigger. A
    deferred signal is raised as the block ends: what undoes the block's work (a ``try``, an
    ``__exit__``) must already be in force there."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _TERMINAL_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """Unwind through the clean-up (stop the snippet, stop the servers, remove their data),
    with the watchdog's deadline running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut clean-up short
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _interrupted_with.put(128 + signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _watch() -> None:
    """Wait for the first signal, then for the deadline. If the clean-up makes it in time,
    the process has exited by then (daemon threads go with it)."""
    status = _interrupted_with.get()
    time.sleep(CLEANUP_DEADLINE_S)
    _kill_everything(status)


def _kill_everything(status: int) -> None:
    """The clean-up overran: kill our children's process groups (the servers, the snippet's
    session), run what is on record (remove the folders), and exit at once, saying so."""
    with contextlib.suppress(OSError):
        os.write(2, OVERRAN.format(CLEANUP_DEADLINE_S).encode())
    for pid in proc.children(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)  # in case it leads no group of its own
    for cleanup in list(_cleanups.values()):
        with contextlib.suppress(Exception):  # the rest must run, and the process must exit
            cleanup()
    os._exit(status)
