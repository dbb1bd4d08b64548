"""Where ``talksite present`` listens, and the uvicorn server on those sockets.

Two listeners, so that the audience cannot starve the presenter: the presenter's on
127.0.0.1 (its deck, the speaker view, the control and run requests, and a local audience),
and with ``--lan`` the audience's on the LAN address only, each with its own share of
connections (:mod:`~talksite.present.room`, :mod:`~talksite.present.connections`). A room
that fills the audience's share, or times out there, leaves the presenter's untouched.

They are bound before anything slow starts, so that a port in use is said at once. The
server closes an idle connection after :data:`KEEP_ALIVE_S`, and gives open streams
:data:`GRACE_S` to end.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType

import uvicorn

from talksite.errors import SetupError
from talksite.present.connections import (
    MAX_HEADER_BYTES,
    AcceptErrorLog,
    ConnectionLimits,
    limited_protocol,
)
from talksite.present.room import Budget

__all__ = [
    "GRACE_S",
    "KEEP_ALIVE_S",
    "LOOPBACK",
    "Listeners",
    "lan_address",
    "listen",
    "open_listeners",
    "serve",
]

LOOPBACK = "127.0.0.1"
#: Once asked to stop, open streams end at once; after this, uvicorn cuts whatever is still
#: open.
GRACE_S = 3
#: An idle connection between two requests is closed after this (uvicorn's keep-alive).
KEEP_ALIVE_S = 5


@dataclass(frozen=True)
class Listeners:
    """The presenter's listener, and the audience's with ``--lan``: each one's share of
    connections, and what a request to them may name as its origin and host."""

    sockets: list[socket.socket]
    #: The presenter's port, which the audience's listener shares.
    port: int
    limits: dict[str, ConnectionLimits]
    origins: list[str]
    hosts: list[str]
    #: Where the audience follows the deck; None: this machine only.
    audience_url: str | None

    def close(self) -> None:
        for listener in self.sockets:
            listener.close()


def open_listeners(port: int, lan: str | None, budget: Budget) -> Listeners:
    """Listen on 127.0.0.1 at `port` (0: any free one), and on `lan` at the same port."""
    presenter_listener = listen(LOOPBACK, port)
    port = presenter_listener.getsockname()[1]
    sockets = [presenter_listener]
    presenter_share = budget.presenter_connections
    limits = {LOOPBACK: ConnectionLimits(presenter_share, presenter_share)}
    origins = [f"http://{LOOPBACK}:{port}", f"http://localhost:{port}"]
    hosts = [LOOPBACK, "localhost"]
    audience_url = None
    if lan is not None:
        # The audience's listener, on the LAN address alone, at the presenter's port.
        try:
            sockets.append(listen(lan, port))
        except SetupError:
            presenter_listener.close()
            raise
        limits[lan] = ConnectionLimits(budget.audience_connections, budget.connections_per_address)
        origins.append(f"http://{lan}:{port}")
        hosts.append(lan)
        audience_url = f"http://{lan}:{port}/slides/"
    return Listeners(sockets, port, limits, origins, hosts, audience_url)


def listen(host: str, port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise SetupError(
            f"cannot listen on {host}:{port} ({error.strerror}); choose another with --port"
        ) from None
    listener.listen(128)
    return listener


def lan_address() -> str:
    """This machine's address on the network its default route leads to.

    A UDP socket's connect() only chooses a route and a source address; nothing is sent.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real peer
        except OSError:
            raise SetupError(
                "no network to find this machine's address on: give one with --lan ADDRESS,"
                " or present without --lan"
            ) from None
        return probe.getsockname()[0]


class _Server(uvicorn.Server):
    """uvicorn's server, which also ends the open streams when asked to stop, and reports a
    refused accept once per interval (:class:`AcceptErrorLog`)."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_stop = on_stop
        self.loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self.loop.set_exception_handler(AcceptErrorLog())
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # A signal handler: the streams are ended on the loop, as soon as it runs again.
        if self.loop is not None and not self.should_exit:
            self.loop.call_soon_threadsafe(self.on_stop)
        super().handle_exit(sig, frame)


def serve(
    app: object,
    listeners: list[socket.socket],
    limits: Mapping[str, ConnectionLimits],
    on_stop: Callable[[], None],
) -> None:
    """Serve `app` on `listeners` until a signal asks to stop; `on_stop` ends open streams."""
    config = uvicorn.Config(
        app,
        http=limited_protocol(limits),
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_S,
        # No proxy stands in front: a client's own X-Forwarded-For names nobody.
        proxy_headers=False,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=GRACE_S,
    )
    _Server(config, on_stop).run(sockets=listeners)
