"""The checks as pytest tests, generated from the talk's mkdocs.yml: no test file needed.

When pytest collects the talk's ``mkdocs.yml`` (the one in pytest's rootdir or the nearest
folder above it, as for the snippets) and it lists the talksite plugin (``pytest`` in the talk's
folder, or ``pytest mkdocs.yml``), it gets one test per check, named after it:
``mkdocs.yml::links``, ``mkdocs.yml::axe-dark``. The session builds the site once (once for all
of pytest-xdist's workers), serves it, and starts one Chromium per process for the browser
checks. A failure is the check's problems, one line each. Without a browser the browser checks
are skipped with the reason, except under ``CI=true``, where they fail.

:mod:`talksite.testing`, the plugin the ``pytest11`` entry point loads, imports these hooks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from talksite.checks.registry import BUILD, CHECKS, Check
from talksite.checks.run import Checking
from talksite.errors import SetupError
from talksite.project import CONFIG_NAME, PLUGIN_NAME, find_config_file, load_project

__all__ = [
    "CheckItem",
    "TalkChecks",
    "pytest_collect_file",
    "pytest_sessionfinish",
    "run_folder",
]

BROWSER_MARKER = "browser"
_CHECKING = pytest.StashKey[Checking]()
#: A plugins: entry naming talksite, with or without options.
_LISTS_PLUGIN = re.compile(rf"^\s*-\s*{PLUGIN_NAME}\s*:?\s*(?:#.*)?$", re.MULTILINE)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> TalkChecks | None:
    # Only the talk's own: other mkdocs.yml files (a test's made-up talk) are data.
    if file_path.name != CONFIG_NAME or file_path.resolve() != _talk_config(parent.config):
        return None
    if not _LISTS_PLUGIN.search(file_path.read_text(encoding="utf-8", errors="replace")):
        return None
    return TalkChecks.from_parent(parent, path=file_path)


def pytest_sessionfinish(session: pytest.Session) -> None:
    checking = session.config.stash.get(_CHECKING, None)
    if checking is not None:
        del session.config.stash[_CHECKING]
        checking.__exit__(None, None, None)


class TalkChecks(pytest.File):
    """The talk's mkdocs.yml, as a collector of its checks."""

    def collect(self) -> Iterator[CheckItem]:
        for check in CHECKS:
            yield CheckItem.from_parent(self, name=check.name, check=check)


class ProblemsFound(Exception):
    """A check's problems, one per line."""


class CheckItem(pytest.Item):
    """One check of the talk."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        if check.browser:
            self.add_marker(BROWSER_MARKER)

    def runtest(self) -> None:
        checking = _checking(self.config, self.path)
        result = checking.run(self.check)
        if result.not_run is not None:
            if self.check.name != BUILD and not checking.target().build.ok:
                pytest.fail(f"{result.not_run}: {self.path.name}::{BUILD}", pytrace=False)
            pytest.skip(result.not_run)
        if result.problems:
            raise ProblemsFound("\n".join(result.problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ProblemsFound):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"talksite check: {self.check.summary}"


def _talk_config(config: pytest.Config) -> Path | None:
    """The talk's mkdocs.yml: in pytest's rootdir, or the nearest folder above it."""
    try:
        return find_config_file(config.rootpath)
    except SetupError:
        return None


def run_folder(config: pytest.Config) -> Path:
    """The session's temporary folder (pytest's tmp_path_factory, which items that are not
    functions reach through the config); under xdist, the run's, above each worker's own, so
    that what one worker makes there the others find (the checks' build, and the fixtures a
    repository shares the same way)."""
    folder: Path = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    # An xdist worker has workerinput; the variable alone is no proof: a test that runs
    # pytest in a subprocess passes its own worker's PYTEST_XDIST_WORKER on to it.
    if hasattr(config, "workerinput"):
        folder = folder.parent
    return folder


def _checking(config: pytest.Config, config_file: Path) -> Checking:
    """The session's checks of the talk, shared by this process's check tests."""
    checking = config.stash.get(_CHECKING, None)
    if checking is None:
        # The workers share one build (and a repository's tests can share it too).
        checking = Checking(load_project(config_file), run_folder(config), shared=True)
        config.stash[_CHECKING] = checking
    return checking
