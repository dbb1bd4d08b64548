"""Running the checks for one talk: the build, the local server and Chromium, each made once
when a check first needs it and shared by the rest (:class:`Checking`).

A check that cannot run here is not run, with the reason: every check but the build's when
the site did not build, the browser checks when no Chromium starts. Under ``CI=true`` a
missing browser is a problem instead: CI must run everything.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from talksite.checks.browser import BrowserUnavailable, Chromium
from talksite.checks.pages import serve
from talksite.checks.registry import BUILD, Check, Target
from talksite.checks.site import Build, build, build_once
from talksite.project import Project

__all__ = ["Checking", "Result"]


@dataclass(frozen=True)
class Result:
    """What one check found, or why it was not run; and how long it took."""

    check: Check
    problems: tuple[str, ...] = ()
    not_run: str | None = None
    seconds: float = 0.0


class Checking:
    """The checks of one talk, built into ``folder``; use as a context manager.

    With ``shared``, processes that check the same talk into the same folder share one build
    (:func:`~talksite.checks.site.build_once`): pytest-xdist's workers.
    """

    def __init__(self, project: Project, folder: Path, *, shared: bool = False) -> None:
        self.project = project
        self._folder = folder
        self._shared = shared
        self._target: Target | None = None
        self._chromium: Chromium | BrowserUnavailable | None = None
        self._resources = contextlib.ExitStack()

    def __enter__(self) -> Checking:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._resources.close()

    def target(self) -> Target:
        """The site, built (once) and served."""
        if self._target is None:
            config = self.project.config_file
            if self._shared:
                made: Build = build_once(config, self._folder)
            else:
                made = build(config, self._folder / "site")
            url = self._resources.enter_context(serve(made.site.root)) if made.ok else ""
            self._target = Target(self.project, made, url)
        return self._target

    def chromium(self) -> Chromium:
        """Chromium, started once; :class:`BrowserUnavailable` (each time) if it cannot be."""
        if self._chromium is None:
            try:
                self._chromium = Chromium.start()
                self._resources.callback(self._chromium.close)
            except BrowserUnavailable as error:
                self._chromium = error
        if isinstance(self._chromium, BrowserUnavailable):
            raise self._chromium
        return self._chromium

    def run(self, check: Check) -> Result:
        """Run ``check``: its problems, or why it was not run here."""
        target = self.target()
        started = time.monotonic()
        if check.name != BUILD and not target.build.ok:
            return Result(check, not_run="the site did not build (see the build check)")
        try:
            if check.browser:
                problems = self.chromium().run(check.find, target)
            else:
                problems = check.find(target)
        except BrowserUnavailable as error:
            if os.environ.get("CI") == "true":
                return Result(check, (f"{error}; CI must run the browser checks",))
            return Result(check, not_run=str(error))
        except AssertionError as error:  # a page that could not be used (a script error)
            problems = [str(error)]
        seconds = time.monotonic() - started
        if check.name == BUILD:
            seconds += target.build.seconds
        return Result(check, tuple(problems), seconds=seconds)
