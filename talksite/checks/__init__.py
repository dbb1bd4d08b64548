"""The checks every talk gets, on its built site: the strict build and content check, links,
social cards, speaker notes, slide fit at 1280x720, no request to another host, the deck by
keyboard, and axe-core in light and dark.

One list (:data:`CHECKS`, in :mod:`~talksite.checks.registry`) is run by ``talksite check``
(:mod:`~talksite.checks.command`) and by the pytest plugin (:mod:`~talksite.checks.collect`,
loaded with :mod:`talksite.testing`), which generates one test per check from the talk's
mkdocs.yml. :class:`Checking` builds the site once, serves it, and starts one Chromium for
the checks that need it.
"""

from __future__ import annotations

from talksite.checks.browser import BrowserUnavailable, Chromium
from talksite.checks.ran_on import ran_on
from talksite.checks.registry import CHECKS, Check, Target
from talksite.checks.run import Checking, Result
from talksite.checks.site import Build, BuiltSite, build, build_once

__all__ = [
    "CHECKS",
    "BrowserUnavailable",
    "Build",
    "BuiltSite",
    "Check",
    "Checking",
    "Chromium",
    "Result",
    "Target",
    "build",
    "build_once",
    "ran_on",
]
