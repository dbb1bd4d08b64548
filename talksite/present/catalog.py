"""What the deck offers to run: each slide that shows a snippet, and its verified recording.

A slide shows a snippet when it includes the snippet's code (``--8<-- "layer/name.sql:part"``)
or its recorded output (``--8<-- "layer/name.out"``), read as the build reads includes
(:mod:`talksite.references`). Run requests name a slide; the snippet
is looked up here, so a request can never name a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from talksite import snippets
from talksite.deck import Slide
from talksite.errors import ContentError, Problem
from talksite.references import Include, read_references
from talksite.snippets import DEFAULT_SETTINGS, Snippet, SnippetSettings, provenance

__all__ = ["Demo", "demos", "recorded_on"]


@dataclass(frozen=True)
class Demo:
    """A slide's snippet, and the recording the slide falls back to."""

    slide: str
    snippet: Snippet
    recording: str
    recorded_on: str


def demos(
    slides: Sequence[Slide], snippets_root: Path, settings: SnippetSettings = DEFAULT_SETTINGS
) -> dict[str, Demo]:
    """The runnable slides, by the anchor reveal.js names them with (``#/anchor``)."""
    # An include of either the snippet's file or its recording names the snippet.
    known: dict[PurePosixPath, Snippet] = {}
    for snippet in snippets.discover(snippets_root, settings):
        for file in (snippet.path, snippet.recording_path):
            known[PurePosixPath(file.relative_to(snippets_root).as_posix())] = snippet
    found: dict[str, Demo] = {}
    for slide in slides:
        includes = (ref for ref in read_references(slide.body) if isinstance(ref, Include))
        for include in includes:
            snippet = known.get(PurePosixPath(include.path))
            recording = snippet.recording() if snippet is not None else None
            if snippet is None or recording is None:
                continue  # an include of a helper or of a file that is not a snippet
            found[slide.anchor] = Demo(
                slide=slide.anchor,
                snippet=snippet,
                recording=recording,
                recorded_on=recorded_on(snippet.recording_path),
            )
            break
    return found


def recorded_on(path: Path) -> str:
    """The day the recording was made (YYYY-MM-DD), from its provenance beside it."""
    made = provenance.read(path)
    if isinstance(made, Problem):
        raise ContentError(made)
    return made.recorded_on.isoformat()
