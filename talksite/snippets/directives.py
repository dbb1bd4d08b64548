"""A snippet's directives: the ``talksite:`` lines, written in a comment of the snippet's kind
(``# talksite: replica``, ``-- talksite: timeout=5``), that tell the runner what it needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from talksite.errors import ContentError, Problem
from talksite.services import ServiceKind
from talksite.snippets.kinds import DATABASE, DEFAULT_SETTINGS, Kind, SnippetSettings

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "DURATION_PRECISION_S",
    "Directives",
    "SnippetError",
    "kind_of",
    "parse_directives",
    "read_source",
]

DEFAULT_TIMEOUT_S = 60.0
#: Durations are rounded to this many seconds unless a snippet declares ``precision=``.
DURATION_PRECISION_S = 0.5
_FLAGS = {
    "replica": "replica",
    "privileged": "privileged",
    "own-slot": "own_slot",
    "throwaway-server": "throwaway_server",
}
#: What a database-only directive asks for; a snippet without a database cannot have it.
_DATABASE_FLAGS = ("replica", "throwaway-server")


class SnippetError(ContentError):
    """A snippet file breaks the contract; each line starts with ``path:line:`` (``path:`` for
    the file as a whole, such as its kind)."""


@dataclass(frozen=True)
class Directives:
    """What a snippet needs from the runner, from its ``talksite:`` comment lines."""

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
    #: The services its runs get (``database``, ``redis``): the talk's default, with what the
    #: snippet declares added (``redis``) or dropped (``no-database``).
    services: frozenset[str] = frozenset({DATABASE})
    #: The services among them other than the database (``redis``, a talk's own), by name.
    service_kinds: tuple[ServiceKind, ...] = ()
    #: A program (of a known kind) that sets up the state the snippet is about, on the same
    #: services: started first, until it prints ``ready``, and ended after the snippet.
    companion: Path | None = None
    companion_kind: Kind | None = None


def kind_of(path: Path, settings: SnippetSettings = DEFAULT_SETTINGS) -> Kind:
    """The kind of the snippet at `path`; an unknown extension is one line naming it."""
    kind = settings.kind_of(path)
    if kind is None:
        raise SnippetError(settings.unknown(path))
    return kind


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


def parse_directives(path: Path, settings: SnippetSettings = DEFAULT_SETTINGS) -> Directives:
    """Read the lines that start with ``talksite:`` in a comment of the snippet's kind
    (``# talksite:``, ``-- talksite:``; by convention, at the top)."""
    kind = kind_of(path, settings)
    values: dict[str, object] = {}
    settings_of_server: dict[str, str] = {}
    problems: list[Problem] = []
    flagged_at: dict[str, int] = {}
    services: dict[str, bool] = {}
    prefix = kind.directive_prefix
    for number, line in enumerate(read_source(path).splitlines(), start=1):
        if not line.startswith(prefix):
            continue
        for word in line[len(prefix) :].split():
            key, _, value = word.partition("=")
            if key in _FLAGS and not value:
                values[_FLAGS[key]] = True
                flagged_at[key] = number
            elif key.removeprefix("no-") in settings.service_names and not value:
                services[key.removeprefix("no-")] = not key.startswith("no-")
                flagged_at[key] = number
            elif key in ("timeout", "waits", "precision") and value:
                try:
                    values[f"{key}_s"] = float(value)
                except ValueError:
                    what = f"{key} must be a number of seconds, found {value!r}"
                    problems.append(Problem(str(path), number, what, "expected for example 2.5"))
            elif key == "companion" and value:
                found = _companion(path, value, settings)
                values["companion"], values["companion_kind"] = found if found else (None, None)
                problems += [] if found else [_no_companion(path, number, value, settings)]
            elif key.startswith("server.") and value and len(key) > len("server."):
                settings_of_server[key.removeprefix("server.")] = value
                flagged_at[key] = number
            else:
                problems.append(_unknown_directive(path, number, word, settings))
    chosen = _services(settings.needs, services, kind)
    problems += _conflicts(path, kind, chosen, flagged_at)
    if problems:
        raise SnippetError(problems)
    service_kinds = tuple(
        kind for name in sorted(chosen) if (kind := settings.service(name)) is not None
    )
    return Directives(
        server_settings=settings_of_server,
        services=chosen,
        service_kinds=service_kinds,
        **values,  # type: ignore[arg-type]
    )


def _companion(path: Path, value: str, settings: SnippetSettings) -> tuple[Path, Kind] | None:
    companion = (path.parent / value).resolve()
    kind = settings.kind_of(companion)
    return (companion, kind) if companion.is_file() and kind is not None else None


def _no_companion(path: Path, number: int, value: str, settings: SnippetSettings) -> Problem:
    what = f"companion={value}: no such file beside the snippet"
    if (path.parent / value).is_file():
        what = f"companion={value}: {settings.unknown(value).what}"
    return Problem(str(path), number, what, "expected a program of a known kind, such as _x.py")


def _unknown_directive(path: Path, number: int, word: str, settings: SnippetSettings) -> Problem:
    services = ", ".join(f"{name}, no-{name}" for name in settings.service_names)
    return Problem(
        str(path),
        number,
        f"unknown directive {word!r}",
        f"expected {services}, replica, privileged, own-slot, throwaway-server,"
        " timeout=SECONDS, waits=SECONDS, precision=SECONDS, companion=PATH"
        " or server.SETTING=VALUE",
    )


def _services(default: frozenset[str], declared: dict[str, bool], kind: Kind) -> frozenset[str]:
    chosen = {name for name in default if declared.get(name, True)}
    chosen |= {name for name, wanted in declared.items() if wanted}
    if kind.always_database:
        chosen.add(DATABASE)
    return frozenset(chosen)


def _conflicts(
    path: Path, kind: Kind, services: frozenset[str], flagged_at: dict[str, int]
) -> list[Problem]:
    """Directives that contradict each other, or the snippet's kind."""
    problems = []
    if "own-slot" in flagged_at and "privileged" not in flagged_at:
        what = "own-slot is for privileged snippets"
        problems.append(Problem(str(path), flagged_at["own-slot"], what, "expected privileged too"))
    if kind.always_database and f"no-{DATABASE}" in flagged_at:
        what = f"a {kind.extension} snippet always runs against a database"
        problems.append(
            Problem(str(path), flagged_at[f"no-{DATABASE}"], what, "expected no no-database")
        )
    elif DATABASE not in services:
        for key, number in flagged_at.items():
            if key in _DATABASE_FLAGS or key.startswith("server."):
                what = f"{key} needs a database, and the snippet has none"
                problems.append(
                    Problem(str(path), number, what, "expected the database directive with it")
                )
    return problems
