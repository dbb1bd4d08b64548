"""The fixtures the test modules share, each defined here once.

- ``built_site``: this repository's site, built with ``talksite build`` once per session
  (once for all of pytest-xdist's workers);
- ``built_new_talk``: a talk made by ``talksite new`` and built, once per run, for tests to
  copy and change;
- ``site_url``: that site on http://127.0.0.1, for the session;
- ``this_talk``: this repository's talk/talk.yml, loaded;
- ``browser``: headless Chromium for the session (one per xdist worker: a launch costs more
  CPU than most browser tests; each test opens a context of its own). Without a Chromium that
  starts, the browser tests skip, except under ``CI=true``, where they fail: CI must run them.

The helpers behind them (and the benchmarks') are in browser_support.py; talksite.testing, a
pytest plugin, provides ``talksite_databases``, ``talksite_record`` and the ``privileged`` marker.
Tests run ``talksite`` commands through command_support.py, whose warm process ends with the
session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    REPO,
    BuiltSite,
    launch_chromium,
    make_and_build_a_new_talk,
    serve,
)
from command_support import stop_zygote
from shared_support import made_once

from talksite.checks import build_once
from talksite.checks.collect import run_folder
from talksite.postgres import Launcher
from talksite.talk import Talk, load_talk

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def pytest_sessionfinish() -> None:
    stop_zygote()


@pytest.fixture(scope="session")
def built_site(pytestconfig: pytest.Config) -> BuiltSite:
    """This talk's site, built strictly, once for every test that looks at it: the build the
    generated checks use (talksite.checks.build_once), shared by all of pytest-xdist's
    workers. Nothing writes to it."""
    made = build_once(REPO / "mkdocs.yml", run_folder(pytestconfig))
    if not made.ok:
        pytest.fail("talksite build failed:\n" + "\n".join(made.problems), pytrace=False)
    return made.site


@pytest.fixture(scope="session")
def built_new_talk(pytestconfig: pytest.Config) -> Path:
    """A talk made by ``talksite new`` and built once with ``talksite build`` (once for all
    workers), so that it has a previous site; its ``site/`` holds a file named MARKER. Tests
    change copies of it, never the talk itself."""
    return made_once(pytestconfig, "built-new-talk", make_and_build_a_new_talk)


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """The built site's address on a local server, ending in ``/``."""
    with serve(built_site.root) as url:
        yield url


@pytest.fixture(scope="session")
def this_talk() -> Talk:
    """This repository's talk, as the site reads it."""
    return load_talk(REPO / "talk" / "talk.yml", source="talk/talk.yml")


#: The session's browser, once launched (the fixture below).
LAUNCHED: list[Browser] = []


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the session."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            launched = launch_chromium(playwright)
        except Error as error:
            reason = f"cannot launch Chromium: {error}"
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason}; CI must run the browser tests (apt-get install chromium)")
            pytest.skip(f"{reason} (apt-get install chromium, or playwright install chromium)")
        LAUNCHED.append(launched)
        yield launched
        LAUNCHED.remove(launched)
        launched.close()


@pytest.fixture(autouse=True)
def _close_what_the_test_opened_in_the_browser() -> Iterator[None]:
    """The browser outlives the test: close the contexts (and so the pages) it opened."""
    yield
    for browser in LAUNCHED:
        for context in browser.contexts:
            context.close()


@pytest.fixture(scope="session")
def users_own_server_url() -> Iterator[str]:
    """A real server standing in for the user's own: talksite started it, but the tests treat
    it as named by TALKSITE_DATABASE_URL (no settings of its own, no replica). Tests that use
    it are in the xdist group :data:`shared_support.USERS_OWN_SERVER`, so one worker starts it."""
    launcher = Launcher()
    try:
        yield launcher.start("users-own").url()
    finally:
        launcher.close()
