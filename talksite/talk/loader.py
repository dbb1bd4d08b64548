"""Read ``talk/talk.yml`` against the schema, and say exactly where each mistake is.

The loader walks PyYAML's node tree rather than loaded Python values, for two reasons: every
node carries the line it starts on, so each problem can name ``file:line: key.path``; and
scalars are read as the text the author wrote, so YAML 1.1 surprises (``14:35`` is the
integer 875, ``no`` is False) cannot slip through as valid data.

Every problem in the file is reported at once: a key that is wrong is noted and skipped, and
the loader goes on with the rest.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

from talksite.errors import ContentError, Problem
from talksite.talk.composer import Refused, compose
from talksite.talk.scalars import EXPECTED, NULL_TAG, ScalarError, found, scalar, video_time
from talksite.talk.schema import Check, Talk

__all__ = ["TalkConfigError", "key_lines", "load_talk", "parse_talk", "read_talk_text"]


class TalkConfigError(ContentError):
    """talk.yml is not what the schema expects: one line per problem, naming file, line and
    key path. The attributes describe the first problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        first = self.problems[0]
        self.source = first.source
        self.line = first.line
        self.path, _, self.problem = first.what.partition(": ")


class _Invalid(Exception):
    """A value was wrong; the problem is already noted, the caller skips the value."""


def load_talk(path: Path, *, source: str | None = None) -> Talk:
    """Read and validate a talk file; ``source`` is how error messages name it."""
    name = source if source is not None else str(path)
    return parse_talk(read_talk_text(path, source=name), source=name)


def read_talk_text(path: Path, *, source: str) -> str:
    """The text of a talk file; anything but a readable UTF-8 file is one problem."""

    def refuse(problem: str, line: int = 1) -> TalkConfigError:
        return TalkConfigError([_problem(source, line, "(file)", problem)])

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise refuse("expected a talk file, found none") from None
    except IsADirectoryError:
        raise refuse("expected a talk file, found a folder") from None
    except OSError as error:
        raise refuse(
            f"expected a readable file, found one that is not ({error.strerror})"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        found_byte = f"the byte 0x{data[error.start]:02x}"
        raise refuse(f"expected UTF-8 text, found {found_byte}", line) from None


def parse_talk(text: str, *, source: str) -> Talk:
    """Validate the YAML text of a talk file and build the :class:`Talk` it describes."""
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem if isinstance(error, Refused) else f"invalid YAML: {error.problem}"
        raise TalkConfigError([_problem(source, line, "(file)", str(what))]) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        problem = f"invalid YAML: {error.reason} #x{error.character:04x}"
        raise TalkConfigError([_problem(source, line, "(file)", problem)]) from None
    if root is None:
        empty = _problem(source, 1, "(file)", "expected the talk's keys, found an empty file")
        raise TalkConfigError([empty])
    loader = _Loader(source)
    try:
        talk = loader.build(Talk, root, "")
    except _Invalid:
        pass
    else:
        _check_relations(talk, loader)
    if loader.problems:
        raise TalkConfigError(sorted(loader.problems, key=lambda problem: problem.line))
    return talk


def key_lines(path: Path) -> dict[str, int]:
    """The line of every key path (``video.chapters[0].slide``) of a valid talk file, for
    checks that need more than the file (slide ids) to name the line they fault."""
    loader = _Loader(str(path))
    loader.build(Talk, compose(path.read_text(encoding="utf-8")), "")
    return loader.lines


def _problem(source: str, line: int, path: str, problem: str) -> Problem:
    return Problem(source, line, f"{path}: {problem}")


def _check_relations(talk: Talk, loader: _Loader) -> None:
    """Rules that involve more than one key."""
    if talk.event.end <= talk.event.start:
        loader.note(
            "event.end",
            f"expected a time after the start ({talk.event.start:%H:%M}),"
            f" found {talk.event.end:%H:%M}",
        )
    chapters = talk.video.chapters if talk.video is not None else ()
    for index, (before, chapter) in enumerate(zip(chapters, chapters[1:], strict=False), 1):
        if chapter.at <= before.at:
            loader.note(
                f"video.chapters[{index}].at",
                "expected a time after the chapter before it"
                f" ({video_time(before.at)}), found {video_time(chapter.at)}",
            )
    seen: set[str] = set()
    for index, layer in enumerate(talk.layers):
        if layer.slug in seen:
            loader.note(
                f"layers[{index}].slug",
                f"expected a slug no other layer has, found {layer.slug!r} a second time",
            )
        seen.add(layer.slug)


def _joined(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Loader:
    """Builds schema dataclasses from a node tree, remembering the line of every key path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []

    def note(self, path: str, problem: str, *, line: int | None = None) -> None:
        where = line if line is not None else self.lines.get(path, 1)
        self.problems.append(_problem(self.source, where, path or "(top level)", problem))

    def fail(self, path: str, problem: str, *, line: int | None = None) -> typing.NoReturn:
        self.note(path, problem, line=line)
        raise _Invalid

    def at(self, path: str, node: yaml.Node) -> None:
        self.lines[path] = node.start_mark.line + 1

    def build(self, cls: type, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        schema = {f.name: f for f in fields(cls)}
        if not isinstance(node, yaml.MappingNode):
            self.fail(
                path, f"expected a mapping with keys {', '.join(schema)}, found {found(node)}"
            )
        given, valid = self._keys(node, schema, path)
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for name, spec in schema.items():
            child = _joined(path, name)
            if name not in given:
                if spec.default is MISSING:
                    # A missing key has no line of its own: point at the mapping that lacks it.
                    meaning = spec.metadata["doc"].rstrip(".")
                    self.note(
                        child,
                        f"expected this key ({meaning[0].lower()}{meaning[1:]}), found it missing",
                        line=self.lines[path],
                    )
                    valid = False
                continue
            try:
                values[name] = self.value(hints[name], spec.metadata, given[name], child)
            except _Invalid:
                valid = False
        if not valid:
            raise _Invalid
        return cls(**values)

    def _keys(
        self, node: yaml.MappingNode, schema: dict[str, Any], path: str
    ) -> tuple[dict[str, yaml.Node], bool]:
        """The mapping's keys that the schema knows; noting unknown and repeated ones."""
        given: dict[str, yaml.Node] = {}
        valid = True
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            child = _joined(path, name)
            self.at(child, key_node)
            if name not in schema:
                self.note(child, f"expected one of {', '.join(schema)}, found an unknown key")
                valid = False
            elif name in given:
                self.note(child, "expected each key once, found this key a second time")
                valid = False
            else:
                given[name] = value_node
        return given, valid

    def value(self, kind: Any, metadata: Any, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
        if optional:
            (kind,) = (arg for arg in typing.get_args(kind) if arg is not type(None))
            if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
                return None
        if typing.get_origin(kind) is tuple:
            # A list's check is on each of its items.
            return self._items(kind, metadata, node, path)
        result = self.typed(kind, node, path)
        check: Check | None = metadata.get("check")
        if check is not None and not check.accepts(result):
            what = check.describe(result) if check.describe is not None else found(node)
            self.fail(path, f"expected {check.expected}, found {what}")
        return result

    def _items(self, kind: Any, metadata: Any, node: yaml.Node, path: str) -> tuple[Any, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(path, f"expected a non-empty list, found {found(node)}")
        item_kind = typing.get_args(kind)[0]
        items, valid = [], True
        for index, item in enumerate(node.value):
            try:
                items.append(self.value(item_kind, metadata, item, f"{path}[{index}]"))
            except _Invalid:
                valid = False
        if not valid:
            raise _Invalid
        return tuple(items)

    def typed(self, kind: Any, node: yaml.Node, path: str) -> Any:
        if is_dataclass(kind):
            return self.build(kind, node, path)
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
            self.fail(path, f"expected {EXPECTED[kind]}, found {found(node)}")
        try:
            return scalar(kind, node)
        except ScalarError as error:
            self.fail(path, str(error))
