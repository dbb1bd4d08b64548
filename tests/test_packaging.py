"""Packaging: the wheel, in a fresh virtualenv and without this source tree, is all a talk needs.

The wheel is built from a copy of the repository, which is deleted before anything is
installed; the virtualenv has no system site-packages and gets its dependencies from the
package index. A new talk, made outside the repository by that virtualenv's ``talksite new``,
then runs its own ``make test site`` with it: its snippet test, and a strict build whose deck
takes reveal.js from the talk's own ``npm ci``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: One worker builds the wheel and the virtualenv (module fixtures) and runs every test here.
pytestmark = pytest.mark.xdist_group("packaging")

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600
#: Not part of the package, and large or private: left out of the copy the wheel is built from.
#: Left out at the top level only: the package has a talksite/site/ of its own.
NOT_SOURCE = (".git", ".venv", "node_modules", "site", "build", "dist", "artifacts")
#: Left out at any depth.
NOT_SOURCE_PATTERNS = ("*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache")


def clean_env() -> dict[str, str]:
    """The environment without anything that could make Python find this source tree."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    }
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=TIMEOUT_S
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def not_source(folder: str, names: list[str]) -> set[str]:
    """What the copy of the repository leaves out of `folder` (for shutil.copytree)."""
    left_out = set(shutil.ignore_patterns(*NOT_SOURCE_PATTERNS)(folder, names))
    if Path(folder) == ROOT:
        left_out |= set(NOT_SOURCE) & set(names)
        # talksite build's folders beside site/: site.building-*, site.old-*
        left_out |= {name for name in names if name.startswith("site.")}
    return left_out


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packaging")


@pytest.fixture(scope="module")
def wheel(work: Path) -> Path:
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=not_source)
    wheels = work / "wheels"
    ok(
        run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."],
            source,
        )
    )
    shutil.rmtree(source)
    (built,) = wheels.glob("talksite-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(work: Path, wheel: Path) -> Path:
    venv = work / "venv"
    ok(run([sys.executable, "-m", "venv", str(venv)], work))
    ok(
        run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--no-compile",
                str(wheel),
            ],
            work,
        )
    )
    return venv


@pytest.fixture(scope="module")
def packaged_talk(work: Path, venv: Path) -> Path:
    """A new talk, made outside the repository by the installed ``talksite new``."""
    folder = work / "talks" / "packaged-talk"
    folder.parent.mkdir()
    ok(run([str(venv / "bin" / "talksite"), "new", str(folder)], folder.parent))
    return folder


@pytest.fixture(scope="module")
def made(packaged_talk: Path, venv: Path, wheel: Path) -> str:
    """The new talk's own ``make test site``, with the virtualenv and the wheel; its output."""
    return ok(
        run(["make", "test", "site", f"VENV={venv}", f"TALKSITE={wheel}"], packaged_talk)
    ).stdout


def python_says(venv: Path, code: str) -> str:
    return ok(run([str(venv / "bin" / "python"), "-c", code], venv)).stdout.strip()


def test_the_venv_has_talksite_from_the_wheel_and_nothing_from_the_source_tree(
    venv: Path,
) -> None:
    module = Path(python_says(venv, "import talksite; print(talksite.__file__)"))
    assert module.is_relative_to(venv / "lib")
    assert python_says(venv, "import sys; print(sys.prefix != sys.base_prefix)") == "True"
    paths = python_says(venv, "import sys; print('\\n'.join(sys.path))").splitlines()
    assert [path for path in paths if path and Path(path).is_relative_to(ROOT)] == []


def test_the_talksite_command_is_installed(venv: Path) -> None:
    result = ok(run([str(venv / "bin" / "talksite"), "--help"], venv))
    assert "{build,run,record,new,present}" in result.stdout


def test_the_mkdocs_plugin_is_found_through_its_entry_point(venv: Path) -> None:
    found = python_says(
        venv,
        "from importlib.metadata import entry_points;"
        " (ep,) = entry_points(group='mkdocs.plugins', name='talksite');"
        " print(ep.value, ep.load().__name__)",
    )
    assert found == "talksite.site.plugin:TalksitePlugin TalksitePlugin"


def test_a_new_talk_passes_its_tests_and_builds_with_the_installed_wheel(
    packaged_talk: Path, made: str
) -> None:
    assert "1 passed" in made
    site = packaged_talk / "site"
    assert (site / "first-layer" / "index.html").is_file()
    for name in ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js"):
        assert (site / "slides" / "reveal" / name).is_file(), name
    # The deck's reveal.js came from the talk's own npm ci, not from any checkout.
    assert (packaged_talk / "node_modules" / "reveal.js" / "package.json").is_file()


def test_without_npm_ci_the_build_names_the_fix(
    work: Path, venv: Path, packaged_talk: Path
) -> None:
    """A talk that pins reveal.js but has not installed it: the error says what to run."""
    bare = work / "talks" / "without-node-modules"
    shutil.copytree(packaged_talk, bare, ignore=shutil.ignore_patterns("node_modules", "site"))
    result = run([str(venv / "bin" / "mkdocs"), "build", "--strict", "--site-dir", "site"], bare)
    assert result.returncode != 0
    assert f"reveal.js is not installed: run `npm ci` in {bare}" in result.stderr
