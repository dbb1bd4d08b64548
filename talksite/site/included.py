"""What a fenced code block that includes a file shows of it: all of it, or which lines.

A page or slide shows a snippet as a fence whose whole body is one ``--8<--`` include
(``--8<-- "a/b.py:part"``, a named section; ``a/b.py:3:8``, a line range; or ``a/b.py``, the
whole file). :func:`include_blocks` finds them; :class:`Excerpt` says what each shows, and
:meth:`Excerpt.header` titles an excerpt ``lines 23–63 of snippets/LAYER/NAME.py`` where its
title named the whole file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from talksite.snippets import section_lines

__all__ = ["Excerpt", "excerpt_of", "include_blocks"]

# A fenced block whose whole body is one include: ```lang title="..."  /  --8<-- "a/b.py:part".
_INCLUDE_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<header>[^\n]*)\n"
    r'[ \t]*-+8<-+[ \t]+"(?P<target>[^"\n]+)"[ \t]*\n'
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE,
)
_TITLE = re.compile(r'\btitle="(?P<title>[^"]*)"')
_LINE_RANGE = re.compile(r"^(?P<first>\d+)(?::(?P<last>\d+))?$")


@dataclass(frozen=True)
class Excerpt:
    """What a block shows of a file: all of it, or its lines ``first`` to ``last``."""

    path: Path
    shown: str
    lines: int
    first: int | None = None
    last: int | None = None

    @property
    def is_whole(self) -> bool:
        return self.first is None or (self.first <= 1 and (self.last or 0) >= self.lines)

    @property
    def title(self) -> str:
        if self.is_whole:
            return self.shown
        if self.last is None or self.last == self.first:
            return f"line {self.first} of {self.shown}"
        return f"lines {self.first}\u2013{self.last} of {self.shown}"

    def header(self, header: str) -> str:
        """A fence's header (```` ```lang title="..." ````) with this excerpt's title, where
        the title named the whole file."""
        title = _TITLE.search(header)
        if title is None or title["title"] != self.shown or self.is_whole:
            return header
        return header[: title.start("title")] + self.title + header[title.end("title") :]


def include_blocks(markdown: str) -> Iterator[re.Match[str]]:
    """Each fenced block whose body is one include: groups ``indent``, ``header``, ``target``."""
    return _INCLUDE_BLOCK.finditer(markdown)


def excerpt_of(target: str, *, snippets_dir: Path, folder: str) -> Excerpt | None:
    """What an include's target (``a/b.py``, ``a/b.py:part``, ``a/b.py:3:8``) shows; None for
    a target that names no readable file (the content check reports it)."""
    path, _, spec = target.partition(":")
    file = Path(os.path.normpath(snippets_dir / path))
    if not file.is_relative_to(snippets_dir) or not file.is_file():
        return None
    try:
        lines = len(file.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return None
    shown = f"{folder}/{Path(path).as_posix()}"
    if not spec:
        return Excerpt(file, shown, lines)
    numbers = _LINE_RANGE.match(spec)
    if numbers:
        first = int(numbers["first"])
        last = int(numbers["last"]) if numbers["last"] else lines
        return Excerpt(file, shown, lines, first, min(last, lines))
    span = section_lines(file).get(spec)
    if span is None:
        return None
    return Excerpt(file, shown, lines, *span)
