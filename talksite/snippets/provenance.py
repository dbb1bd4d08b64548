"""Where a recorded output came from: the versions of what printed it, and the day.

A recording ``name.out`` (or ``name.pg15.out``) has a sidecar ``name.out.json`` beside it, so
that the ``.out`` stays exactly what the snippet printed. The sidecar is small JSON, one key a
line in a fixed order, so that a re-recording shows in a diff as the lines that changed:

.. code-block:: json

    {
      "postgresql": "18.1",
      "psycopg": "3.2.13",
      "django": "5.2.9",
      "python": "3.11.2",
      "recorded_on": "2026-12-03"
    }

It names only what the run used: the PostgreSQL server (its own answer, ``server_version``)
if the run had a database, the Python libraries a Python snippet may use beside it (psycopg,
Django), the servers of the other services it had (``valkey`` for ``redis``), and the kind's
tool with the version it reports (``python``, ``psql``, ``bash``,
``node``, or a kind the talk declares). A snippet without services names only its tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from talksite.errors import Problem

if TYPE_CHECKING:
    from talksite.snippets.model import Snippet

__all__ = ["SIDECAR_SUFFIX", "Provenance", "current", "read", "sidecar", "write"]

SIDECAR_SUFFIX = ".json"


#: How a sentence names what the keys name, where it is not the key itself.
_NAMES = {
    "postgresql": "PostgreSQL",
    "django": "Django",
    "python": "Python",
    "node": "Node.js",
    "valkey": "Valkey",
}


@dataclass(frozen=True)
class Provenance:
    """The versions (by what they are of, in the order a sentence names them) and the day
    (UTC) of the run a recording holds."""

    versions: tuple[tuple[str, str], ...]
    recorded_on: date

    def version(self, name: str) -> str | None:
        """The version of `name` (``postgresql``, ``psql``), or None if the run used none."""
        return dict(self.versions).get(name)

    def sentence(self) -> str:
        """How the page states it, under the output."""
        named = [f"{_NAMES.get(name, name)} {version}" for name, version in self.versions]
        listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
        return f"Recorded on {self.recorded_on.isoformat()} with {listed}."


def sidecar(recording: Path) -> Path:
    """The provenance file of a recording: ``name.out`` -> ``name.out.json``."""
    return recording.with_name(recording.name + SIDECAR_SUFFIX)


def current(
    snippet: Snippet, server_version: str, services: tuple[tuple[str, str], ...] = ()
) -> Provenance:
    """This run's provenance: a run of `snippet` on a server that reports `server_version`
    (empty: the run had no database), with the other `services` it had (their servers'
    names and versions)."""
    from talksite.snippets.commands import tool_version  # it imports what imports this

    versions: list[tuple[str, str]] = []
    if server_version:
        # Debian's servers say "15.14 (Debian 15.14-0+deb12u1)": the version is the first word.
        versions.append(("postgresql", server_version.split()[0]))
        versions += [(name, metadata.version(name)) for name in snippet.kind.libraries]
    versions += services
    versions.append((snippet.kind.tool, tool_version(snippet.kind)))
    return Provenance(tuple(versions), datetime.now(UTC).date())


def write(recording: Path, provenance: Provenance) -> Path:
    """Write the recording's sidecar; returns its path."""
    values = {**dict(provenance.versions), "recorded_on": provenance.recorded_on.isoformat()}
    target = sidecar(recording)
    target.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
    return target


def read(recording: Path, *, source: str | None = None) -> Provenance | Problem:
    """The recording's provenance, or the problem with it (missing, or not as written above).

    ``source`` is how the problem names the sidecar (default: its path).
    """
    path = sidecar(recording)
    name = source if source is not None else str(path)
    rerecord = "run `talksite record` on its snippet"
    if not path.is_file():
        what = f"{recording.name} has no provenance"
        return Problem(name, 1, what, f"expected {path.name} beside it: {rerecord}")
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        return Problem(name, error.lineno, f"not JSON ({error.msg})", f"expected JSON: {rerecord}")
    if not isinstance(values, dict) or "recorded_on" not in values or len(values) < 2:
        found = sorted(values) if isinstance(values, dict) else type(values).__name__
        expected = "expected an object naming versions (such as python) and recorded_on"
        return Problem(name, 1, f"found {found}", expected)
    if not all(isinstance(value, str) and value for value in values.values()):
        return Problem(name, 1, "found a value that is not text", "expected versions as text")
    try:
        day = date.fromisoformat(values["recorded_on"])
    except ValueError:
        return Problem(
            name, 1, f"recorded_on is {values['recorded_on']!r}", "expected a date as YYYY-MM-DD"
        )
    versions = tuple((key, value) for key, value in values.items() if key != "recorded_on")
    return Provenance(versions, day)
