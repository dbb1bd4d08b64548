"""The presenting log's format, written and read in this one place: JSON Lines, one object per
slide change, appended and flushed as it happens::

    {"at": "2026-12-03T14:35:02.120+00:00", "slide": "title", "title": "The talk's title"}

``at`` is an ISO 8601 time in UTC, ``slide`` the slide's anchor, ``title`` its title; the
first line is the slide shown when presenting started. ``talksite present`` writes it
(:class:`PresentingLog`), ``talksite chapters`` reads it (:func:`read_log`); every problem
reading it names the file and the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from talksite.errors import ContentError, Problem

__all__ = ["LogEntry", "LogError", "PresentingLog", "default_log_path", "read_log"]

_FIELDS = ("at", "slide", "title")
_ISO = "an ISO 8601 time with its UTC offset, such as 2026-12-03T14:35:02.120+00:00"


def default_log_path(now: datetime | None = None) -> Path:
    """``presenting-YYYYMMDD-HHMMSS.jsonl`` in the current folder, in UTC."""
    now = now or datetime.now(UTC)
    return Path(f"presenting-{now:%Y%m%d-%H%M%S}.jsonl")


class PresentingLog:
    """Opened at the first slide shown, so that presenting that never started writes none."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None

    def write(self, slide: str, title: str) -> None:
        if self._file is None:
            self._file = self.path.open("a", encoding="utf-8")
        at = datetime.now(UTC).isoformat(timespec="milliseconds")
        line = json.dumps({"at": at, "slide": slide, "title": title}, ensure_ascii=False)
        self._file.write(line + "\n")
        self._file.flush()  # a crash or Ctrl-C loses nothing already shown

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class LogError(ContentError):
    """The presenting log cannot be read as one; the message names its file and line."""


@dataclass(frozen=True)
class LogEntry:
    """One slide change: when, which slide (its id) and the slide's title."""

    at: datetime
    slide: str
    title: str
    line: int


def read_log(path: Path, *, source: str | None = None) -> list[LogEntry]:
    """Every slide change in the log, in order; ``source`` is how errors name the file."""
    name = source if source is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise LogError(Problem(name, 1, "no such file", "expected a presenting log")) from None
    except UnicodeDecodeError:
        raise LogError(Problem(name, 1, "not UTF-8 text", "expected JSON Lines")) from None
    entries: list[LogEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue  # a blank line (a final newline, say) holds no slide change
        entry = _entry(line, Problem(name, number, ""))
        if entries and entry.at < entries[-1].at:
            raise LogError(
                Problem(
                    name,
                    number,
                    f"{entry.at.isoformat()} is before the line above ({entries[-1].at.isoformat()})",
                    "expected times that never go backwards",
                )
            )
        entries.append(entry)
    if not entries:
        raise LogError(
            Problem(
                name, 1, "the log is empty", "expected one JSON object a line, a slide change each"
            )
        )
    return entries


def _entry(line: str, where: Problem) -> LogEntry:
    def fail(what: str, expected: str) -> LogError:
        return LogError(Problem(where.source, where.line, what, expected))

    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise fail(f"not JSON ({error.msg})", "expected one JSON object a line") from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise fail("JSON nested too deep to read", "expected one JSON object a line") from None
    if not isinstance(value, dict):
        raise fail(f"found {type(value).__name__}", 'expected an object {"at", "slide", "title"}')
    missing = [key for key in _FIELDS if key not in value]
    if missing:
        raise fail(f"no {', '.join(missing)}", f"expected the keys {', '.join(_FIELDS)}")
    for key in _FIELDS:
        if not isinstance(value[key], str) or not value[key].strip():
            raise fail(f"{key} is {value[key]!r}", "expected text")
    try:
        at = datetime.fromisoformat(value["at"])
    except ValueError:
        raise fail(f"at is {value['at']!r}", f"expected {_ISO}") from None
    if at.utcoffset() is None:
        raise fail(f"at is {value['at']!r}, with no UTC offset", f"expected {_ISO}")
    return LogEntry(at=at, slide=value["slide"], title=value["title"].strip(), line=where.line)
