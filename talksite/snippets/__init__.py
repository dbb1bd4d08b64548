"""Snippets to checked outputs: find them, run them as a reader would, compare with the
recording.

:mod:`~talksite.snippets.model` says what a snippet is, :mod:`~talksite.snippets.runner`
runs one, :mod:`~talksite.snippets.compare` normalises and diffs, and
:mod:`~talksite.snippets.provenance` says what made a recording, and
:mod:`~talksite.snippets.check` is the one path that ``talksite run``, ``talksite record`` and
the tests share.
"""

from talksite.snippets.check import Outcome, applicability, check, record, without_root
from talksite.snippets.compare import durations, normalise, output_diff, same_output
from talksite.snippets.model import (
    DURATION_PRECISION_S,
    OUTPUT_SUFFIX,
    Directives,
    Snippet,
    SnippetError,
    discover,
    load,
    parse_directives,
    read_source,
    recordings,
    section_lines,
    sections,
)
from talksite.snippets.provenance import Provenance
from talksite.snippets.runner import RunResult, run

__all__ = [
    "DURATION_PRECISION_S",
    "OUTPUT_SUFFIX",
    "Directives",
    "Outcome",
    "Provenance",
    "RunResult",
    "Snippet",
    "SnippetError",
    "applicability",
    "check",
    "durations",
    "discover",
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
    "without_root",
]
