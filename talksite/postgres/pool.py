"""Servers that talksite starts itself, pooled by what runs need of them.

One primary per set of server settings, and one replica of it for the runs that need one;
each run gets a fresh database on them (milliseconds), never a new server (a tenth of a
second of CPU, more on a busy machine). The tests share a pool for their session, and
``talksite present`` warms one before the talk, so that a demo never waits for a server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Self

from talksite.errors import ServerError
from talksite.postgres.databases import Database, Needs, fresh_database
from talksite.postgres.launcher import Launcher
from talksite.postgres.server import Server
from talksite.processes.interrupt import signals_deferred

__all__ = ["Pool"]

_Settings = tuple[tuple[str, str], ...]


@dataclass
class Pool:
    """Owns every server it starts; closing it stops them and removes their data.

    Use as a context manager.
    """

    launcher: Launcher | None = None
    _primaries: dict[_Settings, Server] = field(default_factory=dict)
    _replicas: dict[_Settings, Server] = field(default_factory=dict)

    def __enter__(self) -> Self:
        try:
            with signals_deferred():  # an interrupted start leaves no work folder unrecorded
                self.launcher = Launcher()
        except BaseException:
            # A signal the block deferred is raised as it ends, where `with` does not yet
            # call __exit__.
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def unavailable(self, needs: Needs) -> str | None:
        """Servers of our own can give a run anything it needs."""
        return None

    def where(self) -> str:
        return "on servers that talksite starts"

    @property
    def servers(self) -> list[Server]:
        """The servers running now."""
        return self.launcher.servers if self.launcher is not None else []

    def warm(self, needs: Iterable[Needs]) -> int:
        """Start now what runs with these needs will use; returns how many servers started."""
        before = len(self.servers)
        for each in needs:
            self._servers_for(each)
        return len(self.servers) - before

    @contextlib.contextmanager
    def database(self, needs: Needs) -> Iterator[Database]:
        """A fresh database for one run, on the pool's servers for `needs`.

        It is not dropped afterwards: the servers are removed whole when the pool closes.
        """
        primary, replica = self._servers_for(needs)
        yield fresh_database(primary.url(), replica.url() if replica is not None else None)

    def close(self) -> None:
        self._primaries.clear()
        self._replicas.clear()
        if self.launcher is not None:
            self.launcher.close()
            self.launcher = None

    def _servers_for(self, needs: Needs) -> tuple[Server, Server | None]:
        if self.launcher is None:
            raise ServerError("a Pool must be used as a context manager")
        settings = dict(needs.settings)
        if needs.settings not in self._primaries:
            self._primaries[needs.settings] = self.launcher.start("primary", settings)
        primary = self._primaries[needs.settings]
        if not needs.replica:
            return primary, None
        if needs.settings not in self._replicas:
            self._replicas[needs.settings] = self.launcher.start_replica(
                primary, "replica", settings
            )
        return primary, self._replicas[needs.settings]
