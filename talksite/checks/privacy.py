"""No page asks any host but the site's own: every page (the deck's too) is opened from the
local server and scrolled to its end; requests to any other host are recorded and aborted, so
nothing leaves the machine. Local requests that fail are problems too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from talksite.checks.pages import goto, open_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from talksite.checks.registry import Target

__all__ = ["find"]


def find(browser: Browser, target: Target) -> list[str]:
    site = target.site
    page, log = open_page(browser, target.url)
    failed: list[str] = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failed.append(f"{response.status} {response.url}")
        ),
    )
    problems = []
    for built in site.pages():
        path = site.url_path(built)
        log.clear()
        goto(page, target.url + path)
        log.settle(page)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        log.settle(page)  # what scrolling set off: images loaded lazily, for one
        name = f"site/{built.relative_to(site.root).as_posix()}"
        problems += [f"{name}: asks another host: {url}" for url in log.elsewhere()]
        problems += [f"{name}: a request failed: {failure}" for failure in failed]
        failed.clear()
    return problems
