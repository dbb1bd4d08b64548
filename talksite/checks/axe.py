"""axe-core finds no serious or critical violation on any page of the site or the deck, in
the light colour scheme and the dark one (moderate and minor ones do not fail the check).

axe-core is the copy that axe-playwright-python bundles, run in each page as it is loaded.
The light run applies every rule. The dark run applies the rules whose findings the colour
scheme can change (:data:`SCHEME_RULES`): the page's markup is the same in both, but its
colours differ, and it may show an image or a link in one scheme only.

axe's colour contrast leaves out code blocks: their backgrounds have gradients (the edge
shadows), against which it cannot judge a colour, and working that out was most of its time
on a page of code. :mod:`~talksite.checks.code_contrast` judges the code's colours instead.
The rule is narrowed by its own selector, so one axe run per page judges everything (two runs,
one of them for contrast outside code, took some 40% longer: axe builds the page's tree for
each run).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from talksite import deck
from talksite.checks.code_contrast import CODE, low_contrast_code
from talksite.checks.pages import goto, open_page
from talksite.deck.page_wait import wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from talksite.checks.registry import Target

__all__ = ["SCHEME_RULES", "find_dark", "find_light", "violations"]

#: axe's rule that code blocks are left out of (see the module's docstring), and the
#: selector it is given instead of its own ``*``: every element but code blocks and their text.
CONTRAST = "color-contrast"
CONTRAST_SELECTOR = f"*:not({CODE}):not({CODE} *)"
#: One run of axe-core, already in the page, with its colour contrast narrowed: its violations.
_RUN = """async ([options, rule, selector]) => {
  axe.configure({rules: [{id: rule, selector}]});
  return (await axe.run(document, options)).violations;
}"""
#: axe-core impacts that fail a page.
FAILING_IMPACTS = {"serious", "critical"}
#: What the page's scripts do after load, which axe judges, beyond what settling waits for:
#: talksite's keyboard.js names the search dialog and makes each code block that scrolls
#: focusable once measured.
SETTLED = """(() => {
  const search = document.querySelector(".md-search[role='dialog']");
  return (!search || search.hasAttribute("aria-label"))
    && [...document.querySelectorAll("pre > code")]
      .every(code => code.scrollWidth <= code.clientWidth || code.hasAttribute("tabindex"));
})()"""


#: What the colour scheme can change: contrast, links told apart from text by colour, and the
#: names of what a page may show in one scheme only (images, links, buttons).
SCHEME_RULES = (
    "color-contrast",
    "link-in-text-block",
    "image-alt",
    "svg-img-alt",
    "role-img-alt",
    "input-image-alt",
    "object-alt",
    "link-name",
    "button-name",
)


def find_light(browser: Browser, target: Target) -> list[str]:
    return _find(browser, target, "light", rules=None)


def find_dark(browser: Browser, target: Target) -> list[str]:
    return _find(browser, target, "dark", rules=SCHEME_RULES)


def _find(
    browser: Browser, target: Target, color_scheme: str, rules: tuple[str, ...] | None
) -> list[str]:
    site = target.site
    page, log = open_page(browser, target.url, color_scheme=color_scheme)
    problems = []
    for built in site.pages():
        path = site.url_path(built)
        goto(page, target.url + path)
        log.settle(page)
        if path.startswith(f"{deck.DECK_DIR}/"):
            wait_until(page, "window.Reveal && Reveal.isReady()")
        _wait_until_settled(page)
        name = f"site/{built.relative_to(site.root).as_posix()}"
        found = violations(page, rules) + low_contrast_code(page)
        problems += [f"{name}: {violation} ({color_scheme})" for violation in found]
    return problems


def violations(page: Page, rules: tuple[str, ...] | None = None) -> list[str]:
    """axe-core on the page (every rule, or only ``rules``): its serious and critical
    violations, one line each. Colour contrast is judged everywhere but in code blocks."""
    from axe_playwright_python.base import AXE_SCRIPT

    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules is not None:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    page.evaluate(AXE_SCRIPT)
    failing: list[str] = []
    for violation in page.evaluate(_RUN, [options, CONTRAST, CONTRAST_SELECTOR]):
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            where = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            failing.append(f"{violation['id']} ({violation['impact']}) at {where}: {summary}")
    return failing


def _wait_until_settled(page: Page) -> None:
    """Until the page's scripts have done what axe judges (on a busy machine they may still be
    at it after the network is idle); if they never do, axe reports what is missing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    with contextlib.suppress(PlaywrightTimeoutError):
        wait_until(page, SETTLED, timeout=15_000)
