"""A talk.yml with every key's meaning above it, written from the schema.

``talksite new`` writes a new talk's talk.yml with :func:`commented_talk_yml`, so the comments
are the schema's own descriptions and cannot drift from what the loader accepts.
"""

from __future__ import annotations

import json
import textwrap
import typing
from collections.abc import Collection, Mapping, Sequence
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import date, time
from typing import Any

import yaml

from talksite.talk.reference import item_kind, unwrap_optional
from talksite.talk.schema import Check, Talk

__all__ = ["LEFT_OUT", "commented_talk_yml"]

#: Generated YAML keeps its lines within this width where it can.
WIDTH = 96


#: The line above a top-level key written commented out (see :func:`commented_talk_yml`).
LEFT_OUT = '(Left out for now: to give it, delete the "# " that starts each line below.)'


def commented_talk_yml(
    values: Mapping[str, Any], *, header: Sequence[str] = (), left_out: Collection[str] = ()
) -> str:
    """A talk.yml holding ``values`` with every key's meaning above it, from the schema.

    ``values`` is talk.yml as ``yaml.safe_load`` reads it; for the file to show every key,
    it gives optional ones too (``talksite new``'s example does, and its test checks). In a list, only the first
    item's keys carry comments. The optional top-level keys named in ``left_out`` are written
    commented out, under a line that says how to give them (a new talk has no video yet).
    """
    lines = [f"# {line}".rstrip() for line in header]
    _mapping(Talk, values, "", 0, lines, comments=True, top=True, left_out=left_out)
    return "\n".join(lines) + "\n"


def _mapping(
    cls: type,
    values: Mapping[str, Any],
    path: str,
    indent: int,
    lines: list[str],
    *,
    comments: bool,
    top: bool = False,
    first_prefix: str | None = None,
    left_out: Collection[str] = (),
) -> None:
    """Write a mapping; ``first_prefix`` ("- ") starts its first key when it is a list item."""
    hints = typing.get_type_hints(cls)
    unknown = set(values) - {spec.name for spec in fields(cls)}
    if unknown:
        raise ValueError(f"{path or 'talk.yml'}: keys the schema lacks: {sorted(unknown)}")
    for index, spec in enumerate(fields(cls)):
        where = f"{path}{spec.name}"
        if spec.name not in values:
            if spec.default is not MISSING:
                continue  # an optional key the talk leaves out
            raise ValueError(f"{where}: the example must give every required key")
        kind, _ = unwrap_optional(hints[spec.name])
        lead = comment_pad = " " * indent
        if index == 0 and first_prefix is not None:
            # The first key opens the list item; its comment goes above the "- ".
            comment_pad = " " * (indent - len(first_prefix))
            lead = comment_pad + first_prefix
        if top and (index > 0 or lines):
            lines.append("")
        if comments:
            lines.extend(_comment(spec, comment_pad, listed=item_kind(kind) is not None))
        if where not in left_out:
            _value(
                spec.name, kind, values[spec.name], where, lead, indent, lines, comments=comments
            )
            continue
        if spec.default is MISSING:
            raise ValueError(f"{where}: only an optional key can be left out")
        block: list[str] = []
        _value(spec.name, kind, values[spec.name], where, lead, indent, block, comments=comments)
        lines.append(f"# {LEFT_OUT}")
        lines.extend(f"# {line}".rstrip() for line in block)


def _comment(spec: Field[Any], pad: str, *, listed: bool) -> list[str]:
    text = spec.metadata["doc"]
    check: Check | None = spec.metadata["check"]
    if check is not None:
        text += f" {'Each item must' if listed else 'Must'} be {check.expected}."
    if spec.default is not MISSING:
        text += " Optional: delete the key to leave it out."
    return textwrap.wrap(
        text, WIDTH - len(pad), initial_indent=f"{pad}# ", subsequent_indent=f"{pad}# "
    )


def _value(
    name: str,
    kind: Any,
    value: Any,
    path: str,
    lead: str,
    indent: int,
    lines: list[str],
    *,
    comments: bool,
) -> None:
    item = item_kind(kind)
    if is_dataclass(kind):
        lines.append(f"{lead}{name}:")
        _mapping(kind, value, f"{path}.", indent + 2, lines, comments=comments)
    elif item is not None:
        lines.append(f"{lead}{name}:")
        for number, element in enumerate(value):
            if is_dataclass(item):
                _mapping(
                    item,
                    element,
                    f"{path}[{number}].",
                    indent + 4,
                    lines,
                    comments=comments and number == 0,
                    first_prefix="- ",
                )
            else:
                lines.extend(_scalar_lines(f"{' ' * (indent + 2)}- ", element, indent + 4))
    else:
        lines.extend(_scalar_lines(f"{lead}{name}: ", value, indent + 2))


def _scalar_lines(lead: str, value: Any, indent: int) -> list[str]:
    """``lead`` followed by the value, as YAML that reads back as exactly that value."""
    if isinstance(value, date):
        return [f"{lead}{value.isoformat()}"]
    if isinstance(value, time):
        return [f'{lead}"{value:%H:%M}"']
    if not isinstance(value, str):
        raise ValueError(f"expected text, a date or a time, found {value!r}")
    pad = " " * indent
    if "\n" in value and not value.endswith("\n\n") and not value.startswith((" ", "\n")):
        # A literal block: the text exactly as written, with "|-" if it has no final newline.
        chomp = "" if value.endswith("\n") else "-"
        body = [f"{pad}{line}" if line else "" for line in value.removesuffix("\n").split("\n")]
        return [f"{lead}|{chomp}", *body]
    if _reads_back(value):
        if len(lead) + len(value) <= WIDTH:
            return [f"{lead}{value}"]
        if "  " not in value:
            return [
                f"{lead}>-",
                *textwrap.wrap(value, WIDTH, initial_indent=pad, subsequent_indent=pad),
            ]
    return [f"{lead}{json.dumps(value, ensure_ascii=False)}"]


def _reads_back(text: str) -> bool:
    """Whether ``text`` written plain (unquoted) reads back as the same text."""
    if text != text.strip():
        return False
    try:
        return yaml.safe_load(f"key: {text}") == {"key": text}
    except yaml.YAMLError:
        return False
