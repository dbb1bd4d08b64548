"""This talk's site in a real browser: the video facade, navigation, search, the palette, the
copy button, the keyboard on the home page and the menu, and screenshots.

Headless Chromium (the ``browser`` fixture) loads the site, built once per session, from
http://127.0.0.1 (``site_url``). Every request is recorded; any to another host is aborted, so nothing
leaves the machine even when a page tries. Screenshots go to ``artifacts/screenshots/``.
What every talk's site must pass (no request to another host on any page, axe-core in light
and dark, the deck by keyboard) is checked by talksite's own checks, which the pytest plugin
generates from mkdocs.yml (``pytest mkdocs.yml``; talksite.checks).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import REPO, BuiltSite, RequestLog, wait_until
from browser_support import open_page as open_site_page

from talksite.site.video import embed_url
from talksite.snippets import section_lines, sections
from talksite.talk import Talk

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "artifacts" / "screenshots"
NARROW = {"width": 375, "height": 740}
#: How many Tab presses a control may be from the top of the page.
MAX_TABS = 40

Opener = Callable[..., tuple["Page", RequestLog]]


@pytest.fixture
def open_page(browser: Browser, site_url: str) -> Iterator[Opener]:
    """Open a site path in a fresh context that records (and keeps local) every request."""
    contexts: list[BrowserContext] = []

    def opener(path: str = "", **options: Any) -> tuple[Page, RequestLog]:
        page, log = open_site_page(browser, site_url + path, **options)
        contexts.append(page.context)
        return page, log

    yield opener
    for context in contexts:
        context.close()


#: True when the focused element can be seen: rendered, opaque, inside the viewport.
FOCUS_IS_SEEN = """(() => {
  const element = document.activeElement;
  const box = element.getBoundingClientRect();
  return element.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight;
})()"""


def wait_until_focus_is_seen(page: Page, what: str) -> None:
    """The focused element comes into view within a second (panels slide and fade in)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        wait_until(page, FOCUS_IS_SEEN, timeout=1_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"focus is on {what}, which cannot be seen") from None


def focus_by_tabbing(page: Page, selector: str) -> list[str]:
    """Press Tab until ``selector`` has focus; returns what took focus on the way.

    In the menu drawer, every stop must be visible: a keyboard user has to see where they are.
    """
    seen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return seen
        html = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        in_drawer = page.evaluate(
            "document.activeElement.closest('.md-sidebar--primary') !== null"
            " && document.getElementById('__drawer').checked"
        )
        if in_drawer:
            wait_until_focus_is_seen(page, html)
        seen.append(html)
    raise AssertionError(f"{selector} not reached in {MAX_TABS} Tabs; focus went to: {seen}")


# --- Privacy ---------------------------------------------------------------------------------


def test_the_video_facade_loads_the_no_cookie_player_only_when_pressed(
    open_page: Opener, this_talk: Talk
) -> None:
    page, log = open_page("")
    assert page.locator("iframe").count() == 0
    assert log.elsewhere() == []
    page.locator("button.ts-video__play").click()
    frame = page.locator(".ts-video iframe")
    frame.wait_for(state="attached")
    want = embed_url(this_talk.video)
    assert want == f"https://www.youtube-nocookie.com/embed/{this_talk.video.id}?autoplay=1"
    assert frame.get_attribute("src") == want
    assert page.locator("iframe").count() == 1
    log.settle(page)
    # The player's request was made (and aborted here, offline): to that address, and only it.
    assert log.elsewhere() == [want]


# --- Function --------------------------------------------------------------------------------


def built_title(site: BuiltSite, slug: str) -> str:
    """The ``<title>`` of a built page, as the browser shows it."""
    text = (site.root / slug / "index.html").read_text(encoding="utf-8")
    found = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
    assert found, f"{slug}/ has no <title>"
    return html.unescape(found.group(1).strip())


def test_navigation_tabs_and_footer_links_lead_to_the_layer_pages(
    built_site: BuiltSite, open_page: Opener, this_talk: Talk
) -> None:
    first, second = this_talk.layers[0], this_talk.layers[1]
    page, _ = open_page("")
    page.locator(".md-tabs__link", has_text="The layers").click()
    page.wait_for_url(f"**/{first.slug}/")
    assert page.title() == built_title(built_site, first.slug)
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url(f"**/{second.slug}/")
    assert page.title() == built_title(built_site, second.slug)
    page.go_back()
    page.wait_for_url(f"**/{first.slug}/")


def word_only_on(built_site: BuiltSite, slug: str) -> str:
    """A word of ``slug``'s page that no other page's search text contains at all."""
    docs = json.loads((built_site.root / "search" / "search_index.json").read_text())["docs"]
    mine = " ".join(d["text"] for d in docs if d["location"].split("#")[0] == f"{slug}/")
    others = " ".join(d["text"] for d in docs if d["location"].split("#")[0] != f"{slug}/")
    others = others.lower()
    candidates = sorted(set(re.findall(r"\b[a-z]{7,}\b", mine.lower())))
    for word in candidates:
        if word not in others:
            return word
    raise AssertionError(f"no word is found only on {slug}/")


def test_search_finds_a_word_that_only_a_layer_page_has(
    built_site: BuiltSite, open_page: Opener, this_talk: Talk
) -> None:
    slug = this_talk.layers[1].slug
    word = word_only_on(built_site, slug)
    page, _ = open_page("")
    page.keyboard.press("/")  # Material's shortcut to the search box
    page.keyboard.type(word)
    results = page.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for()
    hrefs = results.evaluate_all("links => links.map(link => link.href)")
    assert hrefs, f"no result for {word!r}"
    assert all(f"/{slug}/" in href for href in hrefs), f"{word!r} found {hrefs}"


def scheme(page: Page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def press_palette_toggle(page: Page) -> None:
    before = page.evaluate("__md_get('__palette').index")
    page.locator("form[data-md-component='palette'] label:not([hidden])").click()
    wait_until(page, "i => __md_get('__palette').index !== i", arg=before)


def test_the_palette_toggle_switches_to_dark_and_back_and_remembers(open_page: Opener) -> None:
    page, _ = open_page("", color_scheme="light")
    seen = [scheme(page)]
    for _ in range(3):  # system preference -> light -> dark -> system preference
        press_palette_toggle(page)
        seen.append(scheme(page))
    assert seen == ["default", "default", "slate", "default"]
    press_palette_toggle(page)
    press_palette_toggle(page)
    page.reload()
    assert scheme(page) == "slate"  # the reader's choice holds on the next page load


def test_the_copy_button_copies_exactly_the_snippet_section_and_says_it_is_an_excerpt(
    open_page: Opener, this_talk: Talk
) -> None:
    slug = this_talk.layers[1].slug
    calls = re.findall(
        r'snippet\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)',
        (REPO / "docs" / f"{slug}.md").read_text(encoding="utf-8"),
    )
    assert calls, f"docs/{slug}.md shows no snippet section"
    snippet, section = calls[0]
    page, _ = open_page(f"{slug}/", permissions=["clipboard-read", "clipboard-write"])
    block = page.locator("div.highlight:has(> span.filename)").first
    first, last = section_lines(REPO / "snippets" / snippet)[section]
    excerpt = f"lines {first}\u2013{last} of snippets/{snippet}"
    assert block.locator("span.filename").inner_text() == excerpt
    block.hover()
    button = block.locator("button[data-md-type='copy']")
    button.wait_for()
    wait_until(
        page,
        "(document.querySelector('div.highlight button[data-md-type=copy]')?.title || '')"
        ".startsWith('Copy this excerpt')",
    )
    assert button.get_attribute("title") == (
        f"Copy this excerpt ({excerpt}): it does not run on its own"
    )
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    # As pymdownx.snippets includes it: markers out, dedented.
    want = sections(REPO / "snippets" / snippet)[0][section]
    assert copied.rstrip("\n") == want.rstrip("\n")
    # Under it, a button copies the whole file, which runs.
    page.locator(".ts-source__copy").first.click()
    wait_until(page, "document.querySelector('.ts-source__copy').textContent === 'Copied'")
    whole = page.evaluate("navigator.clipboard.readText()")
    assert whole == (REPO / "snippets" / snippet).read_text(encoding="utf-8")


# --- Keyboard --------------------------------------------------------------------------------


def test_the_keyboard_alone_starts_the_video(open_page: Opener, this_talk: Talk) -> None:
    page, _ = open_page("")
    focus_by_tabbing(page, "button.ts-video__play")
    page.keyboard.press("Enter")
    frame = page.locator(".ts-video iframe")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src") == embed_url(this_talk.video)
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"


def test_the_keyboard_alone_opens_the_menu_on_a_narrow_screen(
    open_page: Opener, this_talk: Talk
) -> None:
    page, _ = open_page("", viewport=NARROW)
    drawer_open = "document.getElementById('__drawer').checked"
    # keyboard.js's button in Material's menu label: a real button, which the Tab key reaches.
    menu = "label.md-header__button[for='__drawer'] > button.ts-header-button"
    # While the drawer is closed, its links are not in the Tab order.
    on_the_way = focus_by_tabbing(page, menu)
    assert not any("md-nav__link" in element for element in on_the_way)
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert page.get_attribute(menu, "aria-label") == "Menu"
    assert page.get_attribute(menu, "aria-expanded") == "false"
    page.keyboard.press("Enter")
    wait_until(page, drawer_open)
    assert page.get_attribute(menu, "aria-expanded") == "true"
    wait_until(page, "document.activeElement.closest('.md-sidebar--primary') !== null")
    # Through the drawer to the first layer's page, seeing every link that takes focus.
    layer = this_talk.layers[0]
    link = f".md-sidebar--primary a.md-nav__link[href$='{layer.slug}/']"
    section = page.evaluate(
        "s => document.querySelector(s).closest('.md-nav__item--nested')"
        ".querySelector(':scope > label').getAttribute('for')",
        link,
    )
    focus_by_tabbing(page, f".md-sidebar--primary label[for='{section}']")
    page.keyboard.press("Enter")  # opens the section's panel
    page.locator(link).first.wait_for(state="visible")
    focus_by_tabbing(page, link)
    wait_until_focus_is_seen(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{layer.slug}/")
    assert not page.evaluate(drawer_open)
    # Space opens it too, and Escape closes it and gives focus back to the menu button.
    focus_by_tabbing(page, menu)
    page.keyboard.press(" ")
    wait_until(page, drawer_open)
    page.keyboard.press("Escape")
    wait_until(page, f"!{drawer_open}")
    assert page.evaluate("s => document.activeElement.matches(s)", menu)


def test_the_keyboard_alone_searches_on_a_narrow_screen(
    built_site: BuiltSite, open_page: Opener, this_talk: Talk
) -> None:
    slug = this_talk.layers[1].slug
    word = word_only_on(built_site, slug)
    page, _ = open_page("", viewport=NARROW)
    # No label plays a button (axe: aria-allowed-role); keyboard.js puts real ones in them.
    assert page.locator("label[role]").count() == 0
    search = "label.md-header__button[for='__search'] > button.ts-header-button"
    focus_by_tabbing(page, search)
    assert page.get_attribute(search, "aria-label") == "Search"
    page.keyboard.press("Enter")
    wait_until(page, "document.activeElement.matches('.md-search__input')")
    page.keyboard.type(word)
    results = page.locator(".md-search-result__item a.md-search-result__link")
    results.first.wait_for()
    hrefs = results.evaluate_all("links => links.map(link => link.href)")
    assert hrefs and all(f"/{slug}/" in href for href in hrefs), f"{word!r} found {hrefs}"


#: Code blocks wider than their box, and whether each takes focus and is below the viewport.
SCROLLING_CODE = """[...document.querySelectorAll('.md-typeset pre > code')]
  .filter(code => code.scrollWidth > code.clientWidth)
  .map(code => [code.hasAttribute('tabindex'), code.getBoundingClientRect().top > innerHeight])"""


def test_every_code_block_that_scrolls_takes_focus_before_it_is_seen(
    open_page: Opener, this_talk: Talk
) -> None:
    # Material mounts a block only once it comes into view (content.lazy); keyboard.js makes
    # the ones that scroll reachable by Tab before that.
    page, _ = open_page(f"{this_talk.layers[1].slug}/", viewport=NARROW)
    wait_until(page, f"{SCROLLING_CODE}.every(([focusable]) => focusable)")
    blocks = page.evaluate(SCROLLING_CODE)
    assert any(below for _, below in blocks), "no code block that scrolls is below the viewport"


# --- Screenshots -----------------------------------------------------------------------------


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_screenshots_of_home_a_layer_page_and_the_deck(
    open_page: Opener, this_talk: Talk, color_scheme: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "home": "",
        "layer": f"{this_talk.layers[1].slug}/",
        "deck": "slides/index.html",
    }
    want_scheme = "slate" if color_scheme == "dark" else "default"
    for name, path in shots.items():
        page, _ = open_page(path, color_scheme=color_scheme)
        if name == "deck":
            wait_until(page, "window.Reveal && Reveal.isReady()")
            background = page.evaluate(
                "getComputedStyle(document.querySelector('.reveal-viewport')"
                " || document.body).backgroundColor"
            )
            dark = _is_dark(background)
            assert dark == (color_scheme == "dark"), f"deck background {background}"
        else:
            assert scheme(page) == want_scheme
        target = SCREENSHOTS / f"{name}-{color_scheme}.png"
        page.screenshot(path=str(target), full_page=name != "deck")
        assert target.stat().st_size > 10_000


def _is_dark(css_colour: str) -> bool:
    channels = [float(n) for n in re.findall(r"[\d.]+", css_colour)[:3]]
    return sum(channels) / 3 < 128
