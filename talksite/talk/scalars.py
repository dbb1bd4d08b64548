"""talk.yml's scalars, read from the text the author wrote rather than from what YAML made of it.

YAML 1.1 reads unquoted ``14:35`` as the base-60 integer 875 and ``no`` as False; reading the
node's text instead means that times, dates and text come out as written, and that a value of
the wrong kind is described in the author's words ("found the number 3").
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import yaml

__all__ = [
    "EXPECTED",
    "MAX_TEXT",
    "NULL_TAG",
    "ScalarError",
    "found",
    "parse_video_time",
    "scalar",
    "video_time",
]

# What YAML's resolver made of an unquoted scalar, in words, for "found ..." messages.
_TAG_WORDS = {
    "tag:yaml.org,2002:int": "the number",
    "tag:yaml.org,2002:float": "the number",
    "tag:yaml.org,2002:bool": "the boolean",
    "tag:yaml.org,2002:timestamp": "the date",
}
NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
# M:SS, MM:SS or H:MM:SS: a moment of a video, as players show it.
_VIDEO_TIME = re.compile(r"(?:(\d+):(?=\d\d:))?([0-5]?\d):([0-5]\d)")

#: The longest text any key takes (a biography, a section of the abstract); titles and
#: names have shorter caps of their own (:data:`talksite.talk.schema.LINE`).
MAX_TEXT = 20_000

#: What each kind of scalar must look like, for "expected ..." messages.
EXPECTED: dict[Any, str] = {
    str: "text (quote it if YAML reads it as something else)",
    date: "a date as YYYY-MM-DD",
    time: "a time as HH:MM (24-hour clock)",
    timedelta: "a time into the video as M:SS or H:MM:SS",
}


class ScalarError(Exception):
    """The scalar is not of its kind; the message is "expected ..., found ..."."""


def found(node: yaml.Node) -> str:
    """What a node holds, in words."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.value else "an empty list"
    if node.tag == NULL_TAG:
        return "nothing (null)"
    shown = node.value if len(node.value) <= 60 else node.value[:57] + "..."
    words = _TAG_WORDS.get(node.tag)
    return f"{words} {shown}" if words else repr(shown)


def scalar(kind: Any, node: yaml.ScalarNode) -> Any:
    """The value of a non-null scalar node as `kind` (text, a date, a time or a video time)."""
    wrong = ScalarError(f"expected {EXPECTED[kind]}, found {found(node)}")
    if kind is date:
        if not _DATE.fullmatch(node.value):
            raise wrong
        try:
            return date.fromisoformat(node.value)
        except ValueError:
            raise ScalarError(f"expected a day of the calendar, found {node.value}") from None
    if kind is timedelta:
        moment = parse_video_time(node.value)
        if moment is None:
            raise wrong
        return moment
    if kind is time:
        if not _TIME.fullmatch(node.value):
            raise wrong
        return time.fromisoformat(node.value)
    if node.tag != _STR_TAG or not node.value.strip():
        raise wrong
    if len(node.value) > MAX_TEXT:
        raise ScalarError(
            f"expected text of at most {MAX_TEXT} characters, found {len(node.value)} characters"
        )
    return node.value


def parse_video_time(text: str) -> timedelta | None:
    """``M:SS``, ``MM:SS`` or ``H:MM:SS`` as a moment of a video; None if it is none of those."""
    moment = _VIDEO_TIME.fullmatch(text)
    if moment is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in moment.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def video_time(moment: timedelta) -> str:
    """A moment of a video as players write it: ``M:SS``, or ``H:MM:SS`` from an hour on."""
    minutes, seconds = divmod(int(moment.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
