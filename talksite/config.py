"""Load ``talk/talk.yml`` into typed objects, and say exactly where it is wrong.

The schema is the dataclasses below: each field's type says what YAML it takes, and its
metadata (made by :func:`key`) says what it means and any extra check. The loader walks
PyYAML's node tree rather than loaded Python values, for two reasons: every node carries the
line it starts on, so each error can name ``file:line: key.path``; and scalars are read as the
text the author wrote, so YAML 1.1 surprises (``14:35`` is the integer 875, ``no`` is False)
cannot slip through as valid data.
"""

from __future__ import annotations

import re
import types
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "AbstractSection",
    "Abstract",
    "Check",
    "Event",
    "Layer",
    "Speaker",
    "Talk",
    "TalkConfigError",
    "Video",
    "key",
    "load_talk",
    "parse_talk",
]


class TalkConfigError(ValueError):
    """talk.yml is not what the schema expects; the message names file, line and key path."""

    def __init__(self, source: str, line: int, path: str, problem: str) -> None:
        self.source = source
        self.line = line
        self.path = path
        self.problem = problem
        super().__init__(f"{source}:{line}: {path}: {problem}")


@dataclass(frozen=True)
class Check:
    """An extra rule on a value that already has the right type."""

    expected: str
    accepts: Callable[[Any], bool]


def _pattern(regex: str, expected: str) -> Check:
    compiled = re.compile(regex)
    return Check(expected, lambda value: compiled.fullmatch(value) is not None)


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


VIDEO_ID = _pattern(
    r"[A-Za-z0-9_-]{11}", "an 11-character YouTube video id (letters, digits, '-' and '_')"
)
SLUG = _pattern(r"[a-z][a-z0-9-]*", "a slug of lower-case letters, digits and '-'")
HTTPS_URL = _pattern(r"https://[^\s\"'<>]+", "an https:// URL")
TIME_ZONE = Check("an IANA time zone such as Europe/London", _is_time_zone)
VIDEO_PROVIDER = Check("one of: youtube", lambda value: value == "youtube")


def key(doc: str, *, check: Check | None = None, default: Any = MISSING) -> Any:
    """A schema field: what the key means (for the docs) and any extra check on its value."""
    metadata = {"doc": doc, "check": check}
    if default is MISSING:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class AbstractSection:
    heading: str = key("The section's heading, as in the published abstract.")
    text: str = key("The section's text, in Markdown (paragraphs and lists).")


@dataclass(frozen=True)
class Abstract:
    lead: str = key("The short abstract: one paragraph that opens the talk's description.")
    sections: tuple[AbstractSection, ...] = key("The full description, section by section.")


@dataclass(frozen=True)
class Speaker:
    name: str = key("The speaker's name.")
    affiliation: str = key("Where the speaker works, as they describe it.")
    bio: str = key("A short biography, in the speaker's published words.")
    picture_credit: str | None = key(
        "Credit for the speaker's photo, to show beside it if the site ever shows one.",
        default=None,
    )


@dataclass(frozen=True)
class Event:
    name: str = key("The event's name, for example its conference and year.")
    city: str = key("The city the event took place in.")
    venue: str = key("The room or venue of the talk, as the programme names it.")
    date: date = key("The day of the talk, as YYYY-MM-DD.")
    start: time = key("Start time, as HH:MM in the event's time zone.")
    end: time = key("End time, as HH:MM in the event's time zone.")
    timezone: str = key("The event's time zone.", check=TIME_ZONE)


@dataclass(frozen=True)
class Video:
    provider: str = key("Where the recording is hosted.", check=VIDEO_PROVIDER)
    id: str = key("The recording's id at the provider.", check=VIDEO_ID)


@dataclass(frozen=True)
class Layer:
    slug: str = key("The layer's page: docs/SLUG.md.", check=SLUG)
    title: str = key("The layer's title.")
    summary: str = key("One line on what goes wrong at this layer.")
    outline: tuple[str, ...] = key(
        "What the layer's page will show, one item a line, until the page is written.",
        default=(),
    )


@dataclass(frozen=True)
class Talk:
    title: str = key("The talk's title.")
    abstract: Abstract = key("The talk's abstract.")
    speaker: Speaker = key("Who gave the talk.")
    event: Event = key("Where and when the talk was given.")
    talk_page: str = key("The talk's page in the event's programme.", check=HTTPS_URL)
    video: Video = key("The recording of the talk.")
    layers: tuple[Layer, ...] = key("The layers of the story, in the order the talk takes them.")


def load_talk(path: Path, *, source: str | None = None) -> Talk:
    """Read and validate a talk file; ``source`` is how error messages name it."""
    name = source if source is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TalkConfigError(name, 1, "(file)", "expected a talk file, found none") from None
    return parse_talk(text, source=name)


def parse_talk(text: str, *, source: str) -> Talk:
    """Validate the YAML text of a talk file and build the :class:`Talk` it describes."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise TalkConfigError(source, line, "(file)", f"invalid YAML: {error.problem}") from None
    if root is None:
        raise TalkConfigError(source, 1, "(file)", "expected the talk's keys, found an empty file")
    loader = _Loader(source)
    talk = loader.build(Talk, root, "")
    _check_relations(talk, loader)
    return talk


def _check_relations(talk: Talk, loader: _Loader) -> None:
    """Rules that involve more than one key."""
    if talk.event.end <= talk.event.start:
        loader.fail(
            "event.end",
            f"expected a time after the start ({talk.event.start:%H:%M}),"
            f" found {talk.event.end:%H:%M}",
        )
    seen: set[str] = set()
    for index, layer in enumerate(talk.layers):
        if layer.slug in seen:
            loader.fail(
                f"layers[{index}].slug",
                f"expected a slug no other layer has, found {layer.slug!r} a second time",
            )
        seen.add(layer.slug)


# What YAML's resolver made of an unquoted scalar, in words, for "found ..." messages.
_TAG_WORDS = {
    "tag:yaml.org,2002:int": "the number",
    "tag:yaml.org,2002:float": "the number",
    "tag:yaml.org,2002:bool": "the boolean",
    "tag:yaml.org,2002:timestamp": "the date",
}
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


def _found(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.value else "an empty list"
    if node.tag == _NULL_TAG:
        return "nothing (null)"
    shown = node.value if len(node.value) <= 60 else node.value[:57] + "..."
    words = _TAG_WORDS.get(node.tag)
    return f"{words} {shown}" if words else repr(shown)


def _joined(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Loader:
    """Builds schema dataclasses from a node tree, remembering the line of every key path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[str, int] = {}

    def fail(self, path: str, problem: str, *, line: int | None = None) -> typing.NoReturn:
        where = line if line is not None else self.lines.get(path, 1)
        raise TalkConfigError(self.source, where, path or "(top level)", problem)

    def at(self, path: str, node: yaml.Node) -> None:
        self.lines[path] = node.start_mark.line + 1

    def build(self, cls: type, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        schema = {f.name: f for f in fields(cls)}
        if not isinstance(node, yaml.MappingNode):
            self.fail(
                path, f"expected a mapping with keys {', '.join(schema)}, found {_found(node)}"
            )
        given: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            child = _joined(path, name)
            self.at(child, key_node)
            if name not in schema:
                self.fail(child, f"expected one of {', '.join(schema)}, found an unknown key")
            if name in given:
                self.fail(child, "expected each key once, found this key a second time")
            given[name] = value_node
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for name, spec in schema.items():
            child = _joined(path, name)
            if name not in given:
                if spec.default is MISSING:
                    # A missing key has no line of its own: point at the mapping that lacks it.
                    meaning = spec.metadata["doc"].rstrip(".")
                    self.fail(
                        child,
                        f"expected this key ({meaning[0].lower()}{meaning[1:]}), found it missing",
                        line=self.lines[path],
                    )
                continue
            values[name] = self.value(hints[name], spec.metadata, given[name], child)
        return cls(**values)

    def value(self, kind: Any, metadata: Any, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
        if optional:
            (kind,) = (arg for arg in typing.get_args(kind) if arg is not type(None))
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
                return None
        result = self.typed(kind, node, path)
        check: Check | None = metadata.get("check")
        if check is not None and not check.accepts(result):
            self.fail(path, f"expected {check.expected}, found {_found(node)}")
        return result

    def typed(self, kind: Any, node: yaml.Node, path: str) -> Any:
        if is_dataclass(kind):
            return self.build(kind, node, path)
        if typing.get_origin(kind) is tuple:
            item_kind = typing.get_args(kind)[0]
            if not isinstance(node, yaml.SequenceNode) or not node.value:
                self.fail(path, f"expected a non-empty list, found {_found(node)}")
            return tuple(
                self.value(item_kind, {}, item, f"{path}[{index}]")
                for index, item in enumerate(node.value)
            )
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
            self.fail(path, f"expected {_EXPECTED[kind]}, found {_found(node)}")
        if kind is date:
            if not _DATE.fullmatch(node.value):
                self.fail(path, f"expected {_EXPECTED[date]}, found {_found(node)}")
            try:
                return date.fromisoformat(node.value)
            except ValueError:
                self.fail(path, f"expected a day of the calendar, found {node.value}")
        if kind is time:
            # Read as written: unquoted 14:35 resolves to YAML 1.1's base-60 integer 875.
            if _TIME.fullmatch(node.value):
                return time.fromisoformat(node.value)
            self.fail(path, f"expected {_EXPECTED[time]}, found {_found(node)}")
        if node.tag != _STR_TAG or not node.value.strip():
            self.fail(path, f"expected {_EXPECTED[str]}, found {_found(node)}")
        return node.value


_EXPECTED: dict[Any, str] = {
    str: "text (quote it if YAML reads it as something else)",
    date: "a date as YYYY-MM-DD",
    time: "a time as HH:MM (24-hour clock)",
}
