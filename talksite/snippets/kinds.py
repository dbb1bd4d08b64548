"""Snippet kinds: which files are snippets, how each kind runs, and what a talk declares.

A snippet is any file in the snippets folder whose kind is known: by its extension, one of the
built-in kinds (Python, SQL, shell, JavaScript) or one the talk declares in mkdocs.yml's plugin
options (``snippet_kinds``). A kind says how to run a file (a command with ``{path}`` in it),
how to ask its tool for its version (for a recording's provenance), how its comments start
(directives and section markers are comments), and which Pygments lexer shows it.

What a talk declares about its snippets, kinds and the services a snippet needs unless it says
otherwise (``snippet_needs``), travels as one :class:`SnippetSettings`.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from talksite import services
from talksite.errors import Problem

__all__ = [
    "BUILT_IN_KINDS",
    "DATABASE",
    "DEFAULT_SETTINGS",
    "SERVICES",
    "Kind",
    "SnippetSettings",
    "declared_kind",
]

#: The database service: a fresh database, named by ``DATABASE_URL``.
DATABASE = "database"
#: The services a snippet may need: its database, and the registry's (:mod:`talksite.services`,
#: such as ``redis``); each is a directive, and ``no-NAME`` drops it.
SERVICES = (DATABASE, *services.REGISTRY)


@dataclass(frozen=True)
class Kind:
    """One kind of snippet. Its commands are argument lists, run in the talk's folder (the
    one above the snippets folder), in which ``{path}`` is the snippet's path from there (as
    a reader types it), ``{abspath}`` its absolute path, ``{python}`` the interpreter talksite
    runs on, ``{psql}`` the PostgreSQL client beside the servers' binaries and
    ``{database_url}`` the run's database."""

    extension: str
    #: How the kind's tool is named in a recording's provenance (``psql``, ``bash``).
    tool: str
    command: tuple[str, ...]
    version_command: tuple[str, ...]
    #: What starts a comment: directives are ``<comment> talksite: ...`` lines.
    comment: str = "#"
    #: The Pygments lexer pages and slides show it with.
    lexer: str = "text"
    #: Its runs always have a database (psql has nothing to do without one).
    always_database: bool = False
    #: Python distributions a run with a database names in its provenance beside the tool.
    libraries: tuple[str, ...] = ()
    #: Declared by the talk in mkdocs.yml, not built in.
    declared: bool = False

    @property
    def directive_prefix(self) -> str:
        return f"{self.comment} talksite:"


PYTHON = Kind(
    ".py",
    "python",
    # Absolute, as before kinds: a snippet's __file__ stays valid wherever it changes to.
    ("{python}", "{abspath}"),
    ("{python}", "--version"),
    lexer="python",
    libraries=("psycopg", "django"),
)
SQL = Kind(
    ".sql",
    "psql",
    # No psqlrc, stop at the first error (exit status 3), the file named as given so that
    # psql's messages say `psql:snippets/x.sql:3: ERROR: ...`.
    ("{psql}", "-X", "--set=ON_ERROR_STOP=1", "--file={path}", "--dbname={database_url}"),
    ("{psql}", "--version"),
    comment="--",
    lexer="postgresql",
    always_database=True,
)
SHELL = Kind(".sh", "bash", ("bash", "{path}"), ("bash", "--version"), lexer="bash")
JAVASCRIPT = Kind(
    ".mjs", "node", ("node", "{path}"), ("node", "--version"), comment="//", lexer="javascript"
)
BUILT_IN_KINDS = (PYTHON, SQL, SHELL, JAVASCRIPT)


def declared_kind(options: Mapping[str, object], index: int) -> Kind:
    """A kind from one entry of mkdocs.yml's ``snippet_kinds``; raises ValueError saying
    which field is wrong and what was expected."""
    where = f"snippet_kinds[{index}]"
    known = {"extension", "run", "version", "comment", "lexer"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}; expected {', '.join(known)}")
    values: dict[str, str] = {}
    for name in ("extension", "run", "version", "comment", "lexer"):
        value = options.get(name)
        if value is None and name in ("comment", "lexer"):
            continue
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}.{name}: expected text, found {value!r}")
        values[name] = value.strip()
    extension = values["extension"]
    if not extension.startswith(".") or len(extension) < 2 or "/" in extension:
        raise ValueError(f"{where}.extension: {extension!r}; expected one such as '.go'")
    if extension in {kind.extension for kind in BUILT_IN_KINDS} or extension == ".out":
        raise ValueError(f"{where}.extension: {extension} is built in; expected another")
    command = tuple(shlex.split(values["run"]))
    if not any("{path}" in arg or "{abspath}" in arg for arg in command):
        command += ("{path}",)
    version = tuple(shlex.split(values["version"]))
    lexer = values.get("lexer") or _lexer_for(extension)
    return Kind(
        extension,
        version[0],
        command,
        version,
        comment=values.get("comment", "#"),
        lexer=_checked_lexer(lexer, f"{where}.lexer"),
        declared=True,
    )


def _lexer_for(extension: str) -> str:
    """The lexer Pygments picks for files with `extension`, or plain text."""
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return get_lexer_for_filename(f"snippet{extension}").aliases[0]
    except ClassNotFound:
        return "text"


def _checked_lexer(name: str, where: str) -> str:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        raise ValueError(
            f"{where}: no Pygments lexer {name!r}; expected one such as 'go'"
        ) from None
    return name


@dataclass(frozen=True)
class SnippetSettings:
    """What a talk declares about its snippets: the kinds it adds to the built-in ones, the
    services it adds to the registry's (``snippet_services``), and the services a snippet
    needs unless its directives say otherwise."""

    declared: tuple[Kind, ...] = ()
    needs: frozenset[str] = frozenset({DATABASE})
    services: tuple[services.ServiceKind, ...] = ()

    @classmethod
    def of(
        cls,
        declared: Iterable[Kind] = (),
        needs: Iterable[str] = (DATABASE,),
        declared_services: Iterable[services.ServiceKind] = (),
    ) -> SnippetSettings:
        return cls(tuple(declared), frozenset(needs), tuple(declared_services))

    @property
    def service_names(self) -> tuple[str, ...]:
        """Every service a snippet may declare: the database, the registry's, the talk's."""
        return (*SERVICES, *(kind.name for kind in self.services))

    def service(self, name: str) -> services.ServiceKind | None:
        """The kind of the service `name` (None for the database, which is not one)."""
        return services.REGISTRY.get(name) or next(
            (kind for kind in self.services if kind.name == name), None
        )

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return BUILT_IN_KINDS + self.declared

    def kind_of(self, path: Path) -> Kind | None:
        """The kind of the file at `path`, or None if it is not a snippet's."""
        return next((kind for kind in self.kinds if kind.extension == path.suffix), None)

    def unknown(self, path: Path | str) -> Problem:
        """The one line for a file whose kind is not known."""
        suffix = Path(path).suffix or "(none)"
        known = ", ".join(kind.extension for kind in self.kinds)
        expected = f"expected one of {known} or a kind declared in mkdocs.yml"
        what = f"unknown snippet kind {suffix!r}"
        return Problem(str(path), 0, what, expected)


DEFAULT_SETTINGS = SnippetSettings()
