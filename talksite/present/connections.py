"""Each connection's limits, below the routes: uvicorn's HTTP/1.1 protocol (h11) with

- a cap on open connections per listener, and per client address on it: beyond it, a
  connection gets a 503 with a one-line reason at once and is closed (see
  :mod:`~talksite.present.room` for the figures);
- a deadline for each request to arrive whole (:data:`REQUEST_TIMEOUT_S`): a connection that
  sends nothing, or its headers or body a byte at a time (slowloris), is closed then. Once a
  request is in, nothing times its response out: an audience page's stream lives for the talk;
- refused accepts reported once per :data:`ACCEPT_ERROR_INTERVAL_S`, not once per try.

uvicorn itself has none of the first two: its ``limit_concurrency`` counts only connections
that have sent their headers, and its keep-alive timeout only starts after a first response.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "ACCEPT_ERROR_INTERVAL_S",
    "MAX_HEADER_BYTES",
    "REQUEST_TIMEOUT_S",
    "AcceptErrorLog",
    "ConnectionLimits",
    "limited_protocol",
]

#: A request's line, headers and body must all have come within this, from its first byte
#: (or from the connection's start); a page's requests take milliseconds even on bad Wi-Fi.
REQUEST_TIMEOUT_S = 10.0
#: A request line with its headers, at most (h11 answers a 400 beyond it).
MAX_HEADER_BYTES = 16 * 1024
ACCEPT_ERROR_INTERVAL_S = 10.0
#: What asyncio calls a refused accept (EMFILE, ENFILE, ENOBUFS, ENOMEM) when it reports one.
_ACCEPT_ERROR = "socket.accept() out of system resource"


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections one listener keeps open: in all, and from one address."""

    total: int
    per_address: int


@dataclass
class _Tally:
    """Open connections, by listener (its address) and by client address on it."""

    limits: Mapping[str, ConnectionLimits]
    _open: Counter[str] = field(default_factory=Counter)
    _from: Counter[tuple[str, str]] = field(default_factory=Counter)

    def open(self, listener: str, client: str) -> str | None:
        """Count a new connection in; or the reason it is refused."""
        limits = self.limits[listener]
        if self._open[listener] >= limits.total:
            return f"talksite present: the room is full ({limits.total} connections); try later"
        if self._from[listener, client] >= limits.per_address:
            return f"talksite present: {client} has {limits.per_address} connections open already"
        self._open[listener] += 1
        self._from[listener, client] += 1
        return None

    def close(self, listener: str, client: str) -> None:
        self._open[listener] -= 1
        self._from[listener, client] -= 1
        if self._from[listener, client] <= 0:
            del self._from[listener, client]


class _LimitedH11(H11Protocol):
    """uvicorn's h11 protocol with the limits above; :func:`limited_protocol` binds a tally."""

    tally: ClassVar[_Tally]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._counted: tuple[str, str] | None = None
        self._request_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        listener = self.server[0] if self.server is not None else ""
        client = self.client[0] if self.client is not None else ""
        refusal = self.tally.open(listener, client)
        if refusal is not None:
            self._refuse(refusal)
            return
        self._counted = (listener, client)
        self._arm_request_deadline()  # a connection that never sends is closed, too

    def connection_lost(self, exc: Exception | None) -> None:
        if self._counted is not None:
            self.tally.close(*self._counted)
            self._counted = None
        self._disarm_request_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow_request()

    def _follow_request(self) -> None:
        """Keep the deadline running while a request is on its way in, and only then."""
        if self._receiving():
            self._arm_request_deadline()
        else:
            self._disarm_request_deadline()

    def _receiving(self) -> bool:
        """Whether part of a request has come and the rest has not: its headers (h11 keeps
        them buffered until they are whole) or its body."""
        state = self.conn.their_state
        return state is h11.SEND_BODY or (state is h11.IDLE and bool(self.conn.trailing_data[0]))

    def _arm_request_deadline(self) -> None:
        if self._request_deadline is None:
            self._request_deadline = self.loop.call_later(REQUEST_TIMEOUT_S, self._too_slow)

    def _disarm_request_deadline(self) -> None:
        if self._request_deadline is not None:
            self._request_deadline.cancel()
            self._request_deadline = None

    def _too_slow(self) -> None:
        self._request_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, reason: str) -> None:
        body = (reason + "\n").encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nretry-after: 60\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.transport.close()


def limited_protocol(limits: Mapping[str, ConnectionLimits]) -> type[H11Protocol]:
    """The protocol class for uvicorn's ``http`` setting: each listener (by its address)
    with its `limits`, counted together for the whole server."""
    return type("LimitedH11", (_LimitedH11,), {"tally": _Tally(limits)})


@dataclass
class AcceptErrorLog:
    """The event loop's exception handler: a refused accept is reported in one line, once
    per interval, with how many more came meanwhile; everything else as asyncio would.

    (When accept() fails with EMFILE, asyncio retries the rest of its backlog at once and
    reports each failure with a traceback: megabytes a minute in a full room.)
    """

    interval_s: float = ACCEPT_ERROR_INTERVAL_S
    _last: float | None = None
    _since: int = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != _ACCEPT_ERROR:
            loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval_s:
            self._since += 1
            return
        error = context.get("exception")
        why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        more = f" ({self._since} more since the last report)" if self._since else ""
        print(
            f"talksite: present cannot accept connections: {why}{more}; retrying",
            file=sys.stderr,
            flush=True,
        )
        self._last, self._since = now, 0
