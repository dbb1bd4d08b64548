"""talk.yml's YAML as a node tree, refusing what a talk file never needs and an attacker would.

- **Anchors and aliases** (``&name``, ``*name``): an alias repeats a whole subtree, so 30 KB
  of aliases can stand for billions of nodes (the "billion laughs"); talk.yml spells every
  value out instead.
- **Nesting deeper than** :data:`MAX_DEPTH`: the composer recurses once per level, and a
  list nested 100 000 deep would end in a ``RecursionError``; talk.yml needs five levels.

Each is refused as it is met, before anything below it is read, with the line it is on.
"""

from __future__ import annotations

import yaml

__all__ = ["MAX_DEPTH", "Refused", "compose"]

#: Levels of mappings and lists: talk.yml's deepest key (video.chapters[].title) is four.
MAX_DEPTH = 20


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that talk.yml does not accept; ``problem`` says what and where."""


class _TalkLoader(yaml.SafeLoader):
    """PyYAML's safe loader, composing nodes only as plain, bounded trees."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Refused(
                problem="expected every value written out (no anchors or aliases),"
                f" found the alias *{event.anchor}",
                problem_mark=event.start_mark,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise Refused(
                problem="expected every value written out (no anchors or aliases),"
                f" found the anchor &{anchor}",
                problem_mark=event.start_mark,
            )
        if self._depth >= MAX_DEPTH:
            raise Refused(
                problem=f"expected at most {MAX_DEPTH} levels of mappings and lists, found more",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document; None if it is empty."""
    loader = _TalkLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
