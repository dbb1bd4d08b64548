"""Where a recorded output came from: the versions that printed it, and the day.

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

The PostgreSQL version is the server's own answer (``server_version``), not the client's
library; psycopg, Django and Python are what the snippet ran with (talksite runs snippets with
its own interpreter).
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

from talksite.errors import Problem

__all__ = ["SIDECAR_SUFFIX", "Provenance", "current", "read", "sidecar", "write"]

SIDECAR_SUFFIX = ".json"


@dataclass(frozen=True)
class Provenance:
    """The versions and the day (UTC) of the run a recording holds."""

    postgresql: str
    psycopg: str
    django: str
    python: str
    recorded_on: date

    def sentence(self) -> str:
        """How the page states it, under the output."""
        return (
            f"Recorded on {self.recorded_on.isoformat()} with PostgreSQL {self.postgresql},"
            f" psycopg {self.psycopg}, Django {self.django} and Python {self.python}."
        )


def sidecar(recording: Path) -> Path:
    """The provenance file of a recording: ``name.out`` -> ``name.out.json``."""
    return recording.with_name(recording.name + SIDECAR_SUFFIX)


def current(server_version: str) -> Provenance:
    """This run's provenance, on a server that reports ``server_version``."""
    # Debian's servers say "15.14 (Debian 15.14-0+deb12u1)": the version is the first word.
    return Provenance(
        postgresql=server_version.split()[0],
        psycopg=metadata.version("psycopg"),
        django=metadata.version("django"),
        python=platform.python_version(),
        recorded_on=datetime.now(UTC).date(),
    )


def write(recording: Path, provenance: Provenance) -> Path:
    """Write the recording's sidecar; returns its path."""
    values = {**asdict(provenance), "recorded_on": provenance.recorded_on.isoformat()}
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
    keys = [spec.name for spec in fields(Provenance)]
    if not isinstance(values, dict) or sorted(values) != sorted(keys):
        found = sorted(values) if isinstance(values, dict) else type(values).__name__
        return Problem(name, 1, f"found {found}", f"expected an object with keys {keys}")
    if not all(isinstance(value, str) and value for value in values.values()):
        return Problem(name, 1, "found a value that is not text", "expected versions as text")
    try:
        day = date.fromisoformat(values["recorded_on"])
    except ValueError:
        return Problem(
            name, 1, f"recorded_on is {values['recorded_on']!r}", "expected a date as YYYY-MM-DD"
        )
    return Provenance(**{**values, "recorded_on": day})
