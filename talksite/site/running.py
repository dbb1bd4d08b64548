"""How a reader runs a snippet, written from what the snippet declares.

Two ways, each a command to copy:

- **from a checkout**, with ``talksite run``, which starts the servers the snippet's
  directives ask for (a replica, server settings), runs it, and compares its output with the
  recording;
- **against the reader's own PostgreSQL**, with ``DATABASE_URL`` (and ``REPLICA_DATABASE_URL``
  for a replica), adding ``DATABASE_IS_THROWAWAY=1`` only for a snippet that refuses to
  change a database without it. A snippet that needs a server talksite starts itself
  (``throwaway-server``) has only the first way.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from talksite.snippets import Directives

__all__ = ["OPT_IN", "RunAdvice", "run_advice"]

#: The variable a snippet reads before it changes or ends anything (snippets/README.md).
OPT_IN = "DATABASE_IS_THROWAWAY"
#: What runs a snippet's file directly, from a checkout, by its suffix. Kinds not named here
#: are run the one way that knows every kind: ``talksite run``.
_INTERPRETERS = {".py": ".venv/bin/python"}
_URL = "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
_REPLICA_URL = "postgresql://USER:PASSWORD@REPLICA-HOST:PORT/DBNAME"


@dataclass(frozen=True)
class RunAdvice:
    """What a snippet's "Run it yourself" says, from its directives and its text."""

    shown: str
    directives: Directives
    #: It changes or ends things, so it asks for DATABASE_IS_THROWAWAY=1.
    destructive: bool
    clone_url: str | None = None

    def markdown(self) -> str:
        return "\n".join([*self._checkout(), *self._own_server()])

    def _checkout(self) -> list[str]:
        needs = self.directives
        servers = "a throwaway PostgreSQL server"
        if needs.server_settings:
            servers += " started with " + _settings(needs)
        if needs.replica:
            servers += " and a streaming replica of it"
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
            f"It starts {servers}, runs the snippet, prints its output and says whether it"
            f" matches the recording, then removes the servers.{root}",
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
        interpreter = _INTERPRETERS.get(Path(self.shown).suffix)
        if interpreter is None:
            return []
        variables = [f"DATABASE_URL={_URL}"]
        if needs.replica:
            variables.append(f"REPLICA_DATABASE_URL={_REPLICA_URL}")
        if self.destructive:
            variables.append(f"{OPT_IN}=1")
        command = " \\\n  ".join([*variables, f"{interpreter} {shlex.quote(self.shown)}"])
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
        return [
            "**On a PostgreSQL of your own**, from the same folder:",
            "",
            "```sh",
            command,
            "```",
            "",
            *([" ".join(notes), ""] if notes else []),
        ]


def _settings(directives: Directives) -> str:
    return ", ".join(f"`{name} = {value}`" for name, value in directives.server_settings.items())


def run_advice(
    path: Path, *, shown: str, directives: Directives, clone_url: str | None
) -> RunAdvice:
    """The advice for the snippet at `path`, which readers see as `shown`
    (``snippets/layer/name.py``); it is destructive when its text names :data:`OPT_IN`."""
    text = path.read_text(encoding="utf-8")
    return RunAdvice(
        shown=shown, directives=directives, destructive=OPT_IN in text, clone_url=clone_url
    )
