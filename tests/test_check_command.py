"""`talksite check` on a new talk: each mistake, introduced one at a time into a copy, fails it
with one line naming the file and line to fix. (That the clean new talk passes every check the
pytest plugin generates is shown by its own first ``make test``, in test_packaging.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from command_support import run_talksite
from shared_support import made_once

TIMEOUT_S = 300
POINTS = "".join(f"- point {n}\n" for n in range(1, 31))
LONG_SLIDE = f"""
---
{{: #long }}
## A slide that runs on

{POINTS}
???
Too much for one slide.
"""


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        timeout=TIMEOUT_S,
        check=False,
    )


def check(talk: Path, *only: str, **env: str) -> subprocess.CompletedProcess[str]:
    options = [f"--only={name}" for name in only]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}
    return run_talksite("check", *options, cwd=talk, env=env, timeout=TIMEOUT_S)


def _made_with_reveal(folder: Path) -> None:
    for command in (
        [sys.executable, "-m", "talksite.cli", "new", str(folder)],
        ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
    ):
        result = run(command, folder if folder.is_dir() else folder.parent)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def new_talk(pytestconfig: pytest.Config) -> Path:
    """A new talk, made by the command, with reveal.js installed as its Makefile would (once
    for all workers)."""
    return made_once(pytestconfig, "checked-talk", _made_with_reveal)


@pytest.fixture
def copy(new_talk: Path, tmp_path: Path) -> Path:
    """A copy of the new talk to put a mistake in (reveal.js shared, not copied)."""
    folder = tmp_path / "talk"
    shutil.copytree(new_talk, folder, ignore=shutil.ignore_patterns("node_modules", "site"))
    (folder / "node_modules").symlink_to(new_talk / "node_modules")
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) in ``path``; the line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout.splitlines()[3:]  # after what it ran on: PostgreSQL, data, browser


def test_a_broken_link_fails_at_its_line(copy: Path) -> None:
    page = copy / "docs" / "first-layer.md"
    line = page.read_text(encoding="utf-8").count("\n") + 1
    with page.open("a", encoding="utf-8") as file:
        file.write("See [the missing page](missing.md).\n")
    assert problems(check(copy, "links")) == [
        f"docs/first-layer.md:{line}: link 'missing.md':"
        " the target is not found among documentation files."
    ]


@pytest.mark.browser
def test_a_slide_that_runs_off_the_bottom_fails_at_its_line(copy: Path) -> None:
    slides = copy / "talk" / "slides.md"
    edit(slides, "\n---\n{: #thanks }", LONG_SLIDE + "\n---\n{: #thanks }")
    line = slides.read_text(encoding="utf-8").splitlines().index("{: #long }") + 1
    found = problems(check(copy, "slide-fit"))
    assert len(found) == 1, found
    assert found[0].startswith(
        f"talk/slides.md:{line}: slide 3 ('A slide that runs on'): runs off the bottom:"
    ), found
    assert found[0].endswith("; expected 1280x720")


def test_a_slide_without_notes_fails_unless_the_talk_turns_that_off(copy: Path) -> None:
    slides = copy / "talk" / "slides.md"
    line = edit(slides, "{: #thanks }", "{: #thanks }")
    edit(slides, "???\nSay where the audience", "Say where the audience")
    assert problems(check(copy, "notes")) == [
        f"talk/slides.md:{line}: slide 3 ('Thank you'): no speaker notes;"
        " write them after a line of ???"
    ]
    edit(copy / "mkdocs.yml", "      snippets_dir: snippets\n", "      require_notes: false\n"
         "      snippets_dir: snippets\n")  # fmt: skip
    result = check(copy, "notes")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_a_browser_the_browser_checks_are_skipped_but_not_under_ci(copy: Path) -> None:
    missing = {"TALKSITE_CHROMIUM": str(copy / "no-chromium"), "CI": ""}
    result = check(copy, "keyboard", **missing)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "talksite: keyboard not run: cannot launch Chromium" in result.stderr
    found = problems(check(copy, "keyboard", **{**missing, "CI": "true"}))
    assert len(found) == 1 and found[0].startswith("cannot launch Chromium"), found
    assert found[0].endswith("; CI must run the browser checks")
