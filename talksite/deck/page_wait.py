"""Wait in a browser page until a JavaScript expression holds, under any Content-Security-Policy.

Playwright's ``wait_for_function`` evaluates its predicate with ``eval`` inside the page, again
and again; under a policy without ``'unsafe-eval'`` (every talksite page has one) that fails
now and then (microsoft/playwright#36982). ``page.evaluate`` is exempt from the policy, so this
polls with it: the page's real state, read every few milliseconds, until a deadline.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["wait_until"]

POLL_MS = 25
#: What ``page.evaluate`` raises while a navigation replaces the page: read it again.
_NAVIGATING = ("Execution context was destroyed", "Cannot find context with specified id")


def wait_until(page: Page, expression: str, *, arg: Any = None, timeout: float = 30_000) -> Any:
    """The first truthy value of `expression` (an expression, or a function of `arg`) in
    `page`; Playwright's TimeoutError after `timeout` milliseconds."""
    from playwright.sync_api import Error
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            value = page.evaluate(expression, arg)
        except Error as error:
            if not any(reason in str(error) for reason in _NAVIGATING):
                raise
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            raise PlaywrightTimeoutError(f"{expression!r} did not hold within {timeout / 1000:g} s")
        page.wait_for_timeout(POLL_MS)
