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
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.staticfiles import StaticFiles

from talksite.present.catalog import Demo
from talksite.present.guard import Guard, Refused
from talksite.present.page import deck_page
from talksite.present.runs import Runs
from talksite.present.state import CurrentSlide, Position

__all__ = ["Presenting", "make_app"]

#: An audience stream says something this often, so that a closed page is noticed.
KEEPALIVE_S = 15.0
#: How often an audience stream looks whether presenting is stopping.
STOPPING_POLL_S = 0.2


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
    audience_url: str | None = None
    #: Set when presenting stops: open streams end, so that the server can close at once.
    stopping: threading.Event = field(default_factory=threading.Event)


def make_app(presenting: Presenting) -> Starlette:
    handlers = _Handlers(presenting)
    app = Starlette(
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=presenting.hosts)],
        exception_handlers={Refused: _refused},
    )
    app.add_route("/slides/", handlers.deck)
    app.add_route("/slides/index.html", handlers.deck)
    app.add_route("/_present/follow", handlers.follow)
    app.add_route("/_present/slide", handlers.slide, methods=["POST"])
    app.add_route("/_present/run", handlers.run, methods=["POST"])
    app.add_route("/_present/stop", handlers.stop, methods=["POST"])
    app.add_route("/_present/{name}", handlers.asset)
    app.mount("/", StaticFiles(directory=presenting.site, html=True))
    return app


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
            raise Refused(404, f"no such file: /_present/{name}")
        body = resources.files("talksite.present").joinpath("assets", name).read_bytes()
        return Response(body, media_type=kinds[name])

    async def follow(self, request: Request) -> Response:
        return StreamingResponse(
            _stream(self.p.current_slide, self.p.stopping),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    async def slide(self, request: Request) -> Response:
        self.p.guard.presenter(request)
        anchor = _known(await self.p.guard.body(request, "slide"), self.order)
        self.p.runs.stop(unless_on=anchor)  # leaving a slide ends its run
        self.p.current_slide.move(Position(anchor, self.order.index(anchor)))
        return JSONResponse({"slide": anchor})

    async def run(self, request: Request) -> Response:
        self.p.guard.presenter(request)
        anchor = _known(await self.p.guard.body(request, "slide"), self.order)
        if anchor not in self.p.demos:
            raise Refused(404, f"slide {anchor!r} shows no snippet to run")
        start = self.p.runs.start(self.p.demos[anchor])
        events = (json.dumps(event) + "\n" async for event in start)
        return StreamingResponse(events, media_type="application/x-ndjson")

    async def stop(self, request: Request) -> Response:
        self.p.guard.presenter(request)
        self.p.runs.stop()
        return JSONResponse({"stopped": True})


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return JSONResponse({"error": error.reason}, status_code=error.status)


def _known(anchor: str, order: list[str]) -> str:
    if anchor not in order:
        raise Refused(404, f"this deck has no slide {anchor!r}")
    return anchor


async def _stream(current: CurrentSlide, stopping: threading.Event) -> AsyncIterator[str]:
    """Server-sent events: the current slide at once, then each move as it happens."""
    queue = current.follow()
    quiet_s = 0.0
    try:
        while not stopping.is_set():
            try:
                position = await asyncio.wait_for(queue.get(), STOPPING_POLL_S)
            except TimeoutError:
                quiet_s += STOPPING_POLL_S
                if quiet_s >= KEEPALIVE_S:
                    quiet_s = 0.0
                    yield ": still here\n\n"
                continue
            data = {"slide": position.slide, "h": position.h, "v": position.v}
            yield f"event: slide\ndata: {json.dumps(data)}\n\n"
    finally:
        current.unfollow(queue)
