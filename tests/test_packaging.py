"""Packaging: the release build passes PyPI's checks, and its wheel, in a fresh virtualenv and
without this source tree, is all a talk needs.

The release is built as it would be published, ``python -m build`` (an sdist, then the wheel
from the sdist, in an isolated environment whose setuptools comes from the package index),
from a copy of the repository that is deleted before anything is installed; ``twine check
--strict`` passes on both. The virtualenv has no system site-packages and gets its dependencies
from the package index. A new talk, made outside the repository by that virtualenv's
``talksite new``, then runs its own ``make test site`` as it is, with no override, as a new
speaker's first run would (issue 25's "green on first use"): it makes its own ``.venv`` and
installs the copy of the wheel ``talksite new`` put in its ``vendor/``; its snippet test and
every check the pytest plugin generates pass, and a strict build's deck takes reveal.js from
the talk's own ``npm ci``.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

import talksite
from talksite.checks.registry import CHECKS
from talksite.scaffold.origin import VENDOR_DIR

#: One worker builds the wheel and the virtualenv (module fixtures) and runs every test here.
pytestmark = pytest.mark.xdist_group("packaging")

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 900
#: What the workflows run: each installs talksite through the Makefile's `install`.
MAKE_RUN = re.compile(r"^make( (install|test|site|record))+$")
#: Not part of the package, and large or private: left out of the copy the wheel is built from.
#: Left out at the top level only: the package has a talksite/site/ of its own.
NOT_SOURCE = (".git", ".venv", "node_modules", "site", "build", "dist", "artifacts")
#: Left out at any depth.
NOT_SOURCE_PATTERNS = ("*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", ".cache")


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
def dist(work: Path) -> Path:
    """The folder ``python -m build`` wrote the sdist and the wheel into."""
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=not_source)
    dist = work / "dist"
    ok(run([sys.executable, "-m", "build", "--outdir", str(dist), "."], source))
    shutil.rmtree(source)
    return dist


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (built,) = dist.glob("talksite-*.whl")
    return built


@pytest.fixture(scope="module")
def sdist(dist: Path) -> Path:
    (built,) = dist.glob("talksite-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def venv(work: Path, wheel: Path) -> Path:
    """A virtualenv with the wheel installed. This environment's pip installs into it (pip
    --python): it needs no pip of its own, which would cost ensurepip's 3 s."""
    venv = work / "venv"
    ok(run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work))
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    ok(run([*pip, "install", "-q", "--no-compile", str(wheel)], work))
    return venv


@pytest.fixture(scope="module")
def talksite_new(work: Path, venv: Path) -> tuple[Path, str]:
    """A new talk, made outside the repository by the installed ``talksite new``; what it said."""
    folder = work / "talks" / "packaged-talk"
    folder.parent.mkdir()
    said = ok(run([str(venv / "bin" / "talksite"), "new", str(folder)], folder.parent)).stdout
    return folder, said


@pytest.fixture(scope="module")
def packaged_talk(talksite_new: tuple[Path, str]) -> Path:
    return talksite_new[0]


@pytest.fixture(scope="module")
def made(packaged_talk: Path) -> str:
    """The new talk's own first ``make test site``, as it is, with no override; its output."""
    started = time.monotonic()
    result = ok(run(["make", "test", "site"], packaged_talk))
    print(f"\nthe new talk's first make test site: {time.monotonic() - started:.0f} s")
    return result.stdout


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
    assert "{build,run,record,new,check,chapters,present}" in result.stdout


def test_the_mkdocs_plugin_is_found_through_its_entry_point(venv: Path) -> None:
    found = python_says(
        venv,
        "from importlib.metadata import entry_points;"
        " (ep,) = entry_points(group='mkdocs.plugins', name='talksite');"
        " print(ep.value, ep.load().__name__)",
    )
    assert found == "talksite.site.plugin:TalksitePlugin TalksitePlugin"


def test_a_new_talk_passes_its_tests_and_builds_with_the_installed_wheel(
    talksite_new: tuple[Path, str], made: str, wheel: Path
) -> None:
    folder, said = talksite_new
    # Its snippet and every check the pytest plugin generates from its mkdocs.yml, all passed.
    assert re.search(r"^tests/test_snippets\.py \. ", made, re.M), made
    assert re.search(rf"^mkdocs\.yml \.{{{len(CHECKS)}}} ", made, re.M), made
    assert re.search(rf"\b{1 + len(CHECKS)} passed\b", made), made
    assert "skipped" not in made and "failed" not in made
    # The header says what they ran on: the embedded PostgreSQL and Chromium.
    assert re.search(r"^talksite: PostgreSQL: PostgreSQL \d+\.\d+, embedded", made, re.M), made
    assert re.search(r"^talksite: browser: .*Chromium", made, re.M), made
    # It installed the talk's own copy of the wheel talksite came from.
    assert talksite_default(folder) == f"{VENDOR_DIR}/{wheel.name}"
    assert f"install talksite as this one was: {VENDOR_DIR}/{wheel.name}\n" in said
    installed = ok(run([str(folder / ".venv" / "bin" / "talksite"), "--version"], folder))
    assert installed.stdout.startswith("talksite ")
    # Installed once, until the Makefile changes.
    assert "pip install" not in ok(run(["make", "install"], folder)).stdout
    site = folder / "site"
    assert (site / "first-layer" / "index.html").is_file()
    for name in ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js"):
        assert (site / "slides" / "reveal" / name).is_file(), name
    # The deck's reveal.js came from the talk's own npm ci, not from any checkout.
    assert (folder / "node_modules" / "reveal.js" / "package.json").is_file()


def talksite_default(folder: Path) -> str:
    (line,) = [
        line
        for line in (folder / "Makefile").read_text(encoding="utf-8").splitlines()
        if line.startswith("TALKSITE ?= ")
    ]
    return line.removeprefix("TALKSITE ?= ")


def test_the_workflows_install_a_source_a_ci_runner_has(packaged_talk: Path) -> None:
    # Every workflow that installs talksite does it through make, so from the Makefile's
    # TALKSITE; none names another source.
    runs = []
    for workflow in sorted((packaged_talk / ".github" / "workflows").glob("*.yml")):
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            runs += [step["run"] for step in job["steps"] if "run" in step]
    commands = [line.strip() for run in runs for line in run.splitlines()]
    assert [c for c in commands if "talksite" in c and not c.startswith("make")] == []
    assert {c for c in commands if c.startswith("make")} == {
        "make test",
        "make install",
        "make record",
        "make site",
    }
    assert all(MAKE_RUN.match(c) for c in commands if c.startswith("make"))
    # That source is a file in the talk which a push carries: git does not ignore it.
    source = talksite_default(packaged_talk)
    assert (packaged_talk / source).is_file()
    tracked = run(["git", "add", "--dry-run", "--all"], packaged_talk)
    if tracked.returncode != 0:  # not a git repository yet
        ok(run(["git", "init", "-q"], packaged_talk))
        tracked = ok(run(["git", "add", "--dry-run", "--all"], packaged_talk))
    assert f"add '{source}'" in tracked.stdout.splitlines()
    # And pip installs it in a fresh virtualenv, as CI's `make install` would.
    ok(
        run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "-q", source],
            packaged_talk,
        )
    )


def test_without_npm_ci_the_build_names_the_fix(
    work: Path, venv: Path, packaged_talk: Path
) -> None:
    """A talk that pins reveal.js but has not installed it: the error says what to run."""
    bare = work / "talks" / "without-node-modules"
    # Without its .venv too: thousands of files, and this build runs the wheel's virtualenv.
    left_out = shutil.ignore_patterns("node_modules", "site", ".venv")
    shutil.copytree(packaged_talk, bare, ignore=left_out)
    result = run([str(venv / "bin" / "mkdocs"), "build", "--strict", "--site-dir", "site"], bare)
    assert result.returncode != 0
    assert f"reveal.js is not installed: run `npm ci` in {bare}" in result.stderr


def test_the_new_talks_makefile_installs_its_copy_of_the_wheel(
    talksite_new: tuple[Path, str], wheel: Path
) -> None:
    """talksite came from the wheel: the talk carries a copy and installs it, in CI too."""
    folder, said = talksite_new
    makefile = (folder / "Makefile").read_text(encoding="utf-8")
    assert f"\nTALKSITE ?= vendor/{wheel.name}\n" in makefile
    assert (folder / "vendor" / wheel.name).read_bytes() == wheel.read_bytes()
    assert f"install talksite as this one was: vendor/{wheel.name}" in said


# -- the release build -------------------------------------------------------------------------


def package_files() -> list[str]:
    """Every file of the talksite package in the source tree: modules, templates and assets."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "talksite").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def test_twine_check_passes_on_the_sdist_and_the_wheel(dist: Path) -> None:
    built = sorted(str(path) for path in dist.iterdir())
    assert len(built) == 2, built
    result = ok(run([sys.executable, "-m", "twine", "check", "--strict", *built], dist))
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_carries_every_module_template_and_asset(wheel: Path) -> None:
    expected = package_files()
    data = [name for name in expected if not name.endswith(".py")]
    # Templates, stylesheets, the deck's theme and the scaffold: what package-data must list.
    assert any("/templates/" in name for name in data)
    assert any("/assets/" in name for name in data)
    assert any("/scaffold/template/" in name for name in data)
    with zipfile.ZipFile(wheel) as archive:
        carried = set(archive.namelist())
    assert [name for name in expected if name not in carried] == []


def test_the_sdist_carries_the_package_the_readme_and_the_license(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        carried = {name.partition("/")[2] for name in archive.getnames()}
    expected = [*package_files(), "README.md", "LICENSE", "pyproject.toml"]
    assert [name for name in expected if name not in carried] == []


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_string(archive.read(name).decode("utf-8"))


def test_the_version_lives_in_talksite_init_only(wheel: Path, sdist: Path) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "talksite.__version__"}
    assert wheel_metadata(wheel)["Version"] == talksite.__version__
    assert sdist.name == f"talksite-{talksite.__version__}.tar.gz"


def test_the_metadata_shows_the_readme_license_and_python_on_pypi(wheel: Path) -> None:
    metadata = wheel_metadata(wheel)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Description-Content-Type"] == "text/markdown"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert metadata.get_payload().strip() == readme.strip(), "the README is not the description"
    assert "Framework :: MkDocs" in metadata.get_all("Classifier")


def test_the_readme_has_no_relative_link_pypi_could_not_follow() -> None:
    """On PyPI the README is the project's page, away from the repository's files."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)", readme) + re.findall(r'src="([^"]+)"', readme)
    assert [t for t in targets if not t.startswith(("https://", "http://", "#"))] == []
