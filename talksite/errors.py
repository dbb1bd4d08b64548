"""Every error talksite raises, under one base class, so that callers catch one thing.

Two kinds matter to users:

- A **content problem** is a mistake in the talk's own files (talk.yml, slides.md, a page, a
  snippet or its recorded output). It is one line, ``path:line: what is wrong; what was
  expected``, and a build reports every one it finds before it stops.
- A **set-up error** is a missing tool or a misconfigured ``mkdocs.yml``; its message says
  how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ContentError",
    "MacroError",
    "NotApplicable",
    "Problem",
    "ServerError",
    "SetupError",
    "TalksiteError",
]


class TalksiteError(Exception):
    """Base of every error talksite raises on purpose; its message is meant for users."""


@dataclass(frozen=True)
class Problem:
    """One mistake in the talk's files, at a line a user can open."""

    source: str
    line: int
    what: str
    expected: str = ""

    def __str__(self) -> str:
        # Line 0: the problem is the file as a whole (its name, its kind), not a line in it.
        where = f"{self.source}:{self.line}" if self.line else self.source
        text = f"{where}: {self.what}"
        return f"{text}; {self.expected}" if self.expected else text


class ContentError(TalksiteError):
    """One or more content problems; the message holds one line per problem."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class MacroError(TalksiteError):
    """A page called a macro wrongly; the plugin reports it at the page's line."""

    def __init__(self, what: str, expected: str = "") -> None:
        self.what = what
        self.expected = expected
        super().__init__(f"{what}; {expected}" if expected else what)


class SetupError(TalksiteError):
    """Something talksite needs is missing or misconfigured; the message says the fix."""


class NotApplicable(TalksiteError):
    """A snippet cannot run here; the message says where and why.

    ``where`` is ``on the server in TALKSITE_DATABASE_URL`` or ``without root``; ``reason``
    says what the snippet needs. ``users_choice``: the user chose this (a server of their
    own), so a test skips by design; otherwise (no root) CI must not skip.
    """

    def __init__(
        self, where: str, reason: str, *, users_choice: bool, snippet_id: str = ""
    ) -> None:
        self.where = where
        self.reason = reason
        self.users_choice = users_choice
        self.snippet_id = snippet_id
        super().__init__(f"{snippet_id} is {self.explanation}" if snippet_id else self.explanation)

    @property
    def explanation(self) -> str:
        """``not applicable WHERE: REASON``, without the snippet."""
        return f"not applicable {self.where}: {self.reason}"

    def of(self, snippet_id: str) -> NotApplicable:
        """The same, naming the snippet."""
        return NotApplicable(
            self.where, self.reason, users_choice=self.users_choice, snippet_id=snippet_id
        )


class ServerError(TalksiteError):
    """A PostgreSQL server could not be started, or a named server could not be used."""
