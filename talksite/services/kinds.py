"""Services a snippet may need besides its database, as one registry: each is a
:class:`ServiceKind`, named by the directive that asks for it (``# talksite: redis``).

A kind says how to start one server of it in a private folder (its command, and the files it
writes there first), how to tell that the server is ready, which URL a run gets and in which
variable, and what version a recording's provenance names. The pool
(:mod:`~talksite.services.pool`) starts each kind once per process, as runs first need it, and
owns what it starts; nothing else in talksite knows one service from another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Instance", "ServiceKind"]


@dataclass(frozen=True)
class Instance:
    """Where one server of a kind lives: its private folder (0700: its config, log and any
    socket), its port on 127.0.0.1, and the password a client must give."""

    folder: Path
    port: int
    password: str


@dataclass(frozen=True)
class ServiceKind:
    """One kind of service in the registry."""

    #: The directive that asks for it (``redis``; ``no-redis`` drops a talk-wide default).
    name: str
    #: The variable a run gets its URL in (``REDIS_URL``).
    variable: str
    #: How a recording's provenance names its server (``valkey``).
    tool: str
    #: Writes what the server needs into the instance's folder (its config, with the
    #: password: never on a command line, which any local user can read in ``/proc``) and
    #: returns the command that starts it in the foreground.
    prepare: Callable[[Instance], list[str]]
    #: Whether the server answers (a PING, authenticated): polled until it does.
    ready: Callable[[Instance], bool]
    #: The URL for one run, number `run` of the instance: a fresh, empty space of its own.
    url_for_run: Callable[[Instance, int], str]
    #: The version of the server this kind starts, as the provenance names it.
    version: Callable[[], str]
    #: A line the server's log says when it lost a race for its port (worth another try).
    port_taken: str = "Address already in use"
