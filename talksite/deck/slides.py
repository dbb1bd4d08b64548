"""Parse ``talk/slides.md`` into slides: separators, slide attributes, titles and notes.

The syntax, documented for authors in the README:

- A line holding only ``---`` (outside a fenced code block) separates two slides.
- A line holding only ``???`` starts the slide's speaker notes; the rest of the slide is notes.
- An optional first line ``{: #id .class page="layer/index.md" }`` gives the slide an id (its
  hash URL, ``#/id``), CSS classes, and the site page that should link to it.
- The slide's first Markdown heading (``#`` on the title slide, ``##`` elsewhere) is its title.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from mkdocs.exceptions import PluginError

__all__ = ["DeckError", "Slide", "parse_slides"]

SEPARATOR = "---"
NOTES_MARKER = "???"

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATTRIBUTES = re.compile(r"^\{:?(?P<body>[^{}]*)\}$")
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class DeckError(PluginError):
    """The deck cannot be built as written; the message names the file and the slide."""


@dataclass(frozen=True)
class Slide:
    """One slide: its 1-based number, where it starts, its Markdown and its notes."""

    number: int
    line: int
    title: str
    body: str
    notes: str
    id: str | None = None
    classes: tuple[str, ...] = ()
    page: str | None = None

    @property
    def anchor(self) -> str:
        """The hash reveal.js shows for this slide: its id, or its zero-based index."""
        return self.id if self.id is not None else str(self.number - 1)

    def where(self, source: str) -> str:
        return f"{source}:{self.line}: slide {self.number} ({self.title!r})"


def _unfenced(lines: list[str]) -> list[bool]:
    """For each line, whether it lies outside every fenced code block."""
    flags: list[bool] = []
    fence: str | None = None
    for line in lines:
        if fence is None:
            opening = _FENCE.match(line)
            flags.append(opening is None)
            if opening:
                fence = opening.group(1)
        else:
            flags.append(False)
            closing = re.match(rf"^\s{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line)
            if closing:
                fence = None
    return flags


def _chunks(text: str) -> list[tuple[int, list[str]]]:
    """Split the file's lines at separators that are not inside a fenced code block."""
    lines = text.splitlines()
    chunks: list[tuple[int, list[str]]] = [(1, [])]
    for number, (line, unfenced) in enumerate(zip(lines, _unfenced(lines)), start=1):
        if unfenced and line.strip() == SEPARATOR:
            chunks.append((number + 1, []))
        else:
            chunks[-1][1].append(line)
    return chunks


def _attributes(line: str, where: str) -> tuple[str | None, tuple[str, ...], str | None]:
    match = _ATTRIBUTES.match(line.strip())
    if match is None:
        return None, (), None
    slide_id: str | None = None
    classes: list[str] = []
    page: str | None = None
    for token in shlex.split(match.group("body")):
        if token.startswith("#") and _ID.match(token[1:]):
            slide_id = token[1:]
        elif token.startswith(".") and _ID.match(token[1:]):
            classes.append(token[1:])
        elif token.startswith("page=") and token.endswith(".md"):
            page = token.removeprefix("page=")
        else:
            raise DeckError(
                f"{where}: unknown slide attribute {token!r};"
                ' expected #id, .class or page="path/to/page.md"'
            )
    return slide_id, tuple(classes), page


def parse_slides(text: str, *, source: str) -> list[Slide]:
    """The slides of ``text`` in order; ``source`` names the file in error messages."""
    slides: list[Slide] = []
    seen_ids: dict[str, int] = {}
    for start, lines in _chunks(text):
        number = len(slides) + 1
        where = f"{source}:{start}: slide {number}"
        while lines and not lines[0].strip():
            lines.pop(0)
            start += 1
        if not lines:
            raise DeckError(f"{where} is empty (two separators in a row?)")
        slide_id, classes, page = _attributes(lines[0], where)
        if slide_id is not None or classes or page is not None:
            lines = lines[1:]
        unfenced = _unfenced(lines)
        markers = [
            i for i, line in enumerate(lines) if unfenced[i] and line.strip() == NOTES_MARKER
        ]
        split = markers[0] if markers else len(lines)
        body_lines, note_lines = lines[:split], lines[split + 1 :]
        headings = (_HEADING.match(line) for line, ok in zip(body_lines, unfenced) if ok)
        title = next((m.group("text") for m in headings if m is not None), None)
        if title is None:
            raise DeckError(f"{where} has no title: start it with a heading such as '## Title'")
        if slide_id is not None:
            if slide_id in seen_ids:
                raise DeckError(
                    f"{where}: id #{slide_id} is already used by slide {seen_ids[slide_id]}"
                )
            seen_ids[slide_id] = number
        slides.append(
            Slide(
                number=number,
                line=start,
                title=title,
                body="\n".join(body_lines).strip() + "\n",
                notes="\n".join(note_lines).strip(),
                id=slide_id,
                classes=classes,
                page=page,
            )
        )
    return slides
