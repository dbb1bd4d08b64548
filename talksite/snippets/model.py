"""What a snippet is: its file and kind, its directives, its recording.

A snippet is ``snippets/<layer>/<name>.<ext>``, of a kind :mod:`~talksite.snippets.kinds`
knows by its extension, with its recorded output in ``<name>.out`` beside it; the contract is
written for authors in ``snippets/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from talksite.errors import Problem
from talksite.postgres.databases import Needs
from talksite.services import ServiceKind
from talksite.snippets.directives import (
    DEFAULT_TIMEOUT_S,
    DURATION_PRECISION_S,
    Directives,
    SnippetError,
    kind_of,
    parse_directives,
    read_source,
)
from talksite.snippets.kinds import DATABASE, DEFAULT_SETTINGS, Kind, SnippetSettings

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "DURATION_PRECISION_S",
    "OUTPUT_SUFFIX",
    "Directives",
    "Snippet",
    "SnippetError",
    "discover",
    "kind_of",
    "load",
    "parse_directives",
    "read_source",
    "recordings",
    "shared_recordings",
    "snippet_files",
]

OUTPUT_SUFFIX = ".out"


@dataclass(frozen=True)
class Snippet:
    path: Path
    root: Path
    directives: Directives
    kind: Kind
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
    def uses_database(self) -> bool:
        """Whether its runs get a fresh database (``DATABASE_URL``) on a server."""
        return DATABASE in self.directives.services

    @property
    def services(self) -> tuple[ServiceKind, ...]:
        """The services its runs get besides a database (``redis``: ``REDIS_URL``)."""
        return self.directives.service_kinds

    @property
    def needs(self) -> Needs:
        """What its runs need of their database servers (when :attr:`uses_database`)."""
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


def snippet_files(root: Path, settings: SnippetSettings = DEFAULT_SETTINGS) -> Iterator[Path]:
    """Every file under `root` whose kind is known, in path order: the one place that says
    which files are snippets.

    Files in folders whose name starts with ``_`` are helpers a snippet uses, not snippets,
    and so is a package's ``__init__.py``.
    """
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith("_") for part in relative.parts) or not path.is_file():
            continue
        if settings.kind_of(path) is not None:
            yield path


def discover(root: Path, settings: SnippetSettings = DEFAULT_SETTINGS) -> list[Snippet]:
    """Every snippet under `root` (see :func:`snippet_files`), in path order."""
    paths = list(snippet_files(root, settings))
    problems = shared_recordings(paths)
    if problems:
        raise SnippetError(problems)
    return [load(path, root, settings) for path in paths]


def shared_recordings(paths: list[Path]) -> list[Problem]:
    """Snippets of two kinds with one name in one folder (``ask.py``, ``ask.sql``): their
    recordings would be one file."""
    first: dict[Path, Path] = {}
    problems = []
    for path in paths:
        recording = path.with_suffix(OUTPUT_SUFFIX)
        if recording in first:
            what = f"shares its recording {recording.name} with {first[recording].name}"
            problems.append(Problem(str(path), 0, what, "expected a name of its own"))
        first.setdefault(recording, path)
    return problems


def load(path: Path, root: Path, settings: SnippetSettings = DEFAULT_SETTINGS) -> Snippet:
    kind = kind_of(path, settings)
    directives = parse_directives(path, settings)
    return Snippet(path=path, root=root, directives=directives, kind=kind)
