"""A server of the user's own, named by its URL: each run gets a database created there, and
dropped when the run ends. Nothing is started, so runs that need server settings of their
own, or a server talksite starts, are not applicable to it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Self

from talksite import environment
from talksite.errors import NotApplicable
from talksite.postgres.databases import Database, Needs, drop_database, fresh_database

__all__ = ["UsersServer"]


@dataclass
class UsersServer:
    """The user's primary at `url` and, optionally, its streaming replica at `replica_url`.

    `variable` and `replica_variable` name where the URLs came from, for the reasons given.
    """

    url: str
    replica_url: str | None = None
    variable: str = environment.DATABASE_URL
    replica_variable: str = environment.REPLICA_DATABASE_URL

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Nothing to stop: each run's database is dropped when the run ends."""

    def unavailable(self, needs: Needs) -> str | None:
        """Why a run with these needs cannot use this server, or None if it can."""
        if needs.settings:
            names = ", ".join(name for name, _ in needs.settings)
            return f"it needs its own server settings ({names})"
        if needs.own_server:
            return "it needs a server talksite starts itself (one that admits its network lab)"
        if needs.replica and self.replica_url is None:
            return f"it needs a streaming replica: set {self.replica_variable} to one"
        return None

    def where(self) -> str:
        """How a reason names this server: ``on the server in TALKSITE_DATABASE_URL``."""
        return f"on the server in {self.variable}"

    def warm(self, needs: Iterable[Needs]) -> int:
        """The user's servers are up already: nothing to start."""
        return 0

    @contextlib.contextmanager
    def database(self, needs: Needs) -> Iterator[Database]:
        """A fresh database for one run, dropped when the run ends."""
        import psycopg  # on first use: see the package docstring

        reason = self.unavailable(needs)
        if reason is not None:
            raise NotApplicable(self.where(), reason, users_choice=True)
        database = fresh_database(self.url, self.replica_url if needs.replica else None)
        try:
            yield database
        finally:
            with contextlib.suppress(psycopg.Error):
                drop_database(self.url, database)
