"""The checks every talk gets, in one table: what each is called, what it needs, and the
function that finds its problems (one line each, ``path:line:`` first where there is one).

``talksite check`` and the pytest plugin both run this list. A check that needs the browser
is given one (:class:`~talksite.checks.browser.Chromium` runs it in Chromium's thread); every
check but the build's own needs the built site, served at ``Target.url``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from talksite.checks import axe, cards, fit, keyboard, links, notes, privacy

if TYPE_CHECKING:
    from talksite.checks.site import Build, BuiltSite
    from talksite.project import Project

__all__ = ["BUILD", "CHECKS", "Check", "Target"]


@dataclass(frozen=True)
class Target:
    """What the checks look at: the talk, its build, and where the site is served."""

    project: Project
    build: Build
    url: str

    @property
    def site(self) -> BuiltSite:
        return self.build.site


@dataclass(frozen=True)
class Check:
    """One check: ``find(target)``, or ``find(browser, target)`` when it needs the browser."""

    name: str
    summary: str
    find: Callable[..., list[str]]
    browser: bool = False


def _build_problems(target: Target) -> list[str]:
    return list(target.build.problems)


#: The build itself is the first check (``build``): the others look at what it made.
BUILD = "build"

CHECKS: tuple[Check, ...] = (
    Check(BUILD, "the strict build and the content check pass", _build_problems),
    Check("links", "every link and anchor inside the site resolves", links.find),
    Check("social-cards", "every page's social card is a 1200x630 PNG", cards.find),
    Check("notes", "every slide has speaker notes (option require_notes)", notes.find),
    Check("slide-fit", "every slide fits 1280x720 at every step", fit.find, browser=True),
    Check("privacy", "no page asks any host but the site's own", privacy.find, browser=True),
    Check("keyboard", "the deck can be navigated by keyboard", keyboard.find, browser=True),
    Check("axe-light", "axe finds no serious violation, light", axe.find_light, browser=True),
    Check(
        "axe-dark",
        "axe's colour rules find no serious violation, dark",
        axe.find_dark,
        browser=True,
    ),
)
