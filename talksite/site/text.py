"""talk.yml's text on a page: Markdown that shows it as written, never markup or a template.

talk.yml is data. A title such as ``Locks & <tables>``, ``C++ {{ templates }}`` or ``*args``
must read the same on the page, and a hostile one (``<script>``, ``[x](javascript:...)``,
``{: onclick=... }``) must stay text. So every string from talk.yml that goes into a page's
Markdown goes through :func:`inline` (or :func:`paragraphs`, for the abstract's sections), and
pages' templates see the talk through :class:`MarkdownView`, which does the same for
``{{ talk.title }}``. Strings that go into HTML are escaped by Jinja's autoescape
(:mod:`talksite.site.templating`) or by :func:`html_text`.
"""

from __future__ import annotations

import html
import re
from dataclasses import is_dataclass
from typing import Any

from markupsafe import Markup

__all__ = ["MarkdownView", "html_text", "inline", "paragraphs"]

# Each mark that can start Markdown, HTML or Jinja syntax anywhere in a line (emphasis,
# code, links, attribute lists, raw HTML and entities, snippet includes, extensions' marks)
# becomes a character reference, which Markdown shows as the character and never reads as
# syntax. Marks that matter only at the start of a line (lists, rules) are escaped there.
_MARKS = '\\`*_{}[]()<>&#!|~^=$@"'
_REFERENCES = {mark: html.escape(mark) if mark in '&<>"' else f"&#{ord(mark)};" for mark in _MARKS}
_TABLE = str.maketrans(_REFERENCES)
# "- x", "+ x", "1. x": a list, however the line goes on; "---" a rule.
_LINE_START = re.compile(r"^(\d*)([-+.])")
_BULLET = re.compile(r"[*-][ \t]+(?P<item>.*)")


def inline(text: str) -> str:
    """Markdown that shows ``text`` as written, on one line (whitespace runs become a space)."""
    escaped = " ".join(text.split()).translate(_TABLE)
    return _LINE_START.sub(lambda start: f"{start[1]}&#{ord(start[2])};", escaped)


def paragraphs(text: str) -> str:
    """Markdown for text in paragraphs (blank lines between them) and bulleted lists (lines
    that start with ``* `` or ``- ``), each paragraph and item shown as written."""
    blocks = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if _BULLET.fullmatch(lines[0]) is None:
            blocks.append(inline(" ".join(lines)))
            continue
        items: list[str] = []
        for line in lines:
            bullet = _BULLET.fullmatch(line)
            if bullet is not None:
                items.append(bullet["item"])
            else:  # a wrapped item goes on under its bullet
                items[-1] += " " + line
        blocks.append("\n".join(f"* {inline(item)}" for item in items))
    return "\n\n".join(blocks)


def html_text(text: str) -> Markup:
    """``text`` escaped for HTML, marked safe so that a template escaping it again (Material's
    ``| e``) leaves it as it is."""
    return Markup(html.escape(text))


class MarkdownView:
    """A talk.yml object as pages' templates see it (``{{ talk.speaker.name }}``): each text
    as :func:`inline` Markdown, each list and mapping as views; dates and times as they are."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def __getattr__(self, name: str) -> Any:
        return _view(getattr(self._value, name))

    def __repr__(self) -> str:
        return f"MarkdownView({self._value!r})"


def _view(value: Any) -> Any:
    if isinstance(value, str):
        return inline(value)
    if isinstance(value, tuple):
        return tuple(_view(item) for item in value)
    if is_dataclass(value):
        return MarkdownView(value)
    return value
