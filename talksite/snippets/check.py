"""The one run path: run a snippet on a fresh database, normalise its output, and compare it
with the recording. ``talksite run``, ``talksite record`` and the tests all go through
:func:`check`, so what a reader runs is what the tests check and what a recording holds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from talksite.errors import NotApplicable, Problem
from talksite.postgres import DATABASE_URL_VARIABLE, Database, Servers, default_major
from talksite.snippets import provenance
from talksite.snippets.compare import normalise, output_diff, same_output
from talksite.snippets.model import Snippet
from talksite.snippets.runner import RunResult, database_for, machine_turn, run

__all__ = ["Outcome", "check", "check_on", "record"]


@dataclass(frozen=True)
class Outcome:
    """One run of a snippet, held against its recording."""

    snippet: Snippet
    result: RunResult
    #: The run's output, normalised as the comparison sees it.
    output: str
    #: The recording, or None when the snippet has none yet.
    expected: str | None
    #: The PostgreSQL major version it ran on, and the server's full version string.
    server_major: int = 0
    server_version: str = ""

    @property
    def matches(self) -> bool:
        return (
            self.result.ok
            and self.expected is not None
            and same_output(
                self.expected, self.output, precision=self.snippet.directives.precision_s
            )
        )

    def failure(self) -> str | None:
        """Why this run does not confirm the recording, with the diff; None if it does."""
        snippet = self.snippet
        if not self.result.ok:
            return f"{snippet.id} {self.result.problem()}; its output:\n{self.output}"
        if self.expected is None:
            return (
                f"{snippet.id} has no recorded output: run `talksite record {snippet.id}`"
                f" and review {snippet.expected_path.name}"
            )
        if not self.matches:
            diff = output_diff(snippet, self.expected, self.output, major=self.server_major)
            return (
                f"{snippet.id} printed something else than recorded"
                f" (run `talksite record {snippet.id}` if the change is right):\n{diff}"
            )
        # A recording must say what made it: the page shows it under the output.
        found = provenance.read(snippet.recording_for(self.server_major))
        if isinstance(found, Problem):
            return f"{snippet.id}: {found}"
        return None


def check(snippet: Snippet, servers: Servers, *, echo: TextIO | None = None) -> Outcome:
    """Run `snippet` on a fresh database (echoing its output live to `echo`, if given).

    Raises :class:`NotApplicable` when the user's own server cannot give it what it needs.
    """
    needs = snippet.directives
    reason = servers.not_applicable(
        replica=needs.replica, settings=needs.server_settings, throwaway=needs.throwaway_server
    )
    if reason is not None:
        raise NotApplicable(
            f"{snippet.id} is not applicable on the server in {DATABASE_URL_VARIABLE}: {reason}"
        )
    # The turn covers the servers a privileged snippet gets of its own, too.
    with machine_turn(snippet), database_for(snippet, servers) as database:
        return check_on(snippet, database, echo=echo)


def check_on(
    snippet: Snippet,
    database: Database,
    *,
    echo: TextIO | None = None,
    cancel: threading.Event | None = None,
) -> Outcome:
    """Run `snippet` on `database` and compare what it printed, normalised, with its
    recording for that server's version; `cancel` ends the run early (see :func:`run`)."""
    result = run(snippet, database, echo=echo, cancel=cancel)
    output = normalise(result.output, database, precision=snippet.directives.precision_s)
    major = database.server_major
    return Outcome(
        snippet,
        result,
        output,
        snippet.expected(major),
        server_major=major,
        server_version=database.server_version,
    )


def record(outcome: Outcome) -> Path | None:
    """Write a successful run's output as the snippet's recording, with its provenance beside
    it; returns the file written.

    A run that matches the recording (durations within one step) leaves it as it is, so
    that re-recording does not churn the files; it only gives provenance to a recording that
    has none (this run printed exactly that recording).
    """
    if not outcome.result.ok:
        raise ValueError(f"{outcome.snippet.id}: a failed run is never recorded")
    made = provenance.current(outcome.server_version)
    snippet = outcome.snippet
    target = snippet.recording_for(outcome.server_major)
    if outcome.matches:
        if isinstance(provenance.read(target), provenance.Provenance):
            return None
        return provenance.write(target, made)
    if target == snippet.expected_path and outcome.server_major != default_major():
        # Another version prints something else: a recording of its own, beside the one
        # the page shows.
        target = snippet.major_path(outcome.server_major)
    target.write_text(outcome.output, encoding="utf-8")
    provenance.write(target, made)
    return target
