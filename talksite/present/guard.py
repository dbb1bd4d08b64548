"""Who may do what: the token holder steers and runs; everyone else may only follow.

- The token is printed at start and compared in constant time.
- Control and run requests are POSTs that carry it in a header (``X-Talksite-Token``), never
  a cookie, so a page from elsewhere cannot make the presenter's browser send it; a custom
  header and a JSON body also force a CORS preflight, which this server never grants.
- They come from this machine only (the presenter's URL is on 127.0.0.1): with ``--lan``,
  a token seen on the network would still steer nothing.
- Their ``Origin`` (when the browser sends one) must be this server. (Every request's
  ``Host`` must be an address the server serves under: Starlette's TrustedHostMiddleware, so
  a rebound DNS name gets nowhere.)
- Their bodies are small JSON: over :data:`MAX_BODY_BYTES` is a 413, read no further; nested
  deeper than :data:`MAX_JSON_DEPTH` is a 400, refused before the parser recurses. What a
  refusal quotes of a request is cut to :data:`QUOTED_CHARS` (:func:`quoted`).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_JSON_DEPTH",
    "TOKEN_HEADER",
    "Guard",
    "Refused",
    "new_token",
    "quoted",
]

TOKEN_HEADER = "X-Talksite-Token"
#: A control or run request is ``{"slide": anchor}``: a few dozen bytes.
MAX_BODY_BYTES = 64 * 1024
#: ``{"slide": ...}`` is one level deep; anything much deeper is not a request of ours.
MAX_JSON_DEPTH = 16
#: How much of a value from a request a refusal quotes.
QUOTED_CHARS = 60


class Refused(Exception):
    """A request the server turns down, with its HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Guard:
    token: str
    #: ``http://host:port`` as browsers name this server: 127.0.0.1's, and the LAN address's.
    origins: Collection[str]

    def is_presenter(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def local(self, request: Request) -> None:
        """Refuse a request from another machine."""
        client = request.client.host if request.client is not None else ""
        if not ipaddress.ip_address(client or "0.0.0.0").is_loopback:
            raise Refused(403, "only the presenter's machine may steer the deck or run demos")

    def presenter(self, request: Request) -> None:
        """Refuse anything but the token holder's own deck."""
        self.local(request)
        origin = request.headers.get("origin")
        if origin is not None and origin not in self.origins:
            raise Refused(403, f"requests from {quoted(origin)} may not steer the deck")
        if not self.is_presenter(request.headers.get(TOKEN_HEADER)):
            raise Refused(
                403,
                f"only the presenter may do this: the {TOKEN_HEADER} header is missing or wrong",
            )

    async def body(self, request: Request, key: str) -> str:
        """The string `key` of a JSON object body."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise Refused(415, "expected a JSON body (Content-Type: application/json)")
        text = await _read_capped(request)
        if _depth(text) > MAX_JSON_DEPTH:
            raise Refused(400, f"the body nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            data: Any = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "the body is not valid JSON") from None
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, str):
            raise Refused(
                400, f'expected a JSON object with a string "{key}", as {{"{key}": "id"}}'
            )
        return value


def quoted(value: str) -> str:
    """`value` as a refusal quotes it: repr, cut to :data:`QUOTED_CHARS` characters."""
    if len(value) <= QUOTED_CHARS:
        return repr(value)
    return repr(value[:QUOTED_CHARS]) + f"… ({len(value)} characters)"


async def _read_capped(request: Request) -> bytes:
    """The body, refused with a 413 as soon as it is known to exceed the cap: by its
    Content-Length before reading, or by what has come when it has none."""
    too_large = Refused(413, f"the body is larger than {MAX_BODY_BYTES // 1024} KiB")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise too_large
    return bytes(body)


def _depth(text: bytes) -> int:
    """How deeply JSON `text` nests arrays and objects (brackets inside strings aside); the
    parser itself would recurse once per level, and a deep enough body overflows it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest
