"""The generator stays generic and small: nothing of this talk inside ``talksite/``, and
modules and functions of a size a maintainer can read."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from talksite.snippets import discover
from talksite.talk import load_talk

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "talksite"
# The scaffold's template is another talk's files: the example a new talk starts from.
GENERATOR_SOURCES = sorted(
    path
    for path in PACKAGE.rglob("*")
    if path.is_file()
    and path.suffix in {".py", ".html", ".js", ".css", ".svg"}
    and "template" not in path.relative_to(PACKAGE).parts
)
#: "About 250 lines" a module and "about 50" a function (issue 14), with a little slack.
MODULE_LINES, FUNCTION_LINES = 260, 55


def test_the_generator_names_none_of_this_talks_layers_or_snippets() -> None:
    talk = load_talk(REPO / "talk/talk.yml")
    names = {layer.slug for layer in talk.layers} | {layer.title for layer in talk.layers}
    for snippet in discover(REPO / "snippets"):
        names |= {snippet.path.name, snippet.recording_path.name}
    found = [
        f"{path.relative_to(REPO)} names {name!r}"
        for path in GENERATOR_SOURCES
        for name in sorted(names)
        # As a word: "BlockingIOError" does not name the layer "locking".
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "path",
    [path for path in GENERATOR_SOURCES if path.suffix == ".py"],
    ids=lambda path: path.relative_to(REPO).as_posix(),
)
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MODULE_LINES
    long_functions = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert long_functions == []


def test_the_command_line_loads_its_parser_and_no_more_up_front() -> None:
    """Each talksite command imports what it needs when it runs (talksite.cli): reading the
    command line loads neither MkDocs, the deck, the browser, the snippet runner nor the
    servers, which most commands never use."""
    code = "import sys, talksite.cli; print(*sorted(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    heavy = ("mkdocs", "material", "markdown", "jinja2", "playwright", "psycopg", "PIL")
    ours = ("talksite.site", "talksite.snippets", "talksite.postgres", "talksite.scaffold")
    ours += ("talksite.deck.build", "talksite.deck.render", "talksite.checks.run")
    assert [name for name in loaded if name.split(".")[0] in heavy or name.startswith(ours)] == []
