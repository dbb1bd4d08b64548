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

__all__ = ["TOKEN_HEADER", "Guard", "Refused", "new_token"]

TOKEN_HEADER = "X-Talksite-Token"


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
            raise Refused(403, f"requests from {origin} may not steer the deck")
        if not self.is_presenter(request.headers.get(TOKEN_HEADER)):
            raise Refused(
                403,
                f"only the presenter may do this: the {TOKEN_HEADER} header is missing or wrong",
            )

    async def body(self, request: Request, key: str) -> str:
        """The string `key` of a JSON object body."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise Refused(415, "expected a JSON body (Content-Type: application/json)")
        try:
            data: Any = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "the body is not valid JSON") from None
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, str):
            raise Refused(
                400, f'expected a JSON object with a string "{key}", as {{"{key}": "id"}}'
            )
        return value
