"""talk.yml's schema, described for people: a reference table, and a talk.yml with comments.

Both are generated from the dataclasses in :mod:`talksite.config` (each field's ``key()`` doc
and check), so neither can drift from what the loader accepts. The reference lives in
talksite's README between two markers; ``python -m talksite.schema_docs README.md`` rewrites
it, and a test fails while it differs. ``talksite new`` writes a new talk's talk.yml with
:func:`commented_talk_yml`.
"""

from __future__ import annotations

import argparse
import json
import textwrap
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, fields, is_dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

from talksite.config import Check, Talk

__all__ = [
    "REFERENCE_END",
    "REFERENCE_START",
    "SchemaKey",
    "commented_talk_yml",
    "reference_markdown",
    "replace_reference",
    "schema_keys",
]

REFERENCE_START = (
    "<!-- talk.yml reference: generated from talksite.config by"
    " `python -m talksite.schema_docs README.md`; do not edit by hand -->"
)
REFERENCE_END = "<!-- end of the talk.yml reference -->"
#: Generated YAML keeps its lines within this width where it can.
WIDTH = 96


@dataclass(frozen=True)
class SchemaKey:
    """One key of talk.yml, as the schema declares it."""

    path: str  # "abstract.sections[].heading"
    name: str  # "heading"
    kind: Any  # the field's type, without "| None"
    required: bool
    doc: str
    check: Check | None

    @property
    def type_text(self) -> str:
        """The kind of YAML value the key takes, in words."""
        return _type_text(self.kind)


def schema_keys(cls: type = Talk, prefix: str = "") -> Iterator[SchemaKey]:
    """Every key of the schema, depth first, in the order the dataclasses declare them."""
    hints = typing.get_type_hints(cls)
    for spec in fields(cls):
        kind, optional = _unwrap(hints[spec.name])
        path = f"{prefix}{spec.name}"
        yield SchemaKey(
            path=path,
            name=spec.name,
            kind=kind,
            required=spec.default is MISSING and not optional,
            doc=spec.metadata["doc"],
            check=spec.metadata["check"],
        )
        item = _item_kind(kind)
        if is_dataclass(kind):
            yield from schema_keys(kind, f"{path}.")
        elif item is not None and is_dataclass(item):
            yield from schema_keys(item, f"{path}[].")


def _unwrap(kind: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None``, else ``(kind, False)``."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        (inner,) = (arg for arg in typing.get_args(kind) if arg is not type(None))
        return inner, True
    return kind, False


def _item_kind(kind: Any) -> Any:
    return typing.get_args(kind)[0] if typing.get_origin(kind) is tuple else None


def _type_text(kind: Any) -> str:
    item = _item_kind(kind)
    if item is not None:
        return "list of mappings" if is_dataclass(item) else f"list of {_type_text(item)}"
    if is_dataclass(kind):
        return "mapping"
    return {str: "text", date: "date, YYYY-MM-DD", time: 'time, "HH:MM" (quoted)'}[kind]


def _meaning(key: SchemaKey) -> str:
    parts = [key.doc]
    if key.check is not None:
        parts.append(f"Must be {key.check.expected}.")
    return " ".join(parts)


# -- the reference ---------------------------------------------------------------------------


def reference_markdown() -> str:
    """The reference table, one row per key, between the README's markers."""
    rows = [
        REFERENCE_START,
        "",
        "| Key | Value | Required | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for key in schema_keys():
        cells = [
            f"`{key.path}`",
            key.type_text,
            "yes" if key.required else "no",
            _meaning(key),
        ]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    rows += [
        "",
        "Text must not be empty, and a list must have at least one item. A list of mappings"
        " repeats the keys marked `[]`.",
        "",
        REFERENCE_END,
    ]
    return "\n".join(rows)


def replace_reference(document: str) -> str:
    """``document`` with the text between the markers (inclusive) regenerated."""
    start = document.find(REFERENCE_START)
    end = document.find(REFERENCE_END)
    if start < 0 or end < start:
        raise ValueError("the document has no talk.yml reference markers to replace between")
    return document[:start] + reference_markdown() + document[end + len(REFERENCE_END) :]


# -- a talk.yml with comments ----------------------------------------------------------------


def commented_talk_yml(values: Mapping[str, Any], *, header: Sequence[str] = ()) -> str:
    """A talk.yml holding ``values`` with every key's meaning above it, from the schema.

    ``values`` is talk.yml as ``yaml.safe_load`` reads it, and must give every key of the
    schema, optional ones included, so that the file shows them all. In a list, only the first
    item's keys carry comments.
    """
    lines = [f"# {line}".rstrip() for line in header]
    _mapping(Talk, values, "", 0, lines, comments=True, top=True)
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
) -> None:
    """Write a mapping; ``first_prefix`` ("- ") starts its first key when it is a list item."""
    hints = typing.get_type_hints(cls)
    unknown = set(values) - {spec.name for spec in fields(cls)}
    if unknown:
        raise ValueError(f"{path or 'talk.yml'}: keys the schema lacks: {sorted(unknown)}")
    for index, spec in enumerate(fields(cls)):
        where = f"{path}{spec.name}"
        if spec.name not in values:
            raise ValueError(f"{where}: the example must give every key, optional ones too")
        kind, _ = _unwrap(hints[spec.name])
        lead = comment_pad = " " * indent
        if index == 0 and first_prefix is not None:
            # The first key opens the list item; its comment goes above the "- ".
            comment_pad = " " * (indent - len(first_prefix))
            lead = comment_pad + first_prefix
        if top and (index > 0 or lines):
            lines.append("")
        if comments:
            lines.extend(_comment(spec, comment_pad))
        _value(spec.name, kind, values[spec.name], where, lead, indent, lines, comments=comments)


def _comment(spec: Field[Any], pad: str) -> list[str]:
    text = spec.metadata["doc"]
    check: Check | None = spec.metadata["check"]
    if check is not None:
        text += f" Must be {check.expected}."
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
    item = _item_kind(kind)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m talksite.schema_docs",
        description="Regenerate the talk.yml reference between its markers in a Markdown file.",
    )
    parser.add_argument("document", type=Path, help="for example README.md")
    args = parser.parse_args(argv)
    text = args.document.read_text(encoding="utf-8")
    args.document.write_text(replace_reference(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
