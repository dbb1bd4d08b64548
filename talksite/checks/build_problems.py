"""What a failed ``talksite build`` printed, as the checks report it: one line per problem,
starting with ``path:line:`` where the build could say where.

The build logs each problem as MkDocs does (``WARNING -  ...``, ``ERROR   -  ...``) and ends
with a summary; the summaries are left out. MkDocs names a page with a broken link but not the
line: the line is looked up in the page's source.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["build_problems"]

_LEVEL = re.compile(r"^(?:WARNING|ERROR)\s+-\s+")
#: Lines that sum up the others: talksite's count, and the build's last word.
_SUMMARIES = (
    re.compile(r"^talksite: \d+ problems? in the talk's files"),
    re.compile(r"^talksite: the build stopped"),
)
_LINK = re.compile(r"^Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']+)', (?P<why>.*)$")


def build_problems(output: str, folder: Path, docs_dir: str = "docs") -> list[str]:
    """The problems in a build's ``output``, each on one line; ``folder`` holds mkdocs.yml."""
    problems = []
    for line in output.splitlines():
        text = _LEVEL.sub("", line.strip())
        if not text or any(summary.match(text) for summary in _SUMMARIES):
            continue
        link = _LINK.match(text)
        if link is not None:
            why = link["why"].removeprefix("but ")
            text = _at_the_link(folder, f"{docs_dir}/{link['page']}", link["link"], why)
        problems.append(text)
    return problems


def _at_the_link(folder: Path, page: str, link: str, why: str) -> str:
    """``page:line: link 'link': why``, at the first line of the page's source holding it."""
    line = 1
    try:
        text = (folder / page).read_text(encoding="utf-8")
    except OSError:
        text = ""
    for number, content in enumerate(text.splitlines(), start=1):
        if link in content:
            line = number
            break
    return f"{page}:{line}: link {link!r}: {why}"
