"""The one run path: run a snippet on a fresh database, normalise its output, and compare it
with the recording. ``talksite run``, ``talksite record``, ``talksite present`` and the tests
all go through :func:`check`, so what a reader runs is what the tests check, what a recording
holds and what the audience sees; they only map its outcome (a skip, a fallback to the
recording, an exit status) and never decide again whether a snippet applies.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from talksite.errors import NotApplicable, Problem
from talksite.postgres import Database, DatabaseSource, default_major
from talksite.services import ServicePool
from talksite.snippets import provenance
from talksite.snippets.compare import normalise, output_diff, same_output
from talksite.snippets.model import Snippet
from talksite.snippets.runner import RunResult, machine_turn, run

__all__ = ["Outcome", "applicability", "check", "record", "without_root"]


@dataclass(frozen=True)
class Outcome:
    """One run of a snippet, held against its recording."""

    snippet: Snippet
    result: RunResult
    #: The run's output, normalised as the comparison sees it.
    output: str
    #: The recording, or None when the snippet has none yet.
    recording: str | None
    #: The PostgreSQL major version it ran on, and the server's full version string (0 and
    #: empty for a run without a database).
    server_major: int = 0
    server_version: str = ""
    #: The other services it ran with, and their servers' versions (``("valkey", "9.1.2")``).
    service_versions: tuple[tuple[str, str], ...] = ()

    @property
    def matches(self) -> bool:
        return (
            self.result.ok
            and self.recording is not None
            and same_output(
                self.recording, self.output, precision=self.snippet.directives.precision_s
            )
        )

    def failure(self) -> str | None:
        """Why this run does not confirm the recording, with the diff; None if it does."""
        snippet = self.snippet
        if not self.result.ok:
            return f"{snippet.id} {self.result.problem()}; its output:\n{self.output}"
        if self.recording is None:
            return (
                f"{snippet.id} has no recorded output: run `talksite record {snippet.id}`"
                f" and review {snippet.recording_path.name}"
            )
        if not self.matches:
            diff = output_diff(snippet, self.recording, self.output, major=self.server_major)
            return (
                f"{snippet.id} printed something else than recorded"
                f" (run `talksite record {snippet.id}` if the change is right):\n{diff}"
            )
        # A recording must say what made it: the page shows it under the output.
        found = provenance.read(snippet.recording_path_for(self.server_major))
        if isinstance(found, Problem):
            return f"{snippet.id}: {found}"
        return None


def applicability(snippet: Snippet, databases: DatabaseSource) -> NotApplicable | None:
    """Why `snippet` cannot run here, or None if it can: the one place that decides."""
    if snippet.directives.privileged and os.geteuid() != 0:
        return without_root(snippet.id)
    if not snippet.uses_database:
        return None
    reason = databases.unavailable(snippet.needs)
    if reason is not None:
        return NotApplicable(databases.where(), reason, users_choice=True, snippet_id=snippet.id)
    return None


def without_root(subject: str) -> NotApplicable:
    """Why `subject` (a snippet, or a test marked ``privileged``) cannot run without root."""
    return NotApplicable(
        "without root",
        "it is privileged (it makes network namespaces, or other machine-wide state)",
        users_choice=False,
        snippet_id=subject,
    )


def check(
    snippet: Snippet,
    databases: DatabaseSource,
    *,
    echo: TextIO | None = None,
    cancel: threading.Event | None = None,
    timeout_s: float | None = None,
    services: ServicePool | None = None,
) -> Outcome:
    """Run `snippet` on a fresh database from `databases` (if it needs one: else no server
    is asked for anything), with the other services it declares (``redis``) from `services`
    (if not given, servers started for this run alone), and compare what it printed,
    normalised, with its recording for that server's version.

    Its output is echoed live to `echo`, if given; setting `cancel` ends the run early (see
    :func:`~talksite.snippets.runner.run`), and so does `timeout_s` (on stage), counted from
    now: the wait for the machine's turn and the database included. Raises
    :class:`NotApplicable` with the reason when the snippet cannot run here (it needs root,
    or what the user's server lacks), and :class:`~talksite.snippets.runner.TurnNotTaken`
    when it was stopped or ran out of time before its turn came.
    """
    not_applicable = applicability(snippet, databases)
    if not_applicable is not None:
        raise not_applicable
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    # The turn covers the servers a privileged snippet's run starts, too.
    with (
        machine_turn(snippet, cancel=cancel, deadline=deadline),
        _database_for(snippet, databases) as database,
        _services_for(snippet, services) as urls,
    ):
        result = run(snippet, database, echo=echo, cancel=cancel, deadline=deadline, services=urls)
    output = normalise(result.output, database, precision=snippet.directives.precision_s)
    major = database.server_major if database is not None else 0
    return Outcome(
        snippet,
        result,
        output,
        snippet.recording(major or None),
        server_major=major,
        server_version=database.server_version if database is not None else "",
        service_versions=tuple((kind.tool, kind.version()) for kind in snippet.services),
    )


@contextlib.contextmanager
def _database_for(snippet: Snippet, databases: DatabaseSource) -> Iterator[Database | None]:
    """A fresh database if the snippet needs one, else None and no server touched."""
    if not snippet.uses_database:
        yield None
        return
    with databases.database(snippet.needs) as database:
        yield database


@contextlib.contextmanager
def _services_for(snippet: Snippet, services: ServicePool | None) -> Iterator[dict[str, str]]:
    """The URLs of the other services the snippet needs, by variable; none started if it
    needs none."""
    if not snippet.services:
        yield {}
    elif services is not None:
        yield services.urls(snippet.services)
    else:
        with ServicePool() as own:
            yield own.urls(snippet.services)


def record(outcome: Outcome) -> Path | None:
    """Write a successful run's output as the snippet's recording, with its provenance beside
    it; returns the file written.

    A run that matches the recording (durations within one step) leaves it as it is, so
    that re-recording does not churn the files; it only gives provenance to a recording that
    has none (this run printed exactly that recording).
    """
    if not outcome.result.ok:
        raise ValueError(f"{outcome.snippet.id}: a failed run is never recorded")
    snippet = outcome.snippet
    made = provenance.current(snippet, outcome.server_version, outcome.service_versions)
    target = snippet.recording_path_for(outcome.server_major or None)
    if outcome.matches:
        if isinstance(provenance.read(target), provenance.Provenance):
            return None
        return provenance.write(target, made)
    major = outcome.server_major
    if target == snippet.recording_path and major and major != default_major():
        # Another version prints something else: a recording of its own, beside the one
        # the page shows.
        target = snippet.version_recording_path(major)
    target.write_text(outcome.output, encoding="utf-8")
    provenance.write(target, made)
    return target
