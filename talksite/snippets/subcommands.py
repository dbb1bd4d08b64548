"""``talksite run`` and ``talksite record``: one snippet run live against its recording, or
snippets run and their recordings rewritten. Statuses are the README's "Exit statuses"."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from talksite import postgres, snippets
from talksite.errors import NotApplicable, Problem
from talksite.project import Project
from talksite.services import ServicePool

__all__ = ["EXIT_TIMED_OUT", "record_command", "run_command"]

#: `talksite run`'s status for a snippet that ran out of time, as GNU timeout's.
EXIT_TIMED_OUT = 124
#: A snippet killed by signal N exits 128 + N, as a shell reports it.
_SIGNALLED = 128


def _load(
    path: Path, snippets_dir: Path | None, settings: snippets.SnippetSettings
) -> snippets.Snippet:
    """The snippet at `path`: one of the talk's if it is in `snippets_dir`, else on its own."""
    kind = snippets.kind_of(path, settings)  # an unknown kind: one line naming the path as given
    if not path.is_file():
        expected = f"expected a {kind.extension} file there"
        raise snippets.SnippetError(Problem(str(path), 0, "no such snippet", expected))
    snippets.read_source(path)  # binary or unreadable: one line naming the path as given
    path = path.resolve()
    if snippets_dir is not None and path.is_relative_to(snippets_dir.resolve()):
        return snippets.load(path, snippets_dir.resolve(), settings)
    directives = snippets.parse_directives(path, settings)
    return snippets.Snippet(
        path=path, root=path.parent, directives=directives, kind=kind, loose=True
    )


def run_command(path: Path, project: Project | None) -> int:
    """Run one snippet live; messages name it as given. Status: 0 when it prints its
    recording (or has none yet), 1 when its output differs (with the diff) or the recording
    lacks provenance, the snippet's own status when it fails, 128 + N when signal N killed it,
    :data:`EXIT_TIMED_OUT` when it ran out of time; not applicable here is 2 (main)."""
    if project is None:
        snippet = _load(path, None, snippets.DEFAULT_SETTINGS)
    else:
        snippet = _load(path, project.snippets_dir, project.snippet_settings)
    with postgres.from_environment() as databases:
        outcome = snippets.check(snippet, databases, echo=sys.stdout)
    result = outcome.result
    if not result.ok:
        print(f"talksite: {path} {result.problem()}", file=sys.stderr)
        return _failed_run_status(result)
    if outcome.recording is None:
        return 0
    if not outcome.matches:
        recorded = snippet.recording_path_for(outcome.server_major)
        print(
            f"talksite: {path} printed something else than {recorded.name}"
            f" (`talksite record {path}` if the change is right):",
            file=sys.stderr,
        )
        diff = snippets.output_diff(
            snippet, outcome.recording, outcome.output, major=outcome.server_major
        )
        sys.stderr.write(diff)
        return 1
    if (failure := outcome.failure()) is not None:
        # The output is as recorded, but the recording does not say what made it.
        print(f"talksite: {failure}", file=sys.stderr)
        return 1
    return 0


def _failed_run_status(result: snippets.RunResult) -> int:
    if result.timed_out:
        return EXIT_TIMED_OUT
    if result.returncode < 0:
        return _SIGNALLED - result.returncode
    return result.returncode or 1  # exited 0, but left processes running


def record_command(
    paths: Sequence[Path],
    root: Path,
    settings: snippets.SnippetSettings = snippets.DEFAULT_SETTINGS,
) -> int:
    """Record `paths`, or every snippet in the snippets folder `root`; status 1 if a run
    failed, else 2 if one was not applicable here."""
    if paths:
        chosen = [_load(path, root, settings) for path in paths]
    else:
        chosen = snippets.discover(root, settings)
    if not chosen:
        kinds = ", ".join(f"*{kind.extension}" for kind in settings.kinds)
        raise snippets.SnippetError(
            Problem(str(root), 1, "no snippets found", f"expected {root.name}/<layer>/ ({kinds})")
        )
    failures = not_applicable = 0
    with postgres.from_environment() as databases, ServicePool() as others:
        for snippet in chosen:
            try:
                outcome = snippets.check(snippet, databases, services=others)
            except NotApplicable as error:
                not_applicable += 1
                print(f"talksite: {error}", file=sys.stderr)
                continue
            if not outcome.result.ok:
                failures += 1
                print(f"FAILED {outcome.failure()}; not recorded")
                continue
            written = snippets.record(outcome)  # the .out, or only its provenance
            status, name = ("recorded", written.name) if written else ("unchanged", "")
            name = name or snippet.recording_path_for(outcome.server_major).name
            print(f"{status:>9} {name}  ({outcome.result.duration_s:.1f} s)")
    return 1 if failures else 2 if not_applicable else 0
