"""The talk file: ``talk/talk.yml``, read into typed objects and checked against its schema.

:mod:`~talksite.talk.schema` declares the keys, :mod:`~talksite.talk.loader` reads a file
against it and reports every problem at once, :mod:`~talksite.talk.reference` writes the
schema out as the README's reference and as a commented talk.yml.
"""

from talksite.talk.loader import TalkConfigError, key_lines, load_talk, parse_talk
from talksite.talk.scalars import parse_video_time, video_time
from talksite.talk.schema import (
    Abstract,
    AbstractSection,
    Chapter,
    Event,
    Layer,
    Speaker,
    Talk,
    Video,
)

__all__ = [
    "Abstract",
    "AbstractSection",
    "Chapter",
    "Event",
    "Layer",
    "Speaker",
    "Talk",
    "TalkConfigError",
    "Video",
    "key_lines",
    "load_talk",
    "parse_talk",
    "parse_video_time",
    "video_time",
]
