"""Snippets to checked outputs: find them, run them as a reader would, compare with the
recording.

:mod:`~talksite.snippets.model` says what a snippet is (its kind,
:mod:`~talksite.snippets.kinds`; its directives, :mod:`~talksite.snippets.directives`; its
sections, :mod:`~talksite.snippets.sections`), :mod:`~talksite.snippets.runner` runs one, :mod:`~talksite.snippets.compare` normalises and diffs, and
:mod:`~talksite.snippets.provenance` says what made a recording, and
:mod:`~talksite.snippets.check` is the one path that ``talksite run``, ``talksite record`` and
the tests share.
"""

from talksite.snippets.check import Outcome, applicability, check, record, without_root
from talksite.snippets.compare import durations, normalise, output_diff, same_output
from talksite.snippets.kinds import BUILT_IN_KINDS, DEFAULT_SETTINGS, Kind, SnippetSettings
from talksite.snippets.model import (
    DURATION_PRECISION_S,
    OUTPUT_SUFFIX,
    Directives,
    Snippet,
    SnippetError,
    discover,
    kind_of,
    load,
    parse_directives,
    read_source,
    recordings,
    snippet_files,
)
from talksite.snippets.provenance import Provenance
from talksite.snippets.runner import RunResult, run
from talksite.snippets.sections import section_lines, sections

__all__ = [
    "BUILT_IN_KINDS",
    "DEFAULT_SETTINGS",
    "DURATION_PRECISION_S",
    "OUTPUT_SUFFIX",
    "Directives",
    "Kind",
    "Outcome",
    "Provenance",
    "RunResult",
    "Snippet",
    "SnippetError",
    "SnippetSettings",
    "applicability",
    "check",
    "durations",
    "discover",
    "kind_of",
    "load",
    "normalise",
    "output_diff",
    "parse_directives",
    "read_source",
    "record",
    "recordings",
    "run",
    "same_output",
    "section_lines",
    "sections",
    "snippet_files",
    "without_root",
]
