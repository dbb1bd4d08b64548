"""One run's database, what a run needs of its servers, and making a fresh database."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from talksite.postgres.replication import resume_replay, wait_for_replay

__all__ = ["Database", "Needs", "drop_database", "fresh_database"]


@dataclass(frozen=True)
class Needs:
    """What one run needs of its servers; servers that talksite starts are pooled by it."""

    replica: bool = False
    #: Server settings, sorted by name: a server is started with them, and reused for them.
    settings: tuple[tuple[str, str], ...] = ()
    #: A server talksite starts itself, never the user's (one that admits a network lab).
    own_server: bool = False

    @classmethod
    def of(
        cls,
        *,
        replica: bool = False,
        settings: Mapping[str, str] | None = None,
        own_server: bool = False,
    ) -> Needs:
        return cls(replica, tuple(sorted((settings or {}).items())), own_server)


@dataclass(frozen=True)
class Database:
    """One database a snippet may use, on a primary and, optionally, its replica."""

    url: str
    replica_url: str | None = None
    #: The primary's major version, for recordings that differ between versions.
    server_major: int = 0
    #: The primary's own version string (``server_version``), for a recording's provenance.
    server_version: str = ""

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


def fresh_database(admin_url: str, replica_admin_url: str | None = None) -> Database:
    """Create an empty database on the server at `admin_url`; with a replica, wait until the
    replica has it too."""
    import psycopg  # on first use: see the package docstring

    dbname = f"talksite_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
        row = conn.execute(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')"
        ).fetchone()
    assert row is not None
    replica_url = None
    if replica_admin_url is not None:
        # A run before may have paused replay (to show replication lag): each run starts level.
        resume_replay(replica_admin_url)
        wait_for_replay(admin_url, replica_admin_url)
        replica_url = _with_dbname(replica_admin_url, dbname)
    return Database(
        url=_with_dbname(admin_url, dbname),
        replica_url=replica_url,
        server_major=row[0] // 10000,
        server_version=row[1],
    )


def drop_database(admin_url: str, database: Database) -> None:
    import psycopg  # on first use: see the package docstring

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


def _with_dbname(url: str, dbname: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{dbname}"))
