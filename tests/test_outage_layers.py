"""The outage lab's list of layers is the talk's: outage.py's `--fix` choices and the matrix's
columns (snippets/outage/_lab/layers.py) name the pages of talk/talk.yml, in the same order."""

from __future__ import annotations

import ast
from pathlib import Path

from talksite.talk import load_talk

REPO = Path(__file__).resolve().parent.parent
LAYERS_MODULE = REPO / "snippets/outage/_lab/layers.py"


def lab_layers() -> tuple[str, ...]:
    """The value of LAYERS in layers.py, read without running the module."""
    tree = ast.parse(LAYERS_MODULE.read_text(encoding="utf-8"), filename=str(LAYERS_MODULE))
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "LAYERS" for target in statement.targets
        ):
            return tuple(ast.literal_eval(statement.value))
    raise AssertionError(f"{LAYERS_MODULE.relative_to(REPO)} assigns no LAYERS")


def test_the_labs_layers_are_the_talks_layers_in_the_talks_order() -> None:
    talk = load_talk(REPO / "talk/talk.yml")
    assert lab_layers() == tuple(layer.slug for layer in talk.layers)
