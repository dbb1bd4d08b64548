"""talksite.testing, loaded by its entry point with no `-p`: it generates the checks from a
talk's mkdocs.yml; and under pytest-xdist's `--dist loadgroup`, privileged tests run in a row on
one worker, so that workers never queue for each other's machine turn; privileged tests whose
runs claim slots of their own (`own_slot=True`) spread over the workers; and snippet tests, which
mostly wait, are spread evenly among the others."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from talksite.checks import CHECKS

TESTS = """\
import pytest

{}
"""
ONE_TEST = """\
@pytest.mark.{mark}
def test_{number}():
    pass
"""


def run_loadgroup(test_file: Path, *, workers: int) -> subprocess.CompletedProcess[str]:
    """pytest on `test_file` with `workers` pytest-xdist workers, as make test runs it, each
    test's outcome on a line of its own."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
        + ["-n", str(workers), "--dist", "loadgroup", "-v", test_file.name],
        cwd=test_file.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def test_privileged_tests_form_one_group_on_one_worker(tmp_path: Path) -> None:
    # Odd: privileged; even: the others, half of them privileged(own_slot=True).
    marks = [
        "privileged" if number % 2 else "privileged(own_slot=True)" if number % 4 else "usefixtures"
        for number in range(12)
    ]
    (tmp_path / "test_many.py").write_text(
        TESTS.format("\n\n".join(ONE_TEST.format(mark=m, number=n) for n, m in enumerate(marks)))
    )
    result = run_loadgroup(tmp_path / "test_many.py", workers=3)
    ran = re.findall(
        r"\[(gw\d)\] .*? (?:PASSED|SKIPPED) test_many.py::test_(\d+)(\S*)", result.stdout
    )
    assert len(ran) == 12, result.stdout + result.stderr
    privileged = {(worker, suffix) for worker, number, suffix in ran if int(number) % 2}
    assert len(privileged) == 1, f"privileged tests on several workers: {privileged}"
    assert privileged.pop()[1] == "@privileged"
    others = {(worker, suffix) for worker, number, suffix in ran if not int(number) % 2}
    assert {suffix for _, suffix in others} == {""}, f"own-slot or others in a group: {others}"
    assert len({worker for worker, _ in others}) > 1, "the others should spread over the workers"


SNIPPET_TESTS = """\
from pathlib import Path

import pytest

from talksite.testing import snippet_params


@pytest.mark.parametrize("snippet", snippet_params(Path(__file__).parent / "snippets"))
def test_snippet(snippet):
    pass


{}
"""


def test_snippet_tests_are_spread_evenly_among_the_others(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / "snippets" / "layer").mkdir(parents=True, exist_ok=True)
        (tmp_path / "snippets" / "layer" / f"{name}.py").write_text(f"print({name!r})\n")
    others = "\n\n".join(f"def test_{number}():\n    pass" for number in range(8))
    (tmp_path / "test_mixed.py").write_text(SNIPPET_TESTS.format(others))
    result = run_loadgroup(tmp_path / "test_mixed.py", workers=1)
    ran = re.findall(
        r"PASSED test_mixed.py::test_(\w+)(?:\[snippets/layer/(\w)\.py\])?", result.stdout
    )
    order = [snippet or name for name, snippet in ran]
    # One worker runs them in the order scheduled: the two snippets a quarter and three
    # quarters of the way through, not side by side where the file put them.
    assert order == ["0", "1", "a", "2", "3", "4", "5", "b", "6", "7"], (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize("plugins", ["- talksite:", "- search"])
def test_the_checks_are_generated_from_the_talks_own_mkdocs_yml(
    tmp_path: Path, plugins: str
) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  {plugins}\n")
    (tmp_path / "fixtures").mkdir()  # another talk's, as data: never checked
    (tmp_path / "fixtures" / "mkdocs.yml").write_text("site_name: y\nplugins:\n  - talksite\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    want = [f"mkdocs.yml::{check.name}" for check in CHECKS] if "talksite" in plugins else []
    assert collected == want, result.stdout
