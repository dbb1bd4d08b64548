"""The presenting log: one JSON object per slide change, appended and flushed as it happens.

Each line is ``{"at": ISO 8601 UTC, "slide": the slide's anchor, "title": its title}``; the
first line is the slide shown when presenting started. ``talksite chapters`` reads it.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import TextIO

__all__ = ["PresentingLog", "default_log_path"]


def default_log_path(now: datetime.datetime | None = None) -> Path:
    """``presenting-YYYYMMDD-HHMMSS.jsonl`` in the current folder, in UTC."""
    now = now or datetime.datetime.now(datetime.UTC)
    return Path(f"presenting-{now:%Y%m%d-%H%M%S}.jsonl")


class PresentingLog:
    """Opened at the first slide shown, so that presenting that never started writes none."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None

    def write(self, slide: str, title: str) -> None:
        if self._file is None:
            self._file = self.path.open("a", encoding="utf-8")
        at = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        line = json.dumps({"at": at, "slide": slide, "title": title}, ensure_ascii=False)
        self._file.write(line + "\n")
        self._file.flush()  # a crash or Ctrl-C loses nothing already shown

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
