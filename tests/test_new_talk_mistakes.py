"""A new speaker's mistakes, one at a time, in a talk fresh from ``talksite new``: each is one
line that names the file to fix, in ``make test`` (the talk's pytest) as in ``talksite build``;
and ``talksite run``'s exit statuses, diff and paths are as the README documents them.

The module makes one talk; each test breaks a copy of it (no build, no node_modules: the
problems stop everything before the deck).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from command_support import run_talksite

import talksite
from talksite.snippets.subcommands import EXIT_TIMED_OUT

TIMEOUT_S = 300
SNIPPET = "snippets/first-layer/ask.py"


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def talksite_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return run_talksite(*args, cwd=cwd, env=env, timeout=TIMEOUT_S)


def make_test(talk: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """What the talk's ``make test`` runs once installed: its pytest (on ``paths`` only, when a
    test needs no more: the checks of the site would add a build and a browser)."""
    return run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *paths], talk)


def build_problems(talk: Path) -> list[str]:
    """``talksite build``'s problem lines (it must fail, without a traceback)."""
    result = talksite_command("build", cwd=talk)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line.removeprefix("ERROR   -  ") for line in result.stderr.splitlines()]
    return [line for line in lines if re.match(r"[\w./-]+:\d+: ", line)]


def collection_error(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines pytest prints under "ERROR collecting": a collection that stopped, no trace."""
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout
    assert "Traceback" not in result.stdout
    section = result.stdout.split(" ERROR collecting tests/test_snippets.py ", 1)[1]
    lines = section.split("\n")[1:]
    return lines[: next(i for i, line in enumerate(lines) if line.startswith("="))]


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once in `path`; returns the line number where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.fixture(scope="module")
def new_talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mistakes") / "talk"
    made = talksite_command("new", str(folder), cwd=folder.parent)
    assert made.returncode == 0, made.stderr
    return folder


@pytest.fixture
def talk(new_talk: Path, tmp_path: Path) -> Path:
    """A copy of the new talk for one test to break."""
    return Path(shutil.copytree(new_talk, tmp_path / "talk"))


def test_a_mistyped_directive_is_one_line_in_make_test_as_in_the_build(talk: Path) -> None:
    snippet = talk / SNIPPET
    snippet.write_text("# talksite: timout=3\n" + snippet.read_text(encoding="utf-8"))
    (said,) = collection_error(make_test(talk))
    assert said.startswith(f"{SNIPPET}:1: unknown directive 'timout=3'; expected ")
    assert "timeout=SECONDS" in said  # what was meant is among the directives it names
    assert build_problems(talk) == [said]


def test_an_unpaired_section_marker_names_the_marker_to_add(talk: Path) -> None:
    line = line_of(talk / SNIPPET, "# --8<-- [start:ask]")
    edit(talk / SNIPPET, "# --8<-- [end:ask]\n", "")
    expected = (
        f"{SNIPPET}:{line}: section 'ask' starts here but never ends;"
        " expected `# --8<-- [end:ask]` below it"
    )
    assert collection_error(make_test(talk)) == [expected]
    # The page and the slide that show the section say nothing more.
    assert build_problems(talk) == [expected]


def test_an_end_marker_without_its_start(talk: Path) -> None:
    edit(talk / SNIPPET, "# --8<-- [start:ask]\n", "")
    end = line_of(talk / SNIPPET, "# --8<-- [end:ask]")
    expected = (
        f"{SNIPPET}:{end}: section 'ask' ends here but never starts;"
        " expected `# --8<-- [start:ask]` above it"
    )
    assert collection_error(make_test(talk)) == [expected]
    assert build_problems(talk) == [expected]


def test_a_section_a_slide_names_in_a_snippet_without_sections(talk: Path) -> None:
    edit(talk / SNIPPET, "# --8<-- [start:ask]\n", "")
    edit(talk / SNIPPET, "# --8<-- [end:ask]\n", "")
    problems = build_problems(talk)
    assert (
        "snippets/first-layer/ask.py has no section 'ask'; it has none: expected"
        " `# --8<-- [start:ask]` and `# --8<-- [end:ask]` around the lines to show"
    ) in problems[0]
    assert problems[0].startswith("docs/first-layer.md:")
    assert "expected one of: none" not in "\n".join(problems)


def test_an_unknown_key_in_talk_yml_fails_make_test_with_its_line(talk: Path) -> None:
    # reveal.js as this checkout's `npm ci` installed it: the build check builds the deck.
    (talk / "node_modules").symlink_to(Path(__file__).resolve().parent.parent / "node_modules")
    line = edit(talk / "talk" / "talk.yml", "title: ", "titel: x\ntitle: ")
    result = make_test(talk)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "Traceback" not in result.stdout
    # The build check fails with the one line; the checks that need a site say so.
    build = result.stdout.split(" the strict build and the content check pass ", 1)[1]
    assert build.split("\n")[1] == (
        f"talk/talk.yml:{line}: titel: expected one of title, abstract, speaker, event,"
        " talk_page, video, layers, found an unknown key"
    )
    assert "FAILED mkdocs.yml::build" in result.stdout


def test_a_layer_without_its_page_blames_talk_yml(talk: Path) -> None:
    talk_yml = talk / "talk" / "talk.yml"
    line = edit(
        talk_yml,
        "  - slug: first-layer\n",
        "  - slug: second-layer\n    title: Second\n    summary: More.\n  - slug: first-layer\n",
    )
    assert build_problems(talk) == [
        f"talk/talk.yml:{line}: layers[0].slug: the layer 'second-layer' has no page;"
        " expected docs/second-layer.md, with a line in mkdocs.yml's nav"
    ]


def test_a_snippet_that_runs_out_of_time(talk: Path) -> None:
    slow = talk / "snippets" / "first-layer" / "slow.py"
    slow.write_text("# talksite: timeout=1\nimport time\n\nprint('start')\ntime.sleep(30)\n")
    (talk / "snippets" / "first-layer" / "slow.out").write_text("start\n")
    tested = make_test(talk, "tests")
    assert tested.returncode == 1
    assert re.search(
        r"^_+ \S+\[snippets/first-layer/slow.py\] _+\n"
        r"snippets/first-layer/slow.py timed out after 1\.\d s; its output:\nstart\n\n",
        tested.stdout,
        re.MULTILINE,
    ), tested.stdout
    # talksite run: the documented status, and the path as given, its leading slash kept.
    ran = talksite_command("run", str(slow), cwd=talk)
    assert ran.returncode == EXIT_TIMED_OUT == 124
    assert re.fullmatch(rf"talksite: {re.escape(str(slow))} timed out after 1\.\d s\n", ran.stderr)


def test_talksite_run_shows_the_diff_and_exits_1_when_the_output_differs(talk: Path) -> None:
    edit(talk / "snippets" / "first-layer" / "ask.out", "6 * 7 = 42", "6 * 7 = 41")
    ran = talksite_command("run", SNIPPET, cwd=talk)
    assert ran.returncode == 1
    assert ran.stdout.startswith("6 * 7 = 42\n")  # live, as it ran
    assert ran.stderr.startswith(
        f"talksite: {SNIPPET} printed something else than ask.out"
        f" (`talksite record {SNIPPET}` if the change is right):\n"
        "--- ask.out (recorded)\n+++ ask.py (this run)\n"
    )
    assert "\n-6 * 7 = 41\n+6 * 7 = 42\n" in ran.stderr


def test_talksite_version(talk: Path) -> None:
    shown = talksite_command("--version", cwd=talk)
    assert (shown.returncode, shown.stdout) == (0, f"talksite {talksite.__version__}\n")


def test_the_new_talk_keeps_presenting_logs_out_of_git(new_talk: Path) -> None:
    ignored = (new_talk / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "presenting-*.jsonl" in ignored


def test_the_new_talks_slides_show_the_snippets_output_as_well_as_its_code(
    new_talk: Path,
) -> None:
    slides = (new_talk / "talk" / "slides.md").read_text(encoding="utf-8")
    assert '--8<-- "first-layer/ask.py:ask"' in slides
    assert '--8<-- "first-layer/ask.out"' in slides
    readme = (new_talk / "README.md").read_text(encoding="utf-8")
    assert '--8<-- "first-layer/ask.out"' in readme  # and says how
    assert "https://pypi.org/project/talksite/" in readme  # talksite's own documentation
