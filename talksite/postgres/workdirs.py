"""Where throwaway servers keep their data: in memory (``/dev/shm``) when it has room, else
the temporary folder.

Their data is thrown away with them, and every server starts as a copy of the initdb
template, which costs several times the CPU on a disk-backed /tmp as in memory
(``benchmarks/server_start.py`` measures both). An explicit ``TMPDIR`` wins.

Each launcher's folder is ``talksite-pg-<owner pid>-<random>``, so that what a killed owner
left can be found and removed; it is private (0700), for it holds the servers' Unix sockets.
The template is ``talksite-template-<uid>-<binary's digest>-<pg_hba.conf's digest>``. If an interrupted run's clean-up
overruns its deadline, the interrupt clean-up removes this process's folders
(:func:`talksite.processes.interrupt.on_cleanup`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from talksite.processes import interrupt, proc

__all__ = ["WORKDIR_PREFIX", "new_workdir", "owned_by", "remove_stale", "root", "template"]

WORKDIR_PREFIX = "talksite-pg-"
IN_MEMORY = Path("/dev/shm")
#: /dev/shm is used only with this much free: room for many servers (about 40 MB each).
MIN_FREE_BYTES = 2 * 1024**3


@functools.cache
def root() -> Path:
    """The folder that holds the launchers' folders and the template."""
    if "TMPDIR" not in os.environ:
        try:
            free = os.statvfs(IN_MEMORY)
            if os.access(IN_MEMORY, os.W_OK | os.X_OK) and (
                free.f_bavail * free.f_frsize >= MIN_FREE_BYTES
            ):
                return IN_MEMORY
        except OSError:
            pass  # no /dev/shm here
    return Path(tempfile.gettempdir())


def new_workdir() -> Path:
    """A new launcher's folder, named after this process."""
    interrupt.on_cleanup(_remove_own)
    return Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-", dir=root()))


def _remove_own() -> None:
    """Remove this process's launchers' folders (their servers have been killed)."""
    for workdir in owned_by(os.getpid()):
        shutil.rmtree(workdir, ignore_errors=True)


def owned_by(pid: int) -> list[Path]:
    """The folders of the launchers of process `pid`."""
    return sorted(root().glob(f"{WORKDIR_PREFIX}{pid}-*"))


def remove_stale() -> None:
    """Remove the data of runs that were SIGKILLed: their servers died with them (PDEATHSIG)."""
    for workdir in root().glob(f"{WORKDIR_PREFIX}*-*"):
        owner = workdir.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if owner.isdigit() and proc.stat(int(owner)) is None:
            shutil.rmtree(workdir, ignore_errors=True)


def template(postgres_binary: Path, pg_hba: str) -> Path:
    """Where the initdb template of these binaries is kept between runs. Named by the
    binary's content, not its path or date: every install of the same PostgreSQL (a new
    virtualenv's, say) shares one template rather than leaving one more behind. And named by
    the `pg_hba.conf` it holds: a talksite that writes another one (an older version, beside
    this one on the machine) keeps a template of its own, rather than each replacing the
    other's."""
    hba_digest = hashlib.sha256(pg_hba.encode()).hexdigest()[:8]
    return root() / (
        f"talksite-template-{os.geteuid()}-{_content_digest(postgres_binary)}-{hba_digest}"
    )


@functools.cache  # hashing the binary takes ~20 ms, and a process may start many launchers
def _content_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
