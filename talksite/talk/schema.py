"""The schema of ``talk/talk.yml``: what each key takes, what it means, and extra checks.

Each field's type says what YAML it takes, and its metadata (made by :func:`key`) says what it
means (for the README's reference and the commented talk.yml of ``talksite new``) and any
extra check. :mod:`talksite.talk.loader` reads a file against it.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field
from datetime import date, time, timedelta
from typing import Any

__all__ = [
    "Abstract",
    "AbstractSection",
    "CHAPTER_TITLE",
    "LINE",
    "Chapter",
    "Check",
    "Event",
    "Layer",
    "Speaker",
    "Talk",
    "Video",
    "key",
]


@dataclass(frozen=True)
class Check:
    """An extra rule on a value that already has the right type.

    ``describe``, if given, says what a refused value is in words ("2 lines"), where quoting
    its start would not show what is wrong.
    """

    expected: str
    accepts: Callable[[Any], bool]
    describe: Callable[[Any], str] | None = None


def _pattern(regex: str, expected: str) -> Check:
    compiled = re.compile(regex)
    return Check(expected, lambda value: compiled.fullmatch(value) is not None)


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _line(most: int, *, refused: tuple[str, ...] = ()) -> Check:
    """One line of text of at most ``most`` characters, holding none of ``refused``."""
    without = "".join(f", without {text!r}" for text in refused)

    def accepts(value: str) -> bool:
        return (
            len(value) <= most
            and len(value.splitlines()) == 1
            and not any(text in value for text in refused)
        )

    def describe(value: str) -> str:
        lines = len(value.splitlines())
        if lines > 1:
            return f"{lines} lines"
        if len(value) > most:
            return f"{len(value)} characters"
        return f"{next(text for text in refused if text in value)!r} in {value[:60]!r}"

    return Check(f"one line of at most {most} characters{without}", accepts, describe)


#: A title, a name or a place: one line, short enough for a card, a tab or a nav entry.
LINE = _line(200)
#: A video chapter's title: also a line of YouTube's description and a WebVTT cue, so
#: "-->" (which ends a cue's timing) is refused.
CHAPTER_TITLE = _line(100, refused=("-->",))
VIDEO_ID = _pattern(
    r"[A-Za-z0-9_-]{11}", "an 11-character YouTube video id (letters, digits, '-' and '_')"
)
SLUG = _pattern(r"[a-z][a-z0-9-]{0,59}", "a slug of at most 60 lower-case letters, digits and '-'")
HTTPS_URL = _pattern(r"https://[^\s\"'<>]{1,2000}", "an https:// URL of at most 2000 characters")
IMAGE_PATH = _pattern(
    r"(?!/)(?!.*\.\.)[A-Za-z0-9_./-]{1,200}\.(?:jpe?g|png|webp|avif|gif|svg)",
    "a path under docs/ to a .jpg, .png, .webp, .avif, .gif or .svg image, such as speaker.jpg",
)
TIME_ZONE = Check("an IANA time zone such as Europe/London", _is_time_zone)
VIDEO_PROVIDER = Check("one of: youtube", lambda value: value == "youtube")


def key(doc: str, *, check: Check | None = None, default: Any = MISSING) -> Any:
    """A schema field: what the key means (for the docs) and any extra check on its value
    (on each item, for a list of text)."""
    metadata = {"doc": doc, "check": check}
    if default is MISSING:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class AbstractSection:
    heading: str = key("The section's heading, as in the published abstract.", check=LINE)
    text: str = key(
        "The section's text: paragraphs, with a blank line between them, and lists whose"
        " items start with '* ' or '- '. It is shown as written: Markdown and HTML in it are"
        " text."
    )


@dataclass(frozen=True)
class Abstract:
    lead: str = key("The short abstract: one paragraph that opens the talk's description.")
    sections: tuple[AbstractSection, ...] = key("The full description, section by section.")


@dataclass(frozen=True)
class Speaker:
    name: str = key("The speaker's name.", check=LINE)
    affiliation: str = key("Where the speaker works, as they describe it.", check=LINE)
    bio: str = key("A short biography, in the speaker's published words.")
    photo: str | None = key(
        "The speaker's photo: the path of an image under docs/, for example speaker.jpg. The"
        " home page's speaker card and the deck's title slide show it.",
        check=IMAGE_PATH,
        default=None,
    )
    photo_alt: str | None = key(
        "The photo's text alternative, for readers who cannot see it; the speaker's name if"
        " not given.",
        check=LINE,
        default=None,
    )
    picture_credit: str | None = key(
        "Credit for the speaker's photo, shown with it.",
        check=LINE,
        default=None,
    )

    @property
    def photo_text(self) -> str:
        """The photo's text alternative."""
        return self.photo_alt or self.name


@dataclass(frozen=True)
class Event:
    name: str = key("The event's name, for example its conference and year.", check=LINE)
    city: str = key("The city the event took place in.", check=LINE)
    venue: str = key("The room or venue of the talk, as the programme names it.", check=LINE)
    date: date = key("The day of the talk, as YYYY-MM-DD.")
    start: time = key("Start time, as HH:MM in the event's time zone.")
    end: time = key("End time, as HH:MM in the event's time zone.")
    timezone: str = key("The event's time zone.", check=TIME_ZONE)


@dataclass(frozen=True)
class Chapter:
    at: timedelta = key("Where the chapter starts in the video, as M:SS or H:MM:SS.")
    title: str = key("The chapter's title, as the player lists it.", check=CHAPTER_TITLE)
    slide: str | None = key(
        "The id of the slide this part of the talk shows ({: #ID } in the slides): the slide"
        " and its layer page link to this moment of the video.",
        default=None,
    )


@dataclass(frozen=True)
class Video:
    provider: str = key("Where the recording is hosted.", check=VIDEO_PROVIDER)
    id: str = key("The recording's id at the provider.", check=VIDEO_ID)
    chapters: tuple[Chapter, ...] = key(
        "The video's chapters, in order; each starts the player at its moment. Only real"
        " timestamps, read from the video or from a presenting log (talksite chapters):"
        " leave them out rather than guess.",
        default=(),
    )


@dataclass(frozen=True)
class Layer:
    slug: str = key("The layer's page: docs/SLUG.md.", check=SLUG)
    title: str = key("The layer's title.", check=LINE)
    summary: str = key("One line on what goes wrong at this layer.", check=LINE)
    short_title: str | None = key(
        "A name of one or two words for diagrams, where the title does not fit.",
        check=LINE,
        default=None,
    )
    outline: tuple[str, ...] = key(
        "What the layer's page will show, one item a line, until the page is written.",
        check=LINE,
        default=(),
    )
    defence: str | None = key(
        "The defence this layer's fix puts in the way, in one or two words: a slice in the"
        " cheese diagram, named under it.",
        check=LINE,
        default=None,
    )
    hole: str | None = key(
        "Where that defence fails when it is missing: the leaky assumption, a hole in the"
        " slice. Diagrams describe the hole with it.",
        check=LINE,
        default=None,
    )
    hazard: str | None = key(
        "The hazard the defence guards against, in a few words; layers that share one are"
        " slices on its trajectory. A defence matrix column of this name says, per run,"
        " whether the hazard reached its harm (harm...) or not (stopped...).",
        check=LINE,
        default=None,
    )

    @property
    def label(self) -> str:
        """The name diagrams show: the defence, the short title, or the title."""
        return self.defence or self.short_title or self.title


# Keyword-only: optional keys (video) may come before required ones (layers).
@dataclass(frozen=True, kw_only=True)
class Talk:
    title: str = key("The talk's title.", check=LINE)
    abstract: Abstract = key("The talk's abstract.")
    speaker: Speaker = key("Who gave the talk.")
    event: Event = key("Where and when the talk was given.")
    talk_page: str = key("The talk's page in the event's programme.", check=HTTPS_URL)
    video: Video | None = key(
        "The recording of the talk. Leave it out until the talk is recorded: the site then"
        " says so instead of showing a player.",
        default=None,
    )
    layers: tuple[Layer, ...] = key("The layers of the story, in the order the talk takes them.")
