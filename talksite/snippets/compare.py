"""Normalise a run's output (only what truly varies between runs) and compare it with the
recording. The table of what is forgiven is in ``snippets/README.md``.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from talksite.errors import SetupError
from talksite.postgres import Database
from talksite.postgres.credentials import redacted
from talksite.snippets.model import DURATION_PRECISION_S, Snippet

__all__ = ["PLACEHOLDERS", "durations", "normalise", "output_diff", "same_output"]

#: What :func:`normalise` writes in place of what varies, and what each stands for: the pages
#: explain the ones their outputs show.
PLACEHOLDERS = {
    "<port>": "the port of the PostgreSQL server the run was given",
    "<replica-port>": "the port of that server's streaming replica",
    "<database>": "the name of the throwaway database the run was given",
    "<pid>": "a process id",
}

_PID = re.compile(r"\b(pid[ =:]+)\d+", re.IGNORECASE)
_DURATION = re.compile(r"(?<![\w.])(\d+\.\d+)( ?s)\b")
_DATABASE = re.compile(r"\btalksite_[0-9a-f]{8}\b")
# An address a snippet wired itself (198.51.100.0/24, a /30 subnet for each run that goes at
# once): the same host of the first /30, so that a run in any slot prints what a lone run does.
_WIRED_ADDRESS = re.compile(r"(?<![\d.])198\.51\.100\.(\d{1,3})(?!\.?\d)")


def normalise(
    text: str, database: Database | None, *, precision: float = DURATION_PRECISION_S
) -> str:
    """Rewrite what varies between runs (on `database`, if the run had one); see the table in
    snippets/README.md."""
    text = text.replace("\r\n", "\n")
    ports: dict[int, str] = {}
    if database is not None:
        ports[_port(database.url)] = "<port>"
    if database is not None and database.replica_url is not None:
        ports[_port(database.replica_url)] = "<replica-port>"
    for port, name in ports.items():
        text = re.sub(rf"(?<![\d.]){port}(?!\d)", name, text)
    text = _DATABASE.sub("<database>", text)
    text = _WIRED_ADDRESS.sub(lambda match: f"198.51.100.{int(match[1]) % 4}", text)
    text = _PID.sub(r"\1<pid>", text)
    text = _DURATION.sub(lambda match: _round_duration(match, precision), text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def _round_duration(match: re.Match[str], precision: float) -> str:
    seconds = round(float(match.group(1)) / precision) * precision
    return f"{seconds:.1f}{match.group(2)}"


def durations(text: str) -> list[float]:
    """Every duration in seconds that `text` prints (``1.5 s``, ``t=0.5s``)."""
    return [float(match.group(1)) for match in _DURATION.finditer(text)]


def same_output(expected: str, actual: str, *, precision: float = DURATION_PRECISION_S) -> bool:
    """Whether a run printed what was recorded: every line the same, except that each
    duration may differ by one step of `precision` (a busy machine is a little late, and a
    value near a rounding edge may round either way). Anything else that differs fails."""
    expected_lines, actual_lines = expected.splitlines(), actual.splitlines()
    if len(expected_lines) != len(actual_lines):
        return False
    for recorded, fresh in zip(expected_lines, actual_lines):
        if _DURATION.sub("<duration>", recorded) != _DURATION.sub("<duration>", fresh):
            return False
        if any(
            abs(then - now) > precision + 1e-9
            for then, now in zip(durations(recorded), durations(fresh))
        ):
            return False
    return True


def _port(url: str) -> int:
    port = urlsplit(url).port
    if port is None:
        raise SetupError(
            f"the database URL names no port: {redacted(url)}; give it one, as host:port"
        )
    return port


def output_diff(snippet: Snippet, expected: str, actual: str, *, major: int | None = None) -> str:
    """A unified diff from the recording (the version's own, if it has one) to this run."""
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{snippet.recording_path_for(major).name} (recorded)",
            tofile=f"{snippet.path.name} (this run)",
        )
    )
