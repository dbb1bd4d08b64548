"""The deck can be used with the keyboard alone: the arrow keys go through every slide and
step to the last and back, and Tab reaches the colour switch, which Enter presses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from talksite import deck
from talksite.checks.pages import open_page
from talksite.deck.page_wait import wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from talksite.checks.registry import Target

__all__ = ["find"]

#: How many Tab presses the colour switch may be from the top of the deck.
MAX_TABS = 40
#: Presses to the end: every slide and every fragment step, and some to spare.
_PRESSES = "Reveal.getTotalSlides() + document.querySelectorAll('.reveal .fragment').length + 2"
_SCHEME = "document.documentElement.getAttribute('data-scheme')"
_AT_THE_END = "Reveal.isLastSlide() && !Reveal.availableFragments().next"
_AT_THE_START = "Reveal.isFirstSlide() && !Reveal.availableFragments().prev"


def find(browser: Browser, target: Target) -> list[str]:
    page, _ = open_page(browser, f"{target.url}{deck.DECK_DIR}/")
    wait_until(page, "window.Reveal && Reveal.isReady()")
    deck_html = f"site/{deck.DECK_DIR}/index.html"
    problems = []
    if not _arrows_reach(page, "ArrowRight", _AT_THE_END):
        problems.append(f"{deck_html}: ArrowRight does not reach the last slide's last step")
    if not _arrows_reach(page, "ArrowLeft", _AT_THE_START):
        problems.append(f"{deck_html}: ArrowLeft does not lead back to the first slide")
    if not _tab_to(page, ".deck-toggle"):
        problems.append(f"{deck_html}: Tab does not reach the colour switch in {MAX_TABS} presses")
        return problems
    before = page.evaluate(_SCHEME)
    page.keyboard.press("Enter")
    if page.evaluate(_SCHEME) == before:
        problems.append(f"{deck_html}: Enter on the colour switch does not switch the colours")
    return problems


def _arrows_reach(page: Page, key: str, goal: str) -> bool:
    """Whether pressing ``key`` again and again makes ``goal`` hold."""
    for _ in range(page.evaluate(_PRESSES)):
        if page.evaluate(goal):
            return True
        page.keyboard.press(key)
    return bool(page.evaluate(goal))


def _tab_to(page: Page, selector: str) -> bool:
    """Press Tab until ``selector`` has focus; whether it came within :data:`MAX_TABS`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return True
    return False
