"""Headless Chromium for the browser checks, driven from a thread of its own.

Playwright's synchronous API allows one instance per thread; a talk's own tests (or
pytest-playwright) may run one in the main thread. The checks' Chromium lives in a thread of
its own, so both can run in one session: :meth:`Chromium.run` calls a function there with the
browser. Chromium is Debian's ``/usr/bin/chromium`` (or ``TALKSITE_CHROMIUM``), else the one
``playwright install chromium`` downloads.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from talksite.deck.pdf import CHROMIUM_ARGS, chromium_executable
from talksite.errors import TalksiteError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

__all__ = ["BrowserUnavailable", "Chromium", "describe_browser"]

Result = TypeVar("Result")
HOW_TO_INSTALL = "apt-get install chromium, or playwright install chromium"


class BrowserUnavailable(TalksiteError):
    """No Chromium could be started here; the message says why and how to get one."""


class Chromium:
    """One headless Chromium, started by :meth:`start`, used through :meth:`run`."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talksite-chromium")
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    @classmethod
    def start(cls) -> Chromium:
        """Chromium, launched; :class:`BrowserUnavailable` if it cannot be."""
        chromium = cls()
        try:
            chromium._thread.submit(chromium._launch).result()
        except BrowserUnavailable:
            chromium.close()
            raise
        return chromium

    def _launch(self) -> None:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise BrowserUnavailable(
                "Playwright is not installed (pip install playwright)"
            ) from None
        executable = chromium_executable()
        if executable is not None and not os.access(executable, os.X_OK):
            # Said here: Playwright's failed launch would leave its profile folders behind.
            raise BrowserUnavailable(
                f"cannot launch Chromium: {executable} is not an executable file ({HOW_TO_INSTALL})"
            )
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_ARGS), headless=True
            )
        except Error as error:
            first_line = str(error).strip().splitlines()[0]
            raise BrowserUnavailable(
                f"cannot launch Chromium: {first_line} ({HOW_TO_INSTALL})"
            ) from None

    def run(self, function: Callable[..., Result], *args: Any) -> Result:
        """``function(browser, *args)`` in Chromium's thread; its contexts closed after."""
        return self._thread.submit(self._call, function, args).result()

    def _call(self, function: Callable[..., Result], args: tuple[Any, ...]) -> Result:
        assert self._browser is not None, "Chromium.start() launches the browser"
        try:
            return function(self._browser, *args)
        finally:
            for context in self._browser.contexts:
                context.close()

    def close(self) -> None:
        """Stop Chromium and Playwright, and the thread."""
        self._thread.submit(self._stop).result()
        self._thread.shutdown()

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


def describe_browser() -> str:
    """Which Chromium the browser checks use, with its version where it says it."""
    executable = chromium_executable()
    if executable is None:
        return "Playwright's own Chromium (playwright install chromium)"
    try:
        version = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{executable} (its version unknown: {error})"
    return f"{version or 'Chromium'} ({executable})"
