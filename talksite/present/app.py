"""The presenting server's routes (Starlette): the deck, its script, the audience's stream of
slide changes, and the presenter's control and run requests.

| Route                   | Who       | What                                               |
|-------------------------|-----------|----------------------------------------------------|
| GET /slides/            | anyone    | the deck; with ``?token=`` the presenter's deck    |
| GET /_present/follow    | anyone    | server-sent events: each slide the presenter shows |
| POST /_present/slide    | presenter | ``{"slide": anchor}``: the deck moved there        |
| POST /_present/run      | presenter | ``{"slide": anchor}``: run its snippet; NDJSON     |
| POST /_present/stop     | presenter | end the run, if any                                |
| GET anything else       | anyone    | the built site, as files                           |

Every path is routed as the file system would resolve it, and every response carries the
site's Content-Security-Policy (:mod:`~talksite.present.middleware`). An audience stream takes
a seat in the :class:`~talksite.present.room.Room`, or gets a 503 with the reason; it waits for
the next slide change, with a comment every :data:`KEEPALIVE_S` so that a closed page is noticed.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from talksite.present.catalog import Demo
from talksite.present.guard import Guard, Refused, quoted
from talksite.present.middleware import CanonicalPath, SecurityHeaders
from talksite.present.page import deck_page
from talksite.present.room import Room
from talksite.present.runs import Runs
from talksite.present.state import CurrentSlide, Position

__all__ = ["Presenting", "make_app"]

#: An audience stream says something this often, so that a closed page is noticed.
KEEPALIVE_S = 15.0


@dataclass
class Presenting:
    """Everything the routes share."""

    site: Path
    guard: Guard
    current_slide: CurrentSlide
    demos: Mapping[str, Demo]
    runs: Runs
    hosts: list[str]
    #: The deck's page settings: the talk's slot in seconds, the runnable slides.
    config: dict[str, Any]
    #: The audience pages following, and how many may.
    room: Room
    #: The Content-Security-Policy header of every response (talksite.policy.site_policy).
    policy: str
    audience_url: str | None = None


def make_app(presenting: Presenting) -> Starlette:
    handlers = _Handlers(presenting)
    app = Starlette(
        middleware=[
            Middleware(SecurityHeaders, policy=presenting.policy),
            Middleware(CanonicalPath),
            Middleware(TrustedHostMiddleware, allowed_hosts=presenting.hosts),
        ],
        exception_handlers={Refused: _refused},
    )
    app.add_route("/slides", _to_folder)
    app.add_route("/slides/", handlers.deck)
    app.add_route("/slides/index.html", handlers.deck)
    app.add_route("/_present/follow", handlers.follow)
    app.add_route("/_present/slide", handlers.slide, methods=["POST"])
    app.add_route("/_present/run", handlers.run, methods=["POST"])
    app.add_route("/_present/stop", handlers.stop, methods=["POST"])
    app.add_route("/_present/{name}", handlers.asset)
    app.mount("/", _SiteFiles(directory=presenting.site, html=True))
    return app


class _SiteFiles(StaticFiles):
    """The built site's files, but never the deck's page: that goes out only through the
    route that strips the notes, whichever way a path to it is spelt."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        full_path, found = super().lookup_path(path)
        deck = os.path.realpath(os.path.join(str(self.directory), "slides", "index.html"))
        if full_path and os.path.realpath(full_path) == deck:
            return "", None
        return full_path, found


class _Handlers:
    def __init__(self, presenting: Presenting) -> None:
        self.p = presenting
        self.order = list(presenting.current_slide.titles)

    async def deck(self, request: Request) -> Response:
        token = request.query_params.get("token")
        if token is not None:
            self.p.guard.local(request)
            if not self.p.guard.is_presenter(token):
                raise Refused(403, "this token is wrong: use the URL that talksite present printed")
        html = (self.p.site / "slides" / "index.html").read_text(encoding="utf-8")
        page = deck_page(
            html,
            presenter=token is not None,
            audience_url=self.p.audience_url,
            # The recordings and the slot are the presenter's; the audience needs neither.
            config=self.p.config if token is not None else {},
        )
        # No Referer from the presenter's deck: its address carries the token.
        headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
        return HTMLResponse(page, headers=headers)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        kinds = {"present.js": "text/javascript", "present.css": "text/css"}
        if name not in kinds:
            raise Refused(404, f"no such file in /_present/: {quoted(name)}")
        body = resources.files("talksite.present").joinpath("assets", name).read_bytes()
        return Response(body, media_type=kinds[name])

    async def follow(self, request: Request) -> Response:
        address = request.client.host if request.client is not None else ""
        self.p.room.enter(address)
        queue = self.p.current_slide.follow()

        def leave() -> None:
            self.p.current_slide.unfollow(queue)
            self.p.room.leave(address)

        return _Following(
            _stream(queue),
            leave=leave,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    async def slide(self, request: Request) -> Response:
        self.p.guard.presenter(request)
        anchor = _known(await self.p.guard.body(request, "slide"), self.order)
        self.p.runs.stop(unless_on=anchor)  # leaving a slide ends its run
        # Told to the audience once the presenter has the answer: in a full room, waking
        # every follower first would keep the presenter's deck waiting for all of them.
        position = Position(anchor, self.order.index(anchor))

        async def move() -> None:  # async: on the event loop, as the followers' queues are
            self.p.current_slide.move(position)

        return JSONResponse({"slide": anchor}, background=BackgroundTask(move))

    async def run(self, request: Request) -> Response:
        self.p.guard.presenter(request)
        anchor = _known(await self.p.guard.body(request, "slide"), self.order)
        if anchor not in self.p.demos:
            raise Refused(404, f"slide {quoted(anchor)} shows no snippet to run")
        start = self.p.runs.start(self.p.demos[anchor])
        events = (json.dumps(event) + "\n" async for event in start)
        return StreamingResponse(events, media_type="application/x-ndjson")

    async def stop(self, request: Request) -> Response:
        self.p.guard.presenter(request)
        self.p.runs.stop()
        return JSONResponse({"stopped": True})


async def _to_folder(request: Request) -> Response:
    """The deck's folder named without its slash, as the static files would answer it."""
    return RedirectResponse(request.url.replace(path=request.url.path + "/"))


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return JSONResponse({"error": error.reason}, status_code=error.status)


def _known(anchor: str, order: list[str]) -> str:
    if anchor not in order:
        raise Refused(404, f"this deck has no slide {quoted(anchor)}")
    return anchor


class _Following(StreamingResponse):
    """An audience stream, which gives up its seat however it ends: even if the page goes
    before the stream's first event (when its generator's own clean-up would never run)."""

    def __init__(self, *args: Any, leave: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leave = leave

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.leave()


async def _stream(queue: asyncio.Queue[Position | None]) -> AsyncIterator[str]:
    """Server-sent events: the current slide at once, then each move as it happens, until
    presenting stops (None)."""
    while True:
        try:
            async with asyncio.timeout(KEEPALIVE_S):
                position = await queue.get()
        except TimeoutError:
            yield ": still here\n\n"
            continue
        if position is None:
            return
        data = {"slide": position.slide, "h": position.h, "v": position.v}
        yield f"event: slide\ndata: {json.dumps(data)}\n\n"
