"""command_support.run_talksite gives what ``python -m talksite.cli`` gives: the same status,
output and errors, in the working folder and environment it is handed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from command_support import run_talksite


def started(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "talksite.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("--no-such-option",),  # argparse's usage and status 2
        ("run", "nosuch.py"),  # talksite's own error, status 2
        ("new", "."),  # refuses a folder that is not empty
    ],
    ids=["version", "usage", "error", "refusal"],
)
def test_a_forked_command_says_what_a_started_one_says(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    (tmp_path / "something").write_text("here\n")
    env = dict(os.environ, TALKSITE_EXAMPLE="1")
    forked = run_talksite(*args, cwd=tmp_path, env=env)
    direct = started(*args, cwd=tmp_path, env=env)
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        direct.returncode,
        direct.stdout,
        direct.stderr,
    )


def test_the_command_gets_the_folder_and_environment_it_is_handed(tmp_path: Path) -> None:
    """A snippet run by path, relative to the folder handed, prints a variable handed."""
    (tmp_path / "greet.py").write_text('import os\nprint(os.environ["GREETING"])\n')
    ran = run_talksite("run", "greet.py", cwd=tmp_path, env=dict(os.environ, GREETING="hello"))
    assert (ran.returncode, ran.stdout) == (0, "hello\n"), ran.stderr
