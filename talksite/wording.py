"""Counts in messages, with the noun's plural right: "1 server", "2 servers"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless the count is one (``plural`` if not noun + s)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
