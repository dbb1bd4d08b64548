"""Servers started before the talk, so that a demo's first line comes within a second.

A demo on stage must not wait for ``initdb``: the shared server, the replica and every set of
per-snippet server settings the deck's demos need are started once, at start-up, and each run
gets a fresh database on them (creating one takes milliseconds), as the tests' runs do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from talksite.postgres import Database, Server, Servers
from talksite.snippets import Snippet

__all__ = ["WarmServers"]

_Key = tuple[tuple[str, str], ...]


def _key(settings: Mapping[str, str]) -> _Key:
    return tuple(sorted(settings.items()))


@dataclass
class WarmServers:
    """Started servers by the settings they run with; ``servers`` owns and stops them."""

    servers: Servers
    _primaries: dict[_Key, Server] = field(default_factory=dict)
    _replicas: dict[_Key, Server] = field(default_factory=dict)

    def warm(self, demos: Iterable[Snippet]) -> int:
        """Start what `demos` will need; returns how many servers that took."""
        if self.servers.external_url is not None:
            return 0  # the user's own servers are up already
        started = len(self.servers.servers)
        for snippet in demos:
            self._for(snippet)
        return len(self.servers.servers) - started

    def database(self, snippet: Snippet) -> Database:
        """A fresh database for one run of `snippet`, on its warm servers."""
        needs = snippet.directives
        if self.servers.external_url is not None:
            return self.servers.database(replica=needs.replica, settings=needs.server_settings)
        primary, replica = self._for(snippet)
        return self.servers.database_on(primary, replica)

    def _for(self, snippet: Snippet) -> tuple[Server, Server | None]:
        needs = snippet.directives
        key = _key(needs.server_settings)
        if key not in self._primaries:
            self._primaries[key] = self.servers.start("primary", needs.server_settings)
        primary = self._primaries[key]
        if not needs.replica:
            return primary, None
        if key not in self._replicas:
            self._replicas[key] = self.servers.start_replica(
                primary, "replica", needs.server_settings
            )
        return primary, self._replicas[key]
