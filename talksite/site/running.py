"""How a reader runs a snippet, written from what the snippet declares.

Two ways, each a command to copy:

- **from a checkout**, with ``talksite run``, which starts the servers the snippet's
  directives ask for (a replica, server settings), runs it, and compares its output with the
  recording;
- **directly**, with the command its kind runs it with (``.venv/bin/python``, ``psql``,
  ``bash``, ``node`` or a kind the talk declares), against the reader's own PostgreSQL with
  ``DATABASE_URL`` (and ``REPLICA_DATABASE_URL`` for a replica) when it uses a database,
  adding ``DATABASE_IS_THROWAWAY=1`` only for a snippet that refuses to change a database
  without it. A snippet that needs a server talksite starts itself (``throwaway-server``),
  a companion program, or a service such as Redis, has only the first way.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from talksite.snippets import Directives, Kind
from talksite.snippets.kinds import DATABASE

__all__ = ["OPT_IN", "RunAdvice", "run_advice"]

#: The variable a snippet reads before it changes or ends anything (snippets/README.md).
OPT_IN = "DATABASE_IS_THROWAWAY"
#: What the kinds' commands name, as a reader types them in a checkout after `make install`.
_TOOLS = {"{python}": ".venv/bin/python", "{psql}": "psql"}
_URL = "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
_REPLICA_URL = "postgresql://USER:PASSWORD@REPLICA-HOST:PORT/DBNAME"


@dataclass(frozen=True)
class RunAdvice:
    """What a snippet's "Run it yourself" says, from its directives and its text."""

    shown: str
    kind: Kind
    directives: Directives
    #: It changes or ends things, so it asks for DATABASE_IS_THROWAWAY=1.
    destructive: bool
    clone_url: str | None = None

    def markdown(self) -> str:
        return "\n".join([*self._checkout(), *self._own_server()])

    @property
    def _uses_database(self) -> bool:
        # A kind that always has one (SQL) has it among its directives' services too.
        return DATABASE in self.directives.services

    def _started(self) -> list[str]:
        """What `talksite run` starts for the snippet, before it runs it."""
        needs = self.directives
        started = []
        if self._uses_database:
            servers = "a throwaway PostgreSQL server"
            if needs.server_settings:
                servers += " started with " + _settings(needs)
            if needs.replica:
                servers += " and a streaming replica of it"
            started.append(servers)
        started += [f"a throwaway {name} server" for name in sorted(needs.services - {DATABASE})]
        if needs.companion is not None:
            started.append(f"the program that sets its state up ({needs.companion.name})")
        return started

    def _checkout(self) -> list[str]:
        needs = self.directives
        started = self._started()
        what = "runs the snippet, prints its output and says whether it matches the recording"
        if started:
            what = f"starts {', '.join(started)}, {what}, then stops them"
        clone = (
            f"`git clone {self.clone_url}`, then " if self.clone_url else "in its folder, after "
        )
        if self.clone_url:
            clone += "`make install` in its folder"
        else:
            clone += "`make install`"
        root = " It needs root: run it as root." if needs.privileged else ""
        return [
            f"**From a checkout** of the repository ({clone}):",
            "",
            "```sh",
            f".venv/bin/talksite run {shlex.quote(self.shown)}",
            "```",
            "",
            f"It {what}.{root}",
            "",
        ]

    def _own_server(self) -> list[str]:
        needs = self.directives
        if needs.throwaway_server:
            return [
                "It cannot run **on a PostgreSQL of your own**: it needs a server that"
                " `talksite run` starts for it.",
                "",
            ]
        if needs.companion or needs.services - {DATABASE}:
            return [
                "It cannot run **on its own**: it needs the program or service that"
                " `talksite run` starts beside it.",
                "",
            ]
        database = self._uses_database
        variables = [f"DATABASE_URL={_URL}"] if database else []
        if needs.replica:
            variables.append(f"REPLICA_DATABASE_URL={_REPLICA_URL}")
        if self.destructive:
            variables.append(f"{OPT_IN}=1")
        command = " \\\n  ".join([*variables, self._direct()])
        notes = []
        if needs.replica:
            notes.append("`REPLICA_DATABASE_URL` names a streaming replica of that server.")
        if needs.server_settings:
            notes.append(f"The server must run with {_settings(needs)}.")
        if self.destructive:
            notes.append(
                f"`{OPT_IN}=1` lets it create tables and end sessions or processes there:"
                " give it a database you can lose."
            )
        if needs.privileged:
            notes.append("It needs root.")
        where = "**On a PostgreSQL of your own**" if database else "**Directly**"
        return [
            f"{where}, from the same folder:",
            "",
            "```sh",
            command,
            "```",
            "",
            *([" ".join(notes), ""] if notes else []),
        ]

    def _direct(self) -> str:
        """The kind's own command for the file, as a reader types it."""
        values = {"path": self.shown, "abspath": self.shown, "database_url": '"$DATABASE_URL"'}
        words = []
        for word in self.kind.command:
            for name, typed in _TOOLS.items():
                word = word.replace(name, typed)
            for name, value in values.items():
                word = word.replace("{" + name + "}", value)
            words.append(word if '"$' in word else shlex.quote(word))
        return " ".join(words)


def _settings(directives: Directives) -> str:
    return ", ".join(f"`{name} = {value}`" for name, value in directives.server_settings.items())


def run_advice(
    path: Path, *, shown: str, kind: Kind, directives: Directives, clone_url: str | None
) -> RunAdvice:
    """The advice for the snippet at `path`, which readers see as `shown`
    (``snippets/layer/name.py``); it is destructive when its text names :data:`OPT_IN`."""
    text = path.read_text(encoding="utf-8")
    return RunAdvice(
        shown=shown,
        kind=kind,
        directives=directives,
        destructive=OPT_IN in text,
        clone_url=clone_url,
    )
