"""Green on first use: a talk made by a talksite installed from a wheel passes its first
``make test`` with no override, and its workflows name a source a CI runner can install.

The wheel is built once for the module, from a copy of this repository without its ``.git``
(as ``tests/test_packaging.py`` builds the release), and installed into a fresh virtualenv
whose ``talksite new`` makes the talk. The talk's ``make test`` then makes its own ``.venv``
and installs what its Makefile names, as a new speaker's would. How talksite new reads pip's
record of an install (``direct_url.json``) is checked on the records PEP 610 describes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import talksite
from talksite.scaffold.origin import VENDOR_DIR, Origin, origin_from_record

pytestmark = pytest.mark.xdist_group("first_use")

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 900
#: Not part of the source the wheel is built from (at the top level, and at any depth).
NOT_SOURCE = (".git", ".venv", "node_modules", "site", "build", "dist", "artifacts")
NOT_SOURCE_PATTERNS = ("*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", ".cache")
#: What the workflows run: each installs talksite through the Makefile's `install`.
MAKE_RUN = re.compile(r"^make( (install|test|site|record))+$")


def clean_env() -> dict[str, str]:
    """The environment without anything that could make Python find this source tree."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    }
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def ok(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=TIMEOUT_S
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def not_source(folder: str, names: list[str]) -> set[str]:
    left_out = set(shutil.ignore_patterns(*NOT_SOURCE_PATTERNS)(folder, names))
    if Path(folder) == ROOT:
        left_out |= set(NOT_SOURCE) & set(names)
        left_out |= {name for name in names if name.startswith("site.")}
    return left_out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=not_source)
    ok([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), "."], source)
    shutil.rmtree(source)
    (built,) = (work / "dist").glob("talksite-*.whl")
    return built


@pytest.fixture(scope="module")
def new_talk(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> tuple[Path, str]:
    """A talk made by the wheel's ``talksite new``, outside this repository; what it said."""
    work = tmp_path_factory.mktemp("first-use")
    venv = work / "venv"
    ok([sys.executable, "-m", "venv", str(venv)], work)
    ok([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], work)
    folder = work / "talks" / "my-talk"
    folder.parent.mkdir()
    made = ok([str(venv / "bin" / "talksite"), "new", str(folder)], folder.parent)
    shutil.rmtree(venv)  # the talk must not need it
    return folder, made.stdout


@pytest.fixture(scope="module")
def make_test_runs(new_talk: tuple[Path, str]) -> list[tuple[float, str]]:
    """``make test`` twice, as it is: the first installs everything, the second nothing."""
    folder = new_talk[0]
    runs = []
    for _ in range(2):
        started = time.monotonic()
        result = ok(["make", "test"], folder)
        runs.append((time.monotonic() - started, result.stdout))
    print(f"\nthe new talk's make test: first {runs[0][0]:.0f} s, warm {runs[1][0]:.1f} s")
    return runs


def talksite_default(folder: Path) -> str:
    (line,) = [
        line
        for line in (folder / "Makefile").read_text(encoding="utf-8").splitlines()
        if line.startswith("TALKSITE ?= ")
    ]
    return line.removeprefix("TALKSITE ?= ")


def test_the_first_make_test_passes_with_no_override(
    new_talk: tuple[Path, str], make_test_runs: list[tuple[float, str]], wheel: Path
) -> None:
    folder, said = new_talk
    (first, first_output), (_, warm_output) = make_test_runs
    assert re.search(r"\b1 passed\b", first_output), first_output
    assert re.search(r"\b1 passed\b", warm_output), warm_output
    assert "pip install" not in warm_output  # installed once, until the Makefile changes
    # It installed the talk's own copy of the wheel talksite came from.
    assert talksite_default(folder) == f"{VENDOR_DIR}/{wheel.name}"
    assert f"install talksite as this one was: {VENDOR_DIR}/{wheel.name}\n" in said
    installed = ok([str(folder / ".venv" / "bin" / "talksite"), "--version"], folder).stdout
    assert installed.startswith("talksite ")


def test_the_workflows_install_a_source_a_ci_runner_has(new_talk: tuple[Path, str]) -> None:
    folder, _ = new_talk
    # Every workflow that installs talksite does it through make, so from the Makefile's
    # TALKSITE; none names another source.
    runs = []
    for workflow in sorted((folder / ".github" / "workflows").glob("*.yml")):
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
    source = talksite_default(folder)
    assert (folder / source).is_file()
    ok(["git", "init", "-q"], folder)
    tracked = ok(["git", "add", "--dry-run", "--all"], folder).stdout
    assert f"add '{source}'" in tracked.splitlines()
    # And pip installs it in a fresh virtualenv, as CI's `make install` would.
    ok(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "-q", source],
        folder,
    )


# -- pip's record of an install (PEP 610), read --------------------------------------------


def test_an_install_from_a_package_index_names_this_release() -> None:
    assert origin_from_record(None) == Origin(f"talksite=={talksite.__version__}")


def test_an_install_from_git_pins_the_commit_pip_checked_out() -> None:
    record = {
        "url": "https://github.com/owner/talksite.git",
        "vcs_info": {"vcs": "git", "commit_id": "7" * 40, "requested_revision": "main"},
    }
    assert origin_from_record(record) == Origin(
        f"talksite @ git+https://github.com/owner/talksite.git@{'7' * 40}"
    )


def test_a_local_git_repository_is_named_but_ci_cannot_reach_it() -> None:
    record = {"url": "file:///srv/talksite", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}
    assert origin_from_record(record) == Origin(
        f"talksite @ git+file:///srv/talksite@{'a' * 40}", reachable=False
    )


def test_a_wheel_on_this_machine_is_copied_into_the_talk(tmp_path: Path) -> None:
    wheel = tmp_path / "talksite-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    record = {"url": wheel.as_uri(), "archive_info": {"hashes": {"sha256": "0" * 64}}}
    assert origin_from_record(record) == Origin(
        f"{VENDOR_DIR}/{wheel.name}", archive=wheel, reachable=True
    )


def test_a_wheel_that_is_gone_is_named_and_said_to_be_out_of_reach(tmp_path: Path) -> None:
    gone = tmp_path / "talksite-0.1.0.tar.gz"
    record = {"url": gone.as_uri(), "archive_info": {}}
    assert origin_from_record(record) == Origin(str(gone), reachable=False)


def test_an_archive_at_a_url_is_installed_from_that_url() -> None:
    url = "https://example.org/talksite-0.1.0-py3-none-any.whl"
    assert origin_from_record({"url": url, "archive_info": {}}) == Origin(f"talksite @ {url}")


def test_a_folder_that_is_no_git_checkout_is_named_as_it_is(tmp_path: Path) -> None:
    record = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    assert origin_from_record(record) == Origin(str(tmp_path), reachable=False)


def test_a_git_checkout_gives_its_remote_and_commit(tmp_path: Path) -> None:
    checkout = tmp_path / "talksite"
    checkout.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    ok(["git", "init", "-q"], checkout)
    ok([*git, "commit", "-q", "--allow-empty", "-m", "first"], checkout)
    ok(["git", "remote", "add", "origin", "git@github.com:owner/talksite.git"], checkout)
    head = ok(["git", "rev-parse", "HEAD"], checkout).stdout.strip()
    record = {"url": checkout.as_uri(), "dir_info": {}}
    # An scp-like remote becomes https: a CI runner has no ssh key for it.
    assert origin_from_record(record) == Origin(
        f"talksite @ git+https://github.com/owner/talksite.git@{head}"
    )
