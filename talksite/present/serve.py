"""``talksite present``: build (or take) the site, warm the demos' servers, serve the deck.

Ctrl-C (or SIGTERM) leaves nothing behind: uvicorn stops serving and passes the signal on,
which unwinds through the clean-up of the run (its session's processes), the servers (their
databases and data) and the built site, as ``talksite run`` does
(:mod:`talksite.processes.interrupt`).

Two listeners, so that the audience cannot starve the presenter: the presenter's on
127.0.0.1 (its deck, the speaker view, the control and run requests, and a local audience),
and with ``--lan`` the audience's on the LAN address only, each with its own share of
connections (:mod:`~talksite.present.room`, :mod:`~talksite.present.connections`). A room
that fills the audience's share, or times out there, leaves the presenter's untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from talksite import postgres
from talksite.errors import SetupError
from talksite.policy import site_policy
from talksite.present.app import Presenting, make_app
from talksite.present.catalog import Demo
from talksite.present.connections import (
    MAX_HEADER_BYTES,
    AcceptErrorLog,
    ConnectionLimits,
    limited_protocol,
)
from talksite.present.guard import Guard, new_token
from talksite.present.room import Budget, Room, raise_open_files
from talksite.present.runs import Runs
from talksite.present.sources import read_sources
from talksite.present.state import CurrentSlide
from talksite.presenting_log import PresentingLog, default_log_path
from talksite.processes import interrupt
from talksite.project import Project
from talksite.snippets import applicability

__all__ = ["DEFAULT_PORT", "PresentSettings", "lan_address", "present"]

DEFAULT_PORT = 8400
LOOPBACK = "127.0.0.1"
#: Once asked to stop, open streams end at once; after this, uvicorn cuts whatever is still
#: open.
GRACE_S = 3
#: An idle connection between two requests is closed after this (uvicorn's keep-alive).
KEEP_ALIVE_S = 5


@dataclass(frozen=True)
class PresentSettings:
    """What ``talksite present`` was asked for: which talk, and how to serve it."""

    project: Project
    #: A built site to serve; None: build one for this session.
    site: Path | None
    port: int
    #: The address the audience reaches us at; None: this machine only.
    lan: str | None
    log: Path | None


def present(settings: PresentSettings) -> int:
    if settings.site is not None and not (settings.site / "slides" / "index.html").is_file():
        raise SetupError(
            f"{settings.site}: not a built site (no slides/index.html); run `talksite build`"
        )
    sources = read_sources(settings.project)
    budget = Budget(raise_open_files())
    presenter_listener = _listen(LOOPBACK, settings.port)
    port = presenter_listener.getsockname()[1]
    listeners = [presenter_listener]
    presenter_share = budget.presenter_connections
    limits = {LOOPBACK: ConnectionLimits(presenter_share, presenter_share)}
    origins = [f"http://{LOOPBACK}:{port}", f"http://localhost:{port}"]
    hosts = [LOOPBACK, "localhost"]
    audience_url = None
    if settings.lan is not None:
        # The audience's listener, on the LAN address alone, at the presenter's port.
        try:
            listeners.append(_listen(settings.lan, port))
        except SetupError:
            presenter_listener.close()
            raise
        limits[settings.lan] = ConnectionLimits(
            budget.audience_connections, budget.connections_per_address
        )
        origins.append(f"http://{settings.lan}:{port}")
        hosts.append(settings.lan)
        audience_url = f"http://{settings.lan}:{port}/slides/"
    log = PresentingLog(settings.log or default_log_path())
    try:
        with _site(settings) as site, postgres.from_environment() as databases:
            _warm(databases, sources.demos)
            token = new_token()
            stopping = threading.Event()
            runs = Runs(databases, stopping)
            current_slide = CurrentSlide({s.anchor: s.title for s in sources.slides}, log)
            presenting = Presenting(
                site=site,
                guard=Guard(token, origins),
                current_slide=current_slide,
                demos=sources.demos,
                runs=runs,
                hosts=hosts,
                config={"totalTime": sources.slot_s, "demos": _page_demos(sources.demos)},
                room=Room(budget.followers),
                policy=site_policy(site),
                audience_url=audience_url,
            )
            _say(f"presenter: http://{LOOPBACK}:{port}/slides/?token={token}")
            if audience_url is not None:
                _say(f"audience:  {audience_url}")
                _say(
                    f"room: up to {budget.followers} audience pages"
                    f" ({budget.open_files} open files)"
                )
            _say(f"log: {log.path}")

            def stop() -> None:
                stopping.set()  # ends the live run's stream
                current_slide.close()  # ends the audience's streams

            try:
                _serve(make_app(presenting), listeners, limits, stop)
            finally:
                runs.close()
    finally:
        log.close()
        for listener in listeners:
            listener.close()
    return 0


def _warm(databases: postgres.DatabaseSource, demos: Mapping[str, Demo]) -> None:
    """Start the servers the demos will run on now, so that none waits for one on stage;
    only for what can run here: a demo that is not applicable shows its recording."""
    started = time.monotonic()
    runnable = [
        demo.snippet for demo in demos.values() if applicability(demo.snippet, databases) is None
    ]
    count = databases.warm(snippet.needs for snippet in runnable)
    took = time.monotonic() - started
    _say(f"warmed {count} servers for {len(demos)} demos in {took:.1f} s")


def _page_demos(demos: Mapping[str, Demo]) -> dict[str, dict[str, Any]]:
    """What the presenter's deck knows of each demo: enough to fall back without asking."""
    return {
        slide: {
            "snippet": demo.snippet.id,
            "recordedOn": demo.recorded_on,
            "recording": demo.recording.splitlines(),
        }
        for slide, demo in demos.items()
    }


def _say(line: str) -> None:
    print(f"talksite: {line}", flush=True)


def _listen(host: str, port: int) -> socket.socket:
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


def _serve(
    app: object,
    listeners: list[socket.socket],
    limits: Mapping[str, ConnectionLimits],
    on_stop: Callable[[], None],
) -> None:
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


@contextlib.contextmanager
def _site(settings: PresentSettings) -> Iterator[Path]:
    """The built site: the one given, or a fresh strict build removed afterwards."""
    if settings.site is not None:
        yield settings.site.resolve()
        return
    from talksite.site.build import build_site

    # Named after this process, so that a check for leftovers can find it.
    building = Path(tempfile.mkdtemp(prefix=f"talksite-present-{os.getpid()}-"))
    interrupt.register_folder(building)  # removed even if an interrupted clean-up overruns
    try:
        _say("building the site")
        build_site(settings.project.config_file, building / "site")
        yield building / "site"
    finally:
        shutil.rmtree(building, ignore_errors=True)
        interrupt.forget_folder(building)


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
