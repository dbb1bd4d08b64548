"""What a snippet is: its file, its ``# talksite:`` directives, its sections, its recording.

A snippet is ``snippets/<layer>/<name>.py`` with its recorded output in ``<name>.out`` beside
it; the contract is written for authors in ``snippets/README.md``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from talksite.errors import ContentError, Problem
from talksite.postgres.databases import Needs

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "DURATION_PRECISION_S",
    "OUTPUT_SUFFIX",
    "Directives",
    "Snippet",
    "SnippetError",
    "discover",
    "load",
    "parse_directives",
    "read_source",
    "recordings",
    "section_lines",
    "sections",
]

DEFAULT_TIMEOUT_S = 60.0
#: Durations are rounded to this many seconds unless a snippet declares ``precision=``.
DURATION_PRECISION_S = 0.5
OUTPUT_SUFFIX = ".out"
DIRECTIVE_PREFIX = "# talksite:"
_FLAGS = {
    "replica": "replica",
    "privileged": "privileged",
    "own-slot": "own_slot",
    "throwaway-server": "throwaway_server",
}
_SECTION_MARKER = re.compile(r"--8<--\s*\[(?P<end>start|end):(?P<name>[^\]\s]+)\]")


class SnippetError(ContentError):
    """A snippet file breaks the contract; each line starts with ``path:line:``."""


@dataclass(frozen=True)
class Directives:
    """What a snippet needs from the runner, from its ``# talksite:`` header lines."""

    replica: bool = False
    privileged: bool = False
    #: Privileged, but what it changes on the machine is its own (it claims a slot, with
    #: names and addresses of its own): it runs beside other privileged runs, not in turn.
    own_slot: bool = False
    #: Needs a server talksite starts itself, not the user's (``TALKSITE_DATABASE_URL``).
    throwaway_server: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    #: Seconds the snippet deliberately waits (sleeps, timeouts): the floor of its run time.
    waits_s: float = 0.0
    #: Durations in its output are rounded to this many seconds, and compared to one step.
    precision_s: float = DURATION_PRECISION_S
    server_settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Snippet:
    path: Path
    root: Path
    directives: Directives
    #: Run on its own from outside any snippets folder (``talksite run /tmp/x.py``): its root
    #: is its own folder, and its id is its whole path.
    loose: bool = False

    @property
    def id(self) -> str:
        """The path a reader sees, relative to the folder above ``snippets/``."""
        if self.loose:
            return self.path.as_posix()
        return self.path.relative_to(self.root.parent).as_posix()

    @property
    def needs(self) -> Needs:
        """What its runs need of their servers."""
        needs = self.directives
        return Needs.of(
            replica=needs.replica,
            settings=needs.server_settings,
            own_server=needs.throwaway_server,
        )

    @property
    def recording_path(self) -> Path:
        """The recording: what the page shows, made on the default server."""
        return self.path.with_suffix(OUTPUT_SUFFIX)

    def version_recording_path(self, major: int) -> Path:
        """Where a recording for one PostgreSQL major version goes: ``name.pg15.out``."""
        return self.path.with_suffix(f".pg{major}{OUTPUT_SUFFIX}")

    def recording_path_for(self, major: int | None = None) -> Path:
        """The recording a run on PostgreSQL `major` is held against: the version's own if
        the output truly differs on it, else the one recording."""
        if major is not None and self.version_recording_path(major).exists():
            return self.version_recording_path(major)
        return self.recording_path

    def recording(self, major: int | None = None) -> str | None:
        """The text of :meth:`recording_path_for`, or None if there is no recording yet."""
        path = self.recording_path_for(major)
        return path.read_text(encoding="utf-8") if path.exists() else None


def recordings(path: Path) -> dict[int | None, Path]:
    """The snippet's recordings that exist, by the PostgreSQL major they are for: ``name.out``
    under None, then each ``name.pgN.out`` under N, in that order."""
    variant = re.compile(rf"{re.escape(path.stem)}\.pg(\d+){re.escape(OUTPUT_SUFFIX)}")
    found: dict[int | None, Path] = {}
    main = path.with_suffix(OUTPUT_SUFFIX)
    if main.is_file():
        found[None] = main
    by_major = {
        int(match[1]): candidate
        for candidate in path.parent.glob(f"{path.stem}.pg*")
        if (match := variant.fullmatch(candidate.name))
    }
    return found | dict(sorted(by_major.items()))


def discover(root: Path) -> list[Snippet]:
    """Every snippet under `root`, in path order.

    Files in folders whose name starts with ``_`` are helpers a snippet imports, not snippets.
    """
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if path.name == "__init__.py" or any(part.startswith("_") for part in relative.parts):
            continue
        found.append(load(path, root))
    return found


def load(path: Path, root: Path) -> Snippet:
    return Snippet(path=path, root=root, directives=parse_directives(path))


def read_source(path: Path) -> str:
    """A snippet's text; a file that is not readable UTF-8 text is one problem naming it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        what = f"cannot be read ({error.strerror})"
        raise SnippetError(Problem(str(path), 1, what, "expected a readable file")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        what = f"is not UTF-8 text (the byte 0x{data[error.start]:02x})"
        raise SnippetError(Problem(str(path), line, what, "expected a script")) from None


def parse_directives(path: Path) -> Directives:
    """Read the lines that start with ``# talksite:`` (by convention, at the top)."""
    values: dict[str, object] = {}
    settings: dict[str, str] = {}
    problems: list[Problem] = []
    flagged_at: dict[str, int] = {}
    for number, line in enumerate(read_source(path).splitlines(), start=1):
        if not line.startswith(DIRECTIVE_PREFIX):
            continue
        for word in line[len(DIRECTIVE_PREFIX) :].split():
            key, _, value = word.partition("=")
            if key in _FLAGS and not value:
                values[_FLAGS[key]] = True
                flagged_at[key] = number
            elif key in ("timeout", "waits", "precision") and value:
                try:
                    values[f"{key}_s"] = float(value)
                except ValueError:
                    what = f"{key} must be a number of seconds, found {value!r}"
                    problems.append(Problem(str(path), number, what, "expected for example 2.5"))
            elif key.startswith("server.") and value and len(key) > len("server."):
                settings[key.removeprefix("server.")] = value
            else:
                problems.append(
                    Problem(
                        str(path),
                        number,
                        f"unknown directive {word!r}",
                        "expected replica, privileged, own-slot, throwaway-server, timeout=SECONDS,"
                        " waits=SECONDS, precision=SECONDS or server.SETTING=VALUE",
                    )
                )
    if "own-slot" in flagged_at and "privileged" not in flagged_at:
        what = "own-slot is for privileged snippets"
        problems.append(Problem(str(path), flagged_at["own-slot"], what, "expected privileged too"))
    if problems:
        raise SnippetError(problems)
    return Directives(server_settings=settings, **values)  # type: ignore[arg-type]


def sections(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The named ``--8<-- [start:NAME]`` ... ``[end:NAME]`` regions of a file, and any
    marker that does not pair up (pymdownx.snippets would silently show too much or nothing)."""
    found: dict[str, str] = {}
    open_at: dict[str, int] = {}
    problems: list[Problem] = []
    try:
        lines = read_source(path).splitlines()
    except SnippetError as error:
        return found, error.problems
    for number, line in enumerate(lines, start=1):
        marker = _SECTION_MARKER.search(line)
        if marker is None:
            continue
        name = marker.group("name")
        if marker.group("end") == "start":
            if name in open_at or name in found:
                problems.append(Problem(str(path), number, f"section {name!r} starts twice"))
            open_at[name] = number
        elif name not in open_at:
            problems.append(
                Problem(
                    str(path), number, f"section {name!r} ends here", "expected a start before it"
                )
            )
        else:
            start = open_at.pop(name)
            body = [ln for ln in lines[start : number - 1] if not _SECTION_MARKER.search(ln)]
            found[name] = textwrap.dedent("\n".join(body))
    for name, number in open_at.items():
        problems.append(
            Problem(str(path), number, f"section {name!r} never ends", "expected an end marker")
        )
    return found, problems


def section_lines(path: Path) -> dict[str, tuple[int, int]]:
    """Where each well-formed named section of a file lies: its first and last line (from 1),
    the markers left out, as pymdownx.snippets shows it."""
    starts: dict[str, int] = {}
    found: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(read_source(path).splitlines(), start=1):
        marker = _SECTION_MARKER.search(line)
        if marker is None:
            continue
        name = marker.group("name")
        if marker.group("end") == "start":
            starts.setdefault(name, number)
        elif name in starts and name not in found:
            found[name] = (starts[name] + 1, number - 1)
    return found
