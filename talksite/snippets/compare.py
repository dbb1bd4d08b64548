"""Normalise a run's output (only what truly varies between runs) and compare it with the
recording. The table of what is forgiven is in ``snippets/README.md``.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from talksite.errors import SetupError
from talksite.postgres import Database
from talksite.snippets.model import Snippet

__all__ = ["DURATION_PRECISION_S", "normalise", "output_diff"]

#: Durations are compared after rounding to this many seconds (see snippets/README.md).
DURATION_PRECISION_S = 0.5
_PID = re.compile(r"\b(pid[ =:]+)\d+", re.IGNORECASE)
_DURATION = re.compile(r"(?<![\w.])(\d+\.\d+)( ?s)\b")
_DATABASE = re.compile(r"\btalksite_[0-9a-f]{8}\b")


def normalise(text: str, database: Database) -> str:
    """Rewrite what varies between runs; see the table in snippets/README.md."""
    text = text.replace("\r\n", "\n")
    ports = {_port(database.url): "<port>"}
    if database.replica_url is not None:
        ports[_port(database.replica_url)] = "<replica-port>"
    for port, name in ports.items():
        text = re.sub(rf"(?<![\d.]){port}(?!\d)", name, text)
    text = _DATABASE.sub("<database>", text)
    text = _PID.sub(r"\1<pid>", text)
    text = _DURATION.sub(_round_duration, text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def _round_duration(match: re.Match[str]) -> str:
    seconds = round(float(match.group(1)) / DURATION_PRECISION_S) * DURATION_PRECISION_S
    return f"{seconds:.1f}{match.group(2)}"


def _port(url: str) -> int:
    port = urlsplit(url).port
    if port is None:
        raise SetupError(f"the database URL names no port: {url}; give it one, as host:port")
    return port


def output_diff(snippet: Snippet, expected: str, actual: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{snippet.expected_path.name} (recorded)",
            tofile=f"{snippet.path.name} (this run)",
        )
    )
