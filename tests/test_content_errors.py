"""A mistake in a talk's files stops the build with one line per problem, every problem at
once, no traceback, and the previous site left as it was.

Each test breaks a copy of a fresh talk made by ``talksite new`` and built once (the
``built_new_talk`` fixture), so that there is a previous site, and builds again, as an author
would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from command_support import run_talksite

# The one-line shape every content problem has: path:line: what is wrong; what was expected.
PROBLEM_LINE = re.compile(r"^ERROR\s+-\s+(?P<source>[\w./-]+):(?P<line>\d+): (?P<what>.+)$")


@pytest.fixture
def talk(built_new_talk: Path, tmp_path: Path) -> Path:
    """A copy of the built new talk for one test to break (one build serves the run)."""
    return Path(shutil.copytree(built_new_talk, tmp_path / "talk", symlinks=True))


def problems(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    """The problem lines of a failed build, as (source, line, what)."""
    found = []
    for line in result.stderr.splitlines():
        match = PROBLEM_LINE.match(line)
        if match is not None:
            found.append((match["source"], int(match["line"]), match["what"]))
    return found


def assert_failed_cleanly(result: subprocess.CompletedProcess[str], talk: Path) -> None:
    """Non-zero exit, no traceback, the old site untouched and no build folder left over."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert (talk / "site" / "MARKER").read_text() == "the previous build\n"
    leftovers = [path.name for path in talk.iterdir() if path.name.startswith("site.")]
    assert leftovers == []


def replace(path: Path, old: str, new: str) -> int:
    """Replace `old` once in `path`; returns the line number where it was."""
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


def test_a_slide_including_a_missing_section_names_the_slide_and_line(talk: Path) -> None:
    line = replace(talk / "talk/slides.md", "first-layer/ask.py:ask", "first-layer/ask.py:nosuch")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert problems(result) == [
        (
            "talk/slides.md",
            line,
            "slide 2 ('The first layer'): snippets/first-layer/ask.py has no section 'nosuch';"
            " expected one of: ask",
        )
    ]


def test_a_page_including_a_missing_snippet_names_the_page_and_line(talk: Path) -> None:
    line = replace(
        talk / "docs/first-layer.md", 'snippet("first-layer/ask.py"', 'snippet("first-layer/no.py"'
    )
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert problems(result) == [
        (
            "docs/first-layer.md",
            line,
            "snippets/first-layer/no.py does not exist; expected a file there",
        )
    ]


def test_a_snippet_without_its_recorded_output_says_how_to_record_it(talk: Path) -> None:
    (talk / "snippets/first-layer/ask.out").unlink()
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    (source, _, what), (on_slide, _, slide_what) = problems(result)
    assert source == "docs/first-layer.md"
    assert what == (
        "snippets/first-layer/ask.py has no recorded output; expected"
        " snippets/first-layer/ask.out: run `talksite record snippets/first-layer/ask.py`"
    )
    # The slide that shows the output says the same.
    assert on_slide == "talk/slides.md"
    assert slide_what.endswith(
        "snippets/first-layer/ask.out does not exist; expected the recorded output of"
        " snippets/first-layer/ask.py: run `talksite record snippets/first-layer/ask.py`"
    )


def test_a_recorded_output_without_provenance_fails_the_build(talk: Path) -> None:
    (talk / "snippets/first-layer/ask.out.json").unlink()
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert problems(result) == [
        (
            "snippets/first-layer/ask.out.json",
            1,
            "ask.out has no provenance; expected ask.out.json beside it:"
            " run `talksite record` on its snippet",
        )
    ]


def test_every_problem_in_every_file_is_reported_in_one_build(talk: Path) -> None:
    talk_line = replace(talk / "talk/talk.yml", "timezone: ", "timezone: Mars/Olympus_Mons #")
    speaker_line = replace(talk / "talk/talk.yml", "\nspeaker:\n", "\nspeaker:\n") + 1
    name_line = replace(talk / "talk/talk.yml", "  name: ", "  nickname: ")
    slide_line = replace(talk / "talk/slides.md", "ask.py:ask", "ask.py:gone")
    directive = "# talksite: replica\n"
    (talk / "snippets/first-layer/extra.py").write_text(f"{directive}# talksite: sometimes\n")
    page_line = replace(talk / "docs/first-layer.md", '"ask")', '"asked")')
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    reported = {(source, line) for source, line, _ in problems(result)}
    assert reported == {
        ("talk/talk.yml", talk_line),
        ("talk/talk.yml", name_line),  # the unknown key
        ("talk/talk.yml", speaker_line),  # ... and the mapping that now lacks `name`
        ("talk/slides.md", slide_line),
        ("snippets/first-layer/extra.py", 2),
        ("docs/first-layer.md", page_line),
    }
    assert "6 problems in the talk's files" in result.stderr


def test_a_broken_link_in_a_strict_build_leaves_the_previous_site(talk: Path) -> None:
    with (talk / "docs/first-layer.md").open("a") as page:
        page.write("\nSee [the missing page](missing.md).\n")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert "missing.md" in result.stderr
    assert "site/ is unchanged" in result.stderr


def test_a_successful_build_replaces_the_previous_site(talk: Path) -> None:
    replace(talk / "docs/first-layer.md", "# The first layer", "# The first layer, renamed")
    result = run_talksite("build", cwd=talk)
    assert result.returncode == 0, result.stderr
    assert not (talk / "site/MARKER").exists()
    assert "The first layer, renamed" in (talk / "site/first-layer/index.html").read_text()


@pytest.mark.parametrize(
    ("old", "new", "fix"),
    [
        ("      check_paths: true\n", "", "pymdownx.snippets with check_paths: true"),
        ("  - pymdownx.superfences\n", "", "add `- pymdownx.superfences`"),
        ("      base_path: [snippets]\n", "      base_path: [docs]\n", "base_path: [snippets]"),
    ],
    ids=["check_paths", "superfences", "base_path"],
)
def test_a_missing_markdown_setting_stops_at_once_with_the_fix(
    talk: Path, old: str, new: str, fix: str
) -> None:
    replace(talk / "mkdocs.yml", old, new)
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert fix in error
    assert "mkdocs.yml" in error


def test_a_defence_matrix_that_does_not_name_the_layers_is_one_line(talk: Path) -> None:
    matrix = "first-layer  outage\nhole         long: all night\nfixed        none\n"
    (talk / "snippets/first-layer/matrix.out").write_text(matrix.replace("first-layer", "x"))
    with (talk / "docs/first-layer.md").open("a") as page:
        page.write('\n{{ swiss_cheese("first-layer/matrix.out") }}\n')
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    ((source, line, what),) = problems(result)
    assert (source, line) == ("snippets/first-layer/matrix.out", 1)
    assert "expected the layers' slugs from talk.yml" in what

    (talk / "snippets/first-layer/matrix.out").write_text(matrix)
    result = run_talksite("build", cwd=talk)
    assert result.returncode == 0, result.stderr
    page = (talk / "site/first-layer/index.html").read_text()
    assert page.count('<svg role="img"') == 3  # the all-holes run large, then both runs
