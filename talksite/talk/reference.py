"""talk.yml's schema, described for people: the reference table in talksite's README.

Generated from the dataclasses in :mod:`talksite.talk.schema` (each field's ``key()`` doc and
check), so it cannot drift from what the loader accepts. It lives in the README between two
markers; ``python -m talksite.talk.reference README.md`` rewrites it, and a test fails while it
differs. :mod:`talksite.talk.example` writes a commented talk.yml from the same keys.
"""

from __future__ import annotations

import argparse
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from talksite.talk.scalars import MAX_TEXT
from talksite.talk.schema import Check, Talk

__all__ = [
    "REFERENCE_END",
    "REFERENCE_START",
    "SchemaKey",
    "reference_markdown",
    "replace_reference",
    "item_kind",
    "schema_keys",
    "unwrap_optional",
]

REFERENCE_START = (
    "<!-- talk.yml reference: generated from talksite.talk.schema by"
    " `python -m talksite.talk.reference README.md`; do not edit by hand -->"
)
REFERENCE_END = "<!-- end of the talk.yml reference -->"


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
        kind, optional = unwrap_optional(hints[spec.name])
        path = f"{prefix}{spec.name}"
        yield SchemaKey(
            path=path,
            name=spec.name,
            kind=kind,
            required=spec.default is MISSING and not optional,
            doc=spec.metadata["doc"],
            check=spec.metadata["check"],
        )
        item = item_kind(kind)
        if is_dataclass(kind):
            yield from schema_keys(kind, f"{path}.")
        elif item is not None and is_dataclass(item):
            yield from schema_keys(item, f"{path}[].")


def unwrap_optional(kind: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None``, else ``(kind, False)``."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        (inner,) = (arg for arg in typing.get_args(kind) if arg is not type(None))
        return inner, True
    return kind, False


def item_kind(kind: Any) -> Any:
    return typing.get_args(kind)[0] if typing.get_origin(kind) is tuple else None


def _type_text(kind: Any) -> str:
    item = item_kind(kind)
    if item is not None:
        return "list of mappings" if is_dataclass(item) else f"list of {_type_text(item)}"
    if is_dataclass(kind):
        return "mapping"
    return {
        str: "text",
        date: "date, YYYY-MM-DD",
        time: 'time, "HH:MM" (quoted)',
        timedelta: "time into the video, M:SS or H:MM:SS",
    }[kind]


def _meaning(key: SchemaKey) -> str:
    parts = [key.doc]
    if key.check is not None:
        subject = "Each item must" if item_kind(key.kind) is not None else "Must"
        parts.append(f"{subject} be {key.check.expected}.")
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
        f"Text must not be empty, nor longer than {MAX_TEXT} characters, and a list must have at"
        " least one item. A list of mappings repeats the keys marked `[]`. Every value is"
        " written out: YAML anchors and aliases (`&name`, `*name`) are refused.",
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m talksite.talk.reference",
        description="Regenerate the talk.yml reference between its markers in a Markdown file.",
    )
    parser.add_argument("document", type=Path, help="for example README.md")
    args = parser.parse_args(argv)
    text = args.document.read_text(encoding="utf-8")
    args.document.write_text(replace_reference(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
