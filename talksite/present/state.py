"""Which slide the presenter shows, told to every audience page as it changes.

Everything here runs on the event loop, so no lock is needed: the presenter's requests move
the current slide, each audience page holds a queue that receives every move.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from talksite.presenting_log import PresentingLog

__all__ = ["CurrentSlide", "Position"]


@dataclass(frozen=True)
class Position:
    """A slide as reveal.js addresses it: its anchor and its indices."""

    slide: str
    h: int
    v: int = 0


@dataclass
class CurrentSlide:
    """The slide the presenter shows now, and the audience pages that follow it."""

    #: Each slide's title, by anchor, in the deck's order.
    titles: Mapping[str, str]
    log: PresentingLog
    current: Position | None = None
    _followers: set[asyncio.Queue[Position | None]] = field(default_factory=set)
    _closed: bool = False

    def move(self, position: Position) -> bool:
        """Show `position` to every follower and log it; False if it was shown already."""
        if position == self.current:
            return False
        self.current = position
        self.log.write(position.slide, self.titles[position.slide])
        for queue in self._followers:
            queue.put_nowait(position)
        return True

    def follow(self) -> asyncio.Queue[Position | None]:
        queue: asyncio.Queue[Position | None] = asyncio.Queue()
        if self.current is not None:
            queue.put_nowait(self.current)
        if self._closed:
            queue.put_nowait(None)
        self._followers.add(queue)
        return queue

    def unfollow(self, queue: asyncio.Queue[Position | None]) -> None:
        self._followers.discard(queue)

    def close(self) -> None:
        """Presenting stops: every follower's stream ends, now and from now on."""
        self._closed = True
        for queue in self._followers:
            queue.put_nowait(None)
