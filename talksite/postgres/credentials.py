"""The password of a server that talksite starts: random for each server, given to the server
only as a SCRAM verifier, and kept out of what talksite prints.

The verifier is computed here (RFC 5802, as PostgreSQL stores it in ``pg_authid``), so that
the password itself never reaches the server: not its log, even with ``log_statement=all``
among a snippet's settings, and whatever ``password_encryption`` those settings choose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit, urlunsplit

__all__ = ["new_password", "redacted", "scram_verifier"]

#: PostgreSQL's own default (``scram_iterations``): a verifier costs about 2 ms to make.
SCRAM_ITERATIONS = 4096


def new_password() -> str:
    """128 random bits, in hex: nothing to escape in a URL, a conninfo string or SQL."""
    return secrets.token_hex(16)


def scram_verifier(password: str, *, iterations: int = SCRAM_ITERATIONS) -> str:
    """What ``ALTER ROLE … PASSWORD`` takes to store `password` for SCRAM-SHA-256.

    `password` must be ASCII without control characters: SASLprep leaves it as it is.
    """
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("ascii"), salt, iterations)
    stored_key = hashlib.sha256(hmac.digest(salted, b"Client Key", "sha256")).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    salt_b64, stored_b64, server_b64 = (
        base64.b64encode(part).decode("ascii") for part in (salt, stored_key, server_key)
    )
    return f"SCRAM-SHA-256${iterations}:{salt_b64}${stored_b64}:{server_b64}"


def redacted(url: str) -> str:
    """`url` with its password, if any, shown as ``***``: for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostport}"))
