"""A snippet's sections: the regions between ``--8<-- [start:NAME]`` and ``--8<-- [end:NAME]``
markers, written in comments of the snippet's own kind (``#``, ``--``, ``//``)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from talksite.errors import Problem
from talksite.snippets.model import SnippetError, read_source

__all__ = ["section_lines", "sections"]

_SECTION_MARKER = re.compile(r"--8<--\s*\[(?P<end>start|end):(?P<name>[^\]\s]+)\]")


def sections(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The named ``--8<-- [start:NAME]`` ... ``[end:NAME]`` regions of a file, and any
    marker that does not pair up (pymdownx.snippets would silently show too much or nothing)."""
    found: dict[str, str] = {}
    open_at: dict[str, int] = {}
    comment: dict[str, str] = {}  # what the snippet's markers start with: #, -- or //
    problems: list[Problem] = []
    try:
        lines = read_source(path).splitlines()
    except SnippetError as error:
        return found, error.problems
    for number, line in enumerate(lines, start=1):
        marker = _SECTION_MARKER.search(line)
        if marker is None:
            continue
        name = marker.group("name")
        comment.setdefault(name, line[: marker.start()].strip() or "#")
        if marker.group("end") == "start":
            if name in open_at or name in found:
                problems.append(Problem(str(path), number, f"section {name!r} starts twice"))
            open_at[name] = number
        elif name not in open_at:
            problems.append(
                Problem(
                    str(path),
                    number,
                    f"section {name!r} ends here but never starts",
                    f"expected `{comment[name]} --8<-- [start:{name}]` above it",
                )
            )
        else:
            start = open_at.pop(name)
            body = [ln for ln in lines[start : number - 1] if not _SECTION_MARKER.search(ln)]
            found[name] = textwrap.dedent("\n".join(body))
    for name, number in open_at.items():
        problems.append(
            Problem(
                str(path),
                number,
                f"section {name!r} starts here but never ends",
                f"expected `{comment[name]} --8<-- [end:{name}]` below it",
            )
        )
    return found, problems


def section_lines(path: Path) -> dict[str, tuple[int, int]]:
    """Where each well-formed named section of a file lies: its first and last line (from 1),
    the markers left out, as pymdownx.snippets shows it."""
    starts: dict[str, int] = {}
    found: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(read_source(path).splitlines(), start=1):
        marker = _SECTION_MARKER.search(line)
        if marker is None:
            continue
        name = marker.group("name")
        if marker.group("end") == "start":
            starts.setdefault(name, number)
        elif name in starts and name not in found:
            found[name] = (starts[name] + 1, number - 1)
    return found
