"""The room: how many connections and audience pages present takes, so that a full room (or
one device on the venue's Wi-Fi) cannot use up its open files.

At start, present raises its soft open-file limit to the hard one (:func:`raise_open_files`);
what it then has, but :data:`RESERVED_FILES`, is for connections (:class:`Budget`):

- a quarter, up to :data:`PRESENTER_CONNECTIONS`, for the presenter's listener (127.0.0.1);
- the rest, up to :data:`MAX_AUDIENCE_CONNECTIONS`, for the audience's listener, at most
  :data:`CONNECTIONS_PER_ADDRESS` from one address;
- of those, three quarters (up to :data:`MAX_FOLLOWERS`, :data:`FOLLOWERS_PER_ADDRESS` from
  one address) for audience pages holding a stream, so that a new page can still load and
  be told that the room is full (:class:`Room`).
"""

from __future__ import annotations

import resource
from collections import Counter
from dataclasses import dataclass, field

from talksite.present.guard import Refused

__all__ = [
    "CONNECTIONS_PER_ADDRESS",
    "FOLLOWERS_PER_ADDRESS",
    "MAX_AUDIENCE_CONNECTIONS",
    "MAX_FOLLOWERS",
    "PRESENTER_CONNECTIONS",
    "RESERVED_FILES",
    "Budget",
    "Room",
    "raise_open_files",
]

#: Files kept for everything but connections: the site's files, the servers' sockets and
#: pipes, a live run's processes, the presenting log.
RESERVED_FILES = 128
#: The presenter's listener (127.0.0.1): the deck, the speaker view and its previews, and
#: a local audience when present runs without --lan; at most a quarter of the connections.
PRESENTER_CONNECTIONS = 256
MAX_AUDIENCE_CONNECTIONS = 4096
#: One device: a few tabs, each loading the deck's files while it follows.
CONNECTIONS_PER_ADDRESS = 100
MAX_FOLLOWERS = 2000
FOLLOWERS_PER_ADDRESS = 50
#: Where the hard limit is "unlimited", a soft limit the kernel accepts.
_UNLIMITED_SOFT = 65536


def raise_open_files() -> int:
    """Raise this process's soft open-file limit as far as the hard one lets it; returns
    the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = _UNLIMITED_SOFT if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            return soft  # macOS refuses more than its own maximum: keep what we have
        return wanted
    return soft if soft != resource.RLIM_INFINITY else _UNLIMITED_SOFT


@dataclass(frozen=True)
class Budget:
    """How `open_files` are shared out among the listeners and the audience's pages."""

    open_files: int

    @property
    def connections(self) -> int:
        return max(0, self.open_files - RESERVED_FILES)

    @property
    def presenter_connections(self) -> int:
        return max(8, min(PRESENTER_CONNECTIONS, self.connections // 4))

    @property
    def audience_connections(self) -> int:
        spare = self.connections - self.presenter_connections
        return max(8, min(MAX_AUDIENCE_CONNECTIONS, spare))

    @property
    def connections_per_address(self) -> int:
        return min(CONNECTIONS_PER_ADDRESS, self.audience_connections)

    @property
    def followers(self) -> int:
        return min(MAX_FOLLOWERS, self.audience_connections * 3 // 4)


@dataclass
class Room:
    """The audience pages that follow the presenter now, by address. Runs on the event loop
    only, so it needs no lock."""

    total: int
    per_address: int = FOLLOWERS_PER_ADDRESS
    _by_address: Counter[str] = field(default_factory=Counter)

    @property
    def following(self) -> int:
        return self._by_address.total()

    def enter(self, address: str) -> None:
        """Take a follower's seat for `address`, or refuse with a 503 and the reason."""
        if self.following >= self.total:
            raise Refused(503, f"the room is full: {self.total} pages follow already")
        if self._by_address[address] >= self.per_address:
            raise Refused(
                503, f"{address} has {self.per_address} pages following already: close one"
            )
        self._by_address[address] += 1

    def leave(self, address: str) -> None:
        self._by_address[address] -= 1
        if self._by_address[address] <= 0:
            del self._by_address[address]
