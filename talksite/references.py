"""What a page or a slide refers to: its ``--8<--`` includes and its ``{{ ... }}`` macro calls.

One reading of a page's or the slides' Markdown, for the build's content check
(:mod:`talksite.site.content`), the deck's placeholders (:mod:`talksite.deck.placeholders`)
and ``present``'s catalog of runnable slides (:mod:`talksite.present.catalog`):

- an :class:`Include` is a line ``--8<-- "layer/name.py:section"``, as pymdownx.snippets
  reads it: the whole line, the target in double quotes;
- a :class:`MacroCall` is ``{{ name }}`` (a value, such as a slide's ``{{ site_url }}``) or
  ``{{ name(ARGS) }}`` (a call, such as ``{{ snippet("a/b.py", "part") }}`` or a diagram's
  ``{{ timeline("a/b.out") }}``); a call may span lines.

Fenced code blocks are read like the rest: pymdownx.snippets expands an include inside a fence
(that is how pages and slides show a snippet's code), and mkdocs-macros renders calls there too.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Include", "MacroCall", "parse_call", "read_references", "replace_calls"]

_INCLUDE = re.compile(r'^[ \t]*-+8<-+[ \t]+"(?P<target>[^"\n]+)"[ \t\r]*$', re.MULTILINE)
# The arguments end at the first ")" followed by "}}", and never run past a "}}".
_MACRO = re.compile(
    r"\{\{\s*(?P<call>(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*(?P<args>\((?:(?!\}\}).)*?\))?)\s*\}\}",
    re.DOTALL,
)
# What follows the file's name in a target when it is a line range (":3:8", ":1,5"), not a section.
_LINE_RANGE = re.compile(r"^[\d:,-]*$")


@dataclass(frozen=True)
class Include:
    """``--8<-- "TARGET"`` on ``line``: the file it names, and the section, if it names one."""

    target: str
    path: str
    #: A named section (``:part``); None for the whole file or a line range (``:3:8``).
    section: str | None
    line: int


@dataclass(frozen=True)
class MacroCall:
    """``{{ name }}`` or ``{{ name(ARGS) }}``, starting on ``line``.

    ``text`` is all of it as written, braces included; ``call`` is ``name(ARGS)`` without the
    braces, or None for a plain value.
    """

    name: str
    text: str
    call: str | None
    line: int

    def arguments(self) -> tuple[list[Any], dict[str, Any]]:
        """The call's literal arguments; ValueError if it is no call of literals."""
        if self.call is None:
            raise ValueError(self.text)
        return parse_call(self.call)[1:]


def parse_call(call: str) -> tuple[str, list[Any], dict[str, Any]]:
    """``name("a", k=1)`` read as its name and literal arguments; ValueError if it is not one."""
    try:
        parsed = ast.parse(call.strip(), mode="eval").body
    except SyntaxError as error:
        raise ValueError(call) from error
    if not isinstance(parsed, ast.Call) or not isinstance(parsed.func, ast.Name):
        raise ValueError(call)
    args = [ast.literal_eval(arg) for arg in parsed.args]
    kwargs = {str(kw.arg): ast.literal_eval(kw.value) for kw in parsed.keywords}
    return parsed.func.id, args, kwargs


def read_references(text: str) -> list[Include | MacroCall]:
    """Every include and macro call in ``text``, in the order they are written."""
    line = _line_numbers(text)
    found: list[tuple[int, Include | MacroCall]] = []
    for match in _INCLUDE.finditer(text):
        target = match.group("target")
        path, _, section = target.partition(":")
        named = None if _LINE_RANGE.match(section) else section
        found.append((match.start(), Include(target, path, named, line(match.start()))))
    for match in _MACRO.finditer(text):
        found.append((match.start(), _macro_call(match, line(match.start()))))
    found.sort(key=lambda pair: pair[0])
    return [reference for _, reference in found]


def replace_calls(text: str, replacement: Callable[[MacroCall], str]) -> str:
    """``text`` with each macro call replaced by what ``replacement`` gives for it."""
    line = _line_numbers(text)
    return _MACRO.sub(lambda match: replacement(_macro_call(match, line(match.start()))), text)


def _line_numbers(text: str) -> Callable[[int], int]:
    """The line (from 1) that an offset in ``text`` is on."""
    starts = [0] + [newline.end() for newline in re.finditer("\n", text)]
    return lambda offset: bisect.bisect_right(starts, offset)


def _macro_call(match: re.Match[str], line: int) -> MacroCall:
    call = match.group("call") if match.group("args") is not None else None
    return MacroCall(match.group("name"), match.group(0), call, line)
