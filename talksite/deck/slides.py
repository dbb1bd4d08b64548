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

from talksite.errors import ContentError, Problem

__all__ = ["DeckError", "Slide", "parse_slides"]

SEPARATOR = "---"
NOTES_MARKER = "???"

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATTRIBUTES = re.compile(r"^\{:?(?P<body>[^{}]*)\}$")
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class DeckError(ContentError):
    """The deck cannot be built as written; each line names the file, line and slide."""


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

    def problem(self, source: str, what: str, expected: str = "") -> Problem:
        """A problem on this slide, at the line where the slide starts."""
        return Problem(source, self.line, f"slide {self.number} ({self.title!r}): {what}", expected)


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


def _attributes(
    line: str, problems: list[Problem], where: tuple[str, int, int]
) -> tuple[str | None, tuple[str, ...], str | None]:
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
            source, line, number = where
            problems.append(
                Problem(
                    source,
                    line,
                    f"slide {number}: unknown slide attribute {token!r}",
                    'expected #id, .class or page="path/to/page.md"',
                )
            )
    return slide_id, tuple(classes), page


def parse_slides(text: str, *, source: str) -> list[Slide]:
    """The slides of ``text`` in order; ``source`` names the file in problems.

    Every problem in the file is reported at once, in a :class:`DeckError`.
    """
    slides: list[Slide] = []
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    for start, lines in _chunks(text):
        slide = _parse_slide(lines, source, start, len(slides) + 1, problems)
        if slide is None:
            continue
        if slide.id is not None:
            if slide.id in seen_ids:
                problems.append(
                    slide.problem(
                        source,
                        f"id #{slide.id} is already used by slide {seen_ids[slide.id]}",
                        "expected an id of its own",
                    )
                )
            seen_ids[slide.id] = slide.number
        slides.append(slide)
    if problems:
        raise DeckError(problems)
    return slides


def _parse_slide(
    lines: list[str], source: str, start: int, number: int, problems: list[Problem]
) -> Slide | None:
    """One slide from its lines, or None (with the problem noted) if it has no title."""
    while lines and not lines[0].strip():
        lines.pop(0)
        start += 1
    if not lines:
        problems.append(
            Problem(
                source,
                start,
                f"slide {number} is empty",
                "expected content between the two separators (two `---` in a row?)",
            )
        )
        return None
    slide_id, classes, page = _attributes(lines[0], problems, (source, start, number))
    if slide_id is not None or classes or page is not None:
        lines = lines[1:]
    unfenced = _unfenced(lines)
    markers = [i for i, line in enumerate(lines) if unfenced[i] and line.strip() == NOTES_MARKER]
    split = markers[0] if markers else len(lines)
    body_lines, note_lines = lines[:split], lines[split + 1 :]
    headings = (_HEADING.match(line) for line, ok in zip(body_lines, unfenced) if ok)
    title = next((m.group("text") for m in headings if m is not None), None)
    if title is None:
        problems.append(
            Problem(
                source,
                start,
                f"slide {number} has no title",
                "expected a heading such as '## Title' to start it",
            )
        )
        return None
    return Slide(
        number=number,
        line=start,
        title=title,
        body="\n".join(body_lines).strip() + "\n",
        notes="\n".join(note_lines).strip(),
        id=slide_id,
        classes=classes,
        page=page,
    )
