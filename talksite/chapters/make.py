"""Chapters from a presenting log, as YouTube's description wants them and as WebVTT.

A chapter starts where a slide was shown: its time in the video is the offset (the video time
of the log's first line) plus the time since the log's first line. YouTube's rules for
chapters in a description: the first at 0:00, at least three, each at least ten seconds long.
So:

- **The first chapter starts at 0:00**, whatever the offset: what the video holds before the
  first slide (an introduction, the room settling) belongs to the first chapter.
- **A change to the slide already shown** (the log repeating it) is no new chapter.
- **Changes less than 10 s apart are merged, keeping the later title**: a presenter who skims
  over slides settles on the last one, so the chapter starts when the skimming starts and is
  named after where it ended. Merging may bring a slide back next to itself; then the two are
  one chapter.
- **A revisit** (slides A, B, A, each shown 10 s or more) is a chapter of its own each time:
  the talk went back, and the video shows it.
- Fewer than three chapters left is an error; so is a ``duration`` (the video's length) that
  leaves the last chapter under ten seconds.
- **A title is one line, without** ``-->``: its whitespace (newlines included) is folded into
  single spaces and each ``-->`` becomes ``->``, so that a slide's title cannot add chapter
  lines to the description, or cues or timings to the WebVTT file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from talksite.errors import TalksiteError
from talksite.presenting_log import LogEntry
from talksite.talk import video_time

__all__ = [
    "MIN_CHAPTERS",
    "MIN_LENGTH",
    "Chapter",
    "chapters",
    "one_line",
    "vtt_path",
    "webvtt",
    "youtube_text",
]

MIN_LENGTH = timedelta(seconds=10)
MIN_CHAPTERS = 3
# WebVTT needs every cue to end; without the video's length, the last one ends here, and
# players stop it at the end of the video.
_OPEN_END = timedelta(hours=99, minutes=59, seconds=59, milliseconds=999)
# "-->" separates a cue's start and end; "--->" would still hold one after a single pass.
_CUE_ARROW = re.compile(r"-{2,}>")


@dataclass(frozen=True)
class Chapter:
    """A chapter: where it starts in the video, its title, and the slide it shows."""

    start: timedelta
    title: str
    slide: str


def chapters(
    entries: list[LogEntry],
    *,
    offset: timedelta = timedelta(0),
    duration: timedelta | None = None,
    source: str,
) -> list[Chapter]:
    """The chapters the log's slide changes make, by the rules above."""
    first = entries[0].at
    found: list[Chapter] = []
    for entry in entries:
        start = timedelta(0) if not found else offset + (entry.at - first)
        chapter = Chapter(start, one_line(entry.title), entry.slide)
        if found and chapter.slide == found[-1].slide:
            continue
        if found and chapter.start - found[-1].start < MIN_LENGTH:
            found[-1] = replace(chapter, start=found[-1].start)
            if len(found) > 1 and found[-1].slide == found[-2].slide:
                found.pop()
            continue
        found.append(chapter)
    if duration is not None and duration - found[-1].start < MIN_LENGTH:
        raise TalksiteError(
            f"{source}: the last chapter starts at {video_time(found[-1].start)}, less than"
            f" {MIN_LENGTH.seconds} s before the end of the video ({video_time(duration)});"
            " expected a duration at least that much later"
        )
    if len(found) < MIN_CHAPTERS:
        raise TalksiteError(
            f"{source}: {len(found)} chapter{'s' if len(found) != 1 else ''} after merging slide"
            f" changes less than {MIN_LENGTH.seconds} s apart; expected at least {MIN_CHAPTERS}"
            " (YouTube's minimum)"
        )
    return found


def one_line(title: str) -> str:
    """A title that can only be a chapter's title: one line, without WebVTT's ``-->``."""
    return _CUE_ARROW.sub("->", " ".join(title.split()))


def youtube_text(found: list[Chapter]) -> str:
    """The lines to paste into the video's description: ``0:00 Title``, one a chapter."""
    return "".join(f"{video_time(chapter.start)} {chapter.title}\n" for chapter in found)


def _cue_time(moment: timedelta) -> str:
    milliseconds = round(moment.total_seconds() * 1000)
    seconds, milliseconds = divmod(milliseconds, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def webvtt(found: list[Chapter], *, duration: timedelta | None = None) -> str:
    """A WebVTT chapters file: a cue per chapter, from its start to the next one's."""
    ends = [chapter.start for chapter in found[1:]] + [duration or _OPEN_END]
    cues = [
        f"{number}\n{_cue_time(chapter.start)} --> {_cue_time(end)}\n{chapter.title}\n"
        for number, (chapter, end) in enumerate(zip(found, ends, strict=True), start=1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def vtt_path(log: Path) -> Path:
    """Where the WebVTT file goes unless asked otherwise: beside the log, ``LOG.vtt``."""
    return log.with_suffix(".vtt") if log.suffix else log.with_name(log.name + ".vtt")
