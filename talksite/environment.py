"""Facts about this machine that talksite reads from the environment, all named ``TALKSITE_…``.

- ``TALKSITE_DATABASE_URL``: a PostgreSQL server of the user's own, instead of throwaway ones;
- ``TALKSITE_REPLICA_DATABASE_URL``: a streaming replica of that server;
- ``TALKSITE_POSTGRES_BINDIR``: an installed PostgreSQL's bin folder, instead of the embedded
  wheel's;
- ``TALKSITE_CHROMIUM``: the Chromium that prints the deck to PDF.

Overrides of the talk's own options are not read here: mkdocs.yml declares them with ``!ENV``
(``slides_pdf: !ENV [TALKSITE_SLIDES_PDF, false]``, ``site_url: !ENV [TALKSITE_SITE_URL, …]``),
so the file says which of its values the environment may change.

The names talksite read before, ``TALK_…``, still work: when only the old name is set, its value
is used, and a one-line notice on stderr (once per process) names the variable to set instead.
An empty variable counts as unset.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "CHROMIUM",
    "DATABASE_URL",
    "POSTGRES_BINDIR",
    "REPLICA_DATABASE_URL",
    "setting",
    "spellings",
]

DATABASE_URL = "TALKSITE_DATABASE_URL"
REPLICA_DATABASE_URL = "TALKSITE_REPLICA_DATABASE_URL"
POSTGRES_BINDIR = "TALKSITE_POSTGRES_BINDIR"
CHROMIUM = "TALKSITE_CHROMIUM"

#: The names these variables had before they all took the ``TALKSITE_`` prefix.
_OLD_NAMES = {
    DATABASE_URL: "TALK_DATABASE_URL",
    REPLICA_DATABASE_URL: "TALK_REPLICA_DATABASE_URL",
    POSTGRES_BINDIR: "TALK_POSTGRES_BINDIR",
}
_noticed: set[str] = set()


def setting(name: str) -> str | None:
    """The variable ``name``'s value, or its old name's (with a notice) if only that is set;
    None if neither is set, or set but empty."""
    value = os.environ.get(name)
    if value:
        return value
    old = _OLD_NAMES.get(name)
    value = os.environ.get(old) if old is not None else None
    if old is None or not value:
        return None
    if old not in _noticed:
        _noticed.add(old)
        print(f"talksite: {old} is deprecated; set {name}", file=sys.stderr, flush=True)
    return value


def spellings(name: str) -> tuple[str, ...]:
    """Every name the variable ``name`` is read under: itself, and its old name if it had one
    (what a child's environment must lose so that it does not see the variable)."""
    old = _OLD_NAMES.get(name)
    return (name,) if old is None else (name, old)
