"""The ``snippet()`` macro: a snippet's code (highlighted by its kind's Pygments lexer), and its
recorded output (with what made it, in small print). Under the code,
:mod:`talksite.site.excerpts` adds the whole file and how to run it, as it does for every
snippet a page shows.

The macro writes ``--8<--`` include lines rather than the code itself, so that
pymdownx.snippets (with ``check_paths: true``) reads the files at build time and the page can
never drift from the file the tests run. :mod:`talksite.site.content` has already checked
that the file, the section and the recording exist, for every call it could read.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from talksite.errors import MacroError, Problem
from talksite.snippets import (
    DEFAULT_SETTINGS,
    OUTPUT_SUFFIX,
    SnippetSettings,
    durations,
    parse_directives,
    provenance,
    recordings,
)
from talksite.snippets.kinds import DATABASE

__all__ = ["render_snippet"]


def render_snippet(
    path: str,
    section: str | None = None,
    *,
    snippets_dir: Path,
    folder: str,
    verified_on: Sequence[int] = (),
    settings: SnippetSettings = DEFAULT_SETTINGS,
) -> str:
    """Markdown for one snippet section and its recorded output.

    `folder` is the snippets folder as readers see it (``snippets``); `verified_on`, the
    PostgreSQL major versions every test run checks it on (for a snippet with a database);
    `settings`, the kinds the talk declares.
    """
    source = snippets_dir / path
    kind = settings.kind_of(source)
    if kind is None:
        unknown = settings.unknown(path)
        raise MacroError(f"snippet({path!r}): {unknown.what}", unknown.expected)
    if not source.is_file():
        raise MacroError(f"snippet({path!r}): no such snippet", f"expected {folder}/{path}")
    if not source.with_suffix(OUTPUT_SUFFIX).is_file():
        raise MacroError(
            f"snippet({path!r}): no recorded output",
            f"expected one beside it: run `talksite record {folder}/{path}`",
        )
    directives = parse_directives(source, settings)
    notes = _precision_note(source, directives.precision_s)
    if DATABASE in directives.services:
        notes += _versions_note(verified_on)
    include = f"{path}:{section}" if section else path
    output_include = Path(path).with_suffix(OUTPUT_SUFFIX).as_posix()
    shown = f"{folder}/{path}"
    return "\n".join(
        [
            "",
            f'```{kind.lexer} title="{shown}"',
            f'--8<-- "{include}"',
            "```",
            "",
            '```text title="Output"',
            f'--8<-- "{output_include}"',
            "```",
            "",
            *_provenance_note(source.with_suffix(OUTPUT_SUFFIX)),
            *_version_outputs(source, path),
            *notes,
        ]
    )


def _precision_note(source: Path, step: float) -> list[str]:
    """Under an output that prints durations: how the tests compare them."""
    recorded = source.with_suffix(OUTPUT_SUFFIX).read_text(encoding="utf-8")
    if not durations(recorded):
        return []
    return [
        f'<p class="snippet-precision">Times are rounded to {step:g} s; a fresh run may'
        " differ by one step, and the tests allow that, nothing more.</p>",
        "",
    ]


def _versions_note(majors: Sequence[int]) -> list[str]:
    if not majors:
        return []
    names = " and ".join(f"PostgreSQL {major}" for major in majors)
    return [f'<p class="snippet-versions">Checked on {names} by every test run.</p>', ""]


def _provenance_note(recording: Path) -> list[str]:
    """Small print under an output: the versions that printed it, and the day."""
    made = provenance.read(recording)
    if isinstance(made, Problem):  # the content check lists it; the build has stopped
        raise MacroError(made.what, made.expected)
    return [f'<p class="snippet-provenance">{html.escape(made.sentence())}</p>', ""]


def _version_outputs(source: Path, path: str) -> list[str]:
    """The output on other major versions, where it differs from the recording above."""
    blocks = []
    for major, recording in recordings(source).items():
        if major is None:
            continue  # the recording above
        include = (Path(path).parent / recording.name).as_posix()
        title = f"Output on PostgreSQL {major}"
        blocks += [f'```text title="{title}"', f'--8<-- "{include}"', "```", ""]
        blocks += _provenance_note(recording)
    return blocks
