"""What every request and response of present goes through, ahead of the routes.

- :class:`CanonicalPath`: the path is routed as the file system would resolve it
  (``/slides/./index.html``, ``//slides/``, ``/x/../slides/``, percent-encoded dots and
  slashes: all ``/slides/index.html`` or ``/slides/``), so that no spelling of the deck's
  path reaches the static files past the route that strips its notes.
- :class:`SecurityHeaders`: every response says who may frame it and run scripts in it
  (:mod:`talksite.policy`), and that its type is not to be guessed.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CanonicalPath", "SecurityHeaders", "canonical"]

_SLASHES = re.compile(r"/{2,}")


def canonical(path: str) -> str:
    """`path` (already percent-decoded) with dot segments resolved and slashes single; a
    trailing slash stays, as it names a folder's index."""
    folded = posixpath.normpath("/" + _SLASHES.sub("/", path))
    folded = _SLASHES.sub("/", folded)  # normpath keeps a leading "//"
    if path.endswith(("/", "/.", "/..")) and folded != "/":
        folded += "/"
    return folded


class CanonicalPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = canonical(scope["path"])
            if path != scope["path"]:
                scope = {**scope, "path": path, "raw_path": quote(path).encode("ascii")}
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, policy: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy.encode("ascii")),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"x-content-type-options", b"nosniff"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, with_headers)
