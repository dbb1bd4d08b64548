"""Servers of the registry's kinds (:mod:`~talksite.services.kinds`) that talksite starts: one
per kind and process, as runs first need it, each run getting a fresh space of its own on it.

As with the PostgreSQL servers (:mod:`talksite.postgres.launcher`): every server is a direct
child leading a process group of its own, with a parent-death signal, so even a SIGKILLed
owner takes its servers along; each listens on 127.0.0.1 and asks for a random password, kept
in the pool's private folder (0700, ``talksite-svc-<owner pid>-<random>``), which closing the
pool removes, the interrupt's deadline clean-up removes if an interrupted clean-up overruns
(:func:`talksite.processes.interrupt.on_cleanup`), and the next pool removes if its owner was
SIGKILLed.

A parent-death signal comes when the *thread* that started the server ends: a pool that
outlives one run is warmed (:meth:`ServicePool.warm`) or first used from the thread that
owns it, as the tests' fixture, ``talksite record`` and ``talksite present`` do.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from talksite.errors import ServerError
from talksite.processes import interrupt, kill_group, proc, signals_deferred, spawn, wait_unreaped
from talksite.services.kinds import Instance, ServiceKind

__all__ = ["FOLDER_PREFIX", "Running", "ServicePool", "owned_by"]

FOLDER_PREFIX = "talksite-svc-"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 3.0
_ATTEMPTS = 3


@dataclass
class Running:
    """One server a pool started."""

    kind: ServiceKind
    instance: Instance
    process: subprocess.Popen[bytes]

    @property
    def log_path(self) -> Path:
        return self.instance.folder / "server.log"


@dataclass
class ServicePool:
    """Owns every server it starts; closing it stops them and removes their folder. Use as
    a context manager; safe to share between threads."""

    folder: Path | None = None
    running: dict[str, Running] = field(default_factory=dict)
    _runs: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Self:
        remove_stale()
        try:
            with signals_deferred():  # made and on record at once
                interrupt.on_cleanup(_remove_own)
                self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
        except BaseException:
            # A signal the block deferred is raised as it ends, where `with` does not yet
            # call __exit__.
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def urls(self, kinds: Iterable[ServiceKind]) -> dict[str, str]:
        """For one run: each kind's variable and a URL to a fresh space of its own on the
        pool's server of that kind (started now if it is not up yet)."""
        with self._lock:
            return {
                kind.variable: kind.url_for_run(self._server(kind).instance, next(self._runs))
                for kind in kinds
            }

    def warm(self, kinds: Iterable[ServiceKind]) -> int:
        """Start now the servers runs of these kinds will use; returns how many started."""
        with self._lock:
            before = len(self.running)
            for kind in kinds:
                self._server(kind)
            return len(self.running) - before

    def close(self) -> None:
        """Stop every server (SIGTERM, then SIGKILL for what is left of its group) and remove
        the pool's folder."""
        for running in reversed(list(self.running.values())):
            if not wait_unreaped(running.process, 0):
                os.kill(running.process.pid, signal.SIGTERM)  # unreaped: still its own pid
                wait_unreaped(running.process, STOP_TIMEOUT_S)
            kill_group(running.process)
        self.running.clear()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _server(self, kind: ServiceKind) -> Running:
        if kind.name not in self.running:
            self.running[kind.name] = self._start(kind)
        return self.running[kind.name]

    def _start(self, kind: ServiceKind) -> Running:
        if self.folder is None:
            raise ServerError("a ServicePool must be used as a context manager")
        log_tail = ""
        for attempt in range(_ATTEMPTS):
            folder = self.folder / f"{kind.name}-{attempt}-{secrets.token_hex(2)}"
            folder.mkdir(mode=0o700)
            instance = Instance(folder, _free_port(), secrets.token_hex(16))
            argv = kind.prepare(instance)
            with open(folder / "server.log", "wb") as log, signals_deferred():
                # Its own process group (a Ctrl-C in the terminal reaches us, and we stop it);
                # if we die, even by SIGKILL, it is killed too.
                process = spawn(
                    argv,
                    parent_death_signal=signal.SIGKILL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=folder,
                )
                running = Running(kind, instance, process)
                self.running[kind.name] = running  # on record before a signal can unwind us
            if _wait_until_ready(running):
                return running
            del self.running[kind.name]
            kill_group(process)
            log_tail = _tail(running.log_path)
            if kind.port_taken not in log_tail:  # only a port race is worth another try
                break
        raise ServerError(f"the {kind.name} server did not start:\n{log_tail}")


def _wait_until_ready(running: Running) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if wait_unreaped(running.process, 0):  # it ended: unreaped, for kill_group
            return False
        if running.kind.ready(running.instance):
            return True
        time.sleep(0.01)
    return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def owned_by(pid: int) -> list[Path]:
    """The folders of the pools of process `pid`."""
    return sorted(Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}{pid}-*"))


def _remove_own() -> None:
    """Remove this process's pools' folders (their servers have been killed)."""
    for folder in owned_by(os.getpid()):
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale() -> None:
    """Remove the folders of pools whose owner was SIGKILLed: their servers died with it."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        owner = folder.name.removeprefix(FOLDER_PREFIX).split("-", 1)[0]
        if owner.isdigit() and proc.stat(int(owner)) is None:
            shutil.rmtree(folder, ignore_errors=True)
