"""``talksite present`` with this talk: a live demo in Chromium against real PostgreSQL, the
audience following, and every request without the presenter's token refused.

One server for the module (warming its PostgreSQL servers takes seconds), so the module is
one xdist group: one worker starts it once; each test leaves the deck on a slide of its own
choosing, so none depends on another's end state.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, goto, wait_until
from present_support import Presenting, log_text, post, presenting, read_log

from talksite import deck, snippets
from talksite.snippets import provenance

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("present")]
LOCK_QUEUE = "locking-queue"


@pytest.fixture(scope="module")
def present(built_site: BuiltSite) -> Iterator[Presenting]:
    with presenting(REPO, "--site", str(built_site.root)) as running:
        yield running


@pytest.fixture(scope="module")
def slides() -> list[deck.Slide]:
    return deck.load_slides(REPO / "talk" / "slides.md", source="talk/slides.md")


def open_page(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    # Generous: on a machine busy with other people's tests, Chromium can be slow to start.
    page.set_default_timeout(90_000)
    goto(page, url)
    wait_until(page, "window.Reveal && Reveal.isReady()")
    return page


def presenter_page(browser: Browser, present: Presenting, slide: str) -> Page:
    page = open_page(browser, f"{present.presenter_url}#/{slide}")
    wait_until(page, "document.documentElement.classList.contains('present-presenter')")
    return page


def test_r_on_the_lock_queue_slide_runs_it_live_and_it_matches(
    browser: Browser, present: Presenting
) -> None:
    page = presenter_page(browser, present, LOCK_QUEUE)
    # What the panel showed at each change: whether lines came while the run was running.
    page.evaluate(
        """() => { window.seen = [];
            new MutationObserver(() => { const panel = document.querySelector('.present-run');
                if (panel) window.seen.push([panel.getAttribute('data-result'),
                    panel.querySelectorAll('.present-line').length]); })
            .observe(document.body, {subtree: true, childList: true, attributes: true}); }"""
    )
    page.keyboard.press("r")
    panel = page.locator(f"section#{LOCK_QUEUE} .present-run")
    page.wait_for_selector(".present-run:not([data-result=running])", timeout=60_000)
    status = panel.locator(".present-run__status").inner_text()
    assert panel.get_attribute("data-result") == "matches", status
    seen = page.evaluate("window.seen")
    assert any(result == "running" and lines > 0 for result, lines in seen), seen
    assert "matches the recording" in panel.locator(".present-run__status").inner_text()
    # The live lines, as the tests compare them: the recording's, each duration within the
    # snippet's precision.
    recording = (REPO / "snippets" / "locking" / "lock_queue.out").read_text()
    shown = "\n".join(panel.locator(".present-line").all_inner_texts())
    assert snippets.same_output(recording, shown), shown
    assert panel.locator(".present-line--differs").count() == 0
    page.context.close()


def test_the_fallback_key_shows_the_recording_with_its_date(
    browser: Browser, present: Presenting
) -> None:
    page = presenter_page(browser, present, LOCK_QUEUE)
    page.keyboard.press("x")
    panel = page.locator(".present-run[data-result=recorded]")
    status = panel.locator(".present-run__status").inner_text()
    output = REPO / "snippets" / "locking" / "lock_queue.out"
    made = provenance.read(output)
    assert isinstance(made, provenance.Provenance)
    assert status.startswith(f"Recorded on {made.recorded_on.isoformat()}"), status
    assert "the presenter chose the recording" in status
    recording = output.read_text().splitlines()
    assert panel.locator(".present-line").all_inner_texts() == recording
    page.context.close()


#: Where the panel is, against what it must not cover; then, with a long output, again.
_PANEL_PLACE = """() => {
  const panel = document.querySelector(".present-run");
  const output = panel.querySelector(".present-run__output");
  const box = (element) => element.getBoundingClientRect();
  const covers = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
    Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
  const section = panel.closest("section");
  const others = [...section.querySelectorAll(":scope > :not(.present-run):not(aside)"),
    document.querySelector(".reveal .controls"), document.querySelector(".deck-toggle")];
  const covered = others.filter((other) => covers(box(panel), box(other)))
    .map((other) => other.className || other.tagName);
  const code = getComputedStyle(section.querySelector(".highlight code")).fontFamily;
  for (let n = 0; n < 200; n++) output.append(`a long output, line ${n}\n`);
  const slides = box(document.querySelector(".reveal .slides"));
  return {covered, sameFont: getComputedStyle(output).fontFamily === code,
    scrolls: output.scrollHeight > output.clientHeight,
    inside: box(panel).bottom <= slides.bottom && box(panel).right <= slides.right + 1};
}"""


def test_the_panel_sits_beside_the_code_in_its_font_and_scrolls_when_long(
    browser: Browser, present: Presenting
) -> None:
    page = presenter_page(browser, present, LOCK_QUEUE)
    page.keyboard.press("x")
    page.wait_for_selector(".present-run[data-result=recorded]")
    place = page.evaluate(_PANEL_PLACE)
    assert place == {"covered": [], "sameFont": True, "scrolls": True, "inside": True}
    # The differing lines are marked with a sign, not by colour alone.
    marker = "getComputedStyle(document.querySelector('.present-line--differs'), '::before')"
    page.evaluate("document.querySelector('.present-line').classList.add('present-line--differs')")
    assert page.evaluate(f"{marker}.content") == '"≠ "'
    page.context.close()


def test_the_audience_follows_three_slide_changes_without_notes(
    browser: Browser, present: Presenting, slides: list[deck.Slide]
) -> None:
    presenter = presenter_page(browser, present, slides[0].anchor)
    audience = open_page(browser, f"{present.base}/slides/")
    assert audience.locator("aside.notes").count() == 0
    assert presenter.locator("aside.notes").count() > 0
    for key, index in [("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1)]:
        presenter.keyboard.press(key)
        # Sequenced on what the page shows; how soon is benchmarks/present_latency.py's.
        wait_until(
            audience,
            "want => (Reveal.getCurrentSlide().id || '') === want",
            arg=slides[index].anchor,
            timeout=30_000,
        )
    entries = read_log(present.log)
    assert [entry["slide"] for entry in entries[-3:]] == [s.anchor for s in slides[1:3]] + [
        slides[1].anchor
    ]
    assert entries[-1]["title"] == slides[1].title
    presenter.context.close()
    audience.context.close()


def test_the_audience_page_cannot_start_a_run_or_steer(
    browser: Browser, present: Presenting
) -> None:
    audience = open_page(browser, f"{present.base}/slides/#/{LOCK_QUEUE}")
    audience.keyboard.press("r")
    answers = audience.evaluate(
        """async () => {
            const ask = (path) => fetch('/_present/' + path, {method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({slide: 'locking-queue'})});
            return [(await ask('run')).status, (await ask('slide')).status];
        }"""
    )
    assert answers == [403, 403]
    assert audience.locator(".present-run").count() == 0
    audience.context.close()


def test_requests_without_the_token_are_refused_and_change_nothing(present: Presenting) -> None:
    before = log_text(present.log)
    for path in ("slide", "run", "stop"):
        status, answer = post(f"{present.base}/_present/{path}", {"slide": LOCK_QUEUE})
        assert status == 403, answer
        assert "only the presenter" in str(answer["error"])
        status, _ = post(f"{present.base}/_present/{path}", {"slide": LOCK_QUEUE}, token="wrong")
        assert status == 403
    assert log_text(present.log) == before


def test_bad_requests_get_a_clear_4xx(present: Presenting) -> None:
    url, token = f"{present.base}/_present/", present.token
    cases = [
        ("slide", {"slide": "no-such-slide"}, {}, 404, "no slide 'no-such-slide'"),
        ("run", {"slide": "about"}, {}, 404, "shows no snippet"),
        ("run", {"path": "/etc/passwd"}, {}, 400, 'a string "slide"'),
        ("run", b"not json", {}, 400, "not valid JSON"),
        ("slide", {"slide": "about"}, {"Origin": "http://elsewhere.example"}, 403, "may not steer"),
    ]
    before = log_text(present.log)
    for path, body, headers, want, says in cases:
        status, answer = post(url + path, body, token=token, headers=headers)
        assert (status, says in str(answer.get("error"))) == (want, True), (path, body, answer)
    assert log_text(present.log) == before
    request = urllib.request.Request(f"{present.base}/slides/", headers={"Host": "rebound.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    refused.value.close()


def test_the_speaker_view_paces_the_talks_slot_and_offers_the_run_button(
    browser: Browser, present: Presenting
) -> None:
    page = presenter_page(browser, present, LOCK_QUEUE)
    assert page.evaluate("Reveal.getConfig().totalTime") == 30 * 60  # talk.yml: 14:35-15:05
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_selector(".present-speaker-run", timeout=10_000)
    # reveal.js's own pacing, from totalTime: ahead, on track or behind for this slide.
    speaker.wait_for_selector(
        ".speaker-controls-time .pacing:is(.ahead, .on-track, .behind)", timeout=10_000
    )
    speaker.locator(".present-speaker-run").click()
    page.wait_for_selector(".present-run[data-result=matches]", timeout=60_000)
    page.context.close()


def test_the_deck_speaker_view_and_video_facade_run_under_the_policy(
    browser: Browser, present: Presenting
) -> None:
    """Every page present serves comes with its Content-Security-Policy: what they need
    still runs, and the browser reports no violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    violations: list[str] = []
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # Nothing leaves the machine: the player's host is asked for, and refused here.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(present.base) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(90_000)
    goto(page, f"{present.presenter_url}#/{LOCK_QUEUE}")
    wait_until(page, "document.documentElement.classList.contains('present-presenter')")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    # The button comes when the speaker view's own (inline) script has called the deck.
    popup.value.wait_for_selector(".present-speaker-run", timeout=10_000)
    home = context.new_page()
    home.goto(f"{present.base}/")
    home.locator("button.ts-video__play").click()
    frame = home.locator("iframe.ts-video__frame")
    assert "youtube-nocookie.com/embed/" in (frame.get_attribute("src") or "")
    assert violations == []
    context.close()


#: The audience's slide on a phone: shown, alone, inside the screen; its smallest text in CSS
#: px; and whether its code (if any) scrolls.
_AUDIENCE_VIEW = """() => {
  const section = Reveal.getCurrentSlide();
  const seen = (s) => s.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const box = section.getBoundingClientRect();
  const sizes = [...section.querySelectorAll("h2, p, li, code")]
    .filter((e) => e.textContent.trim() && e.getClientRects().length)
    .map((e) => parseFloat(getComputedStyle(e).fontSize) * Reveal.getScale());
  const code = section.querySelector(".highlight pre");
  return {
    alone: [...document.querySelectorAll(".reveal .slides > section")].filter(seen).length === 1,
    inside: box.left >= -1 && box.right <= innerWidth + 1 && box.top < innerHeight,
    smallest: Math.min(...sizes),
    code: code ? getComputedStyle(code).overflowX : null,
  };
}"""


def test_the_audience_follows_three_slide_changes_on_a_portrait_phone(
    browser: Browser, present: Presenting, slides: list[deck.Slide]
) -> None:
    anchors = [slide.anchor for slide in slides]
    code = anchors.index(LOCK_QUEUE)
    presenter = presenter_page(browser, present, anchors[code - 2])
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.set_default_timeout(90_000)
    goto(phone, f"{present.base}/slides/")
    wait_until(phone, "window.Reveal && Reveal.isReady()")
    assert not phone.evaluate("Reveal.isScrollView()")
    for key, index in [("ArrowRight", code - 1), ("ArrowRight", code), ("ArrowLeft", code - 1)]:
        presenter.keyboard.press(key)
        wait_until(
            phone,
            "want => (Reveal.getCurrentSlide().id || '') === want",
            arg=anchors[index],
            timeout=30_000,
        )
        view = phone.evaluate(_AUDIENCE_VIEW)
        assert view["alone"] and view["inside"], view
        assert view["smallest"] >= 12 - 0.05, view
        if index == code:
            assert view["code"] == "auto", view
    presenter.context.close()
    phone.context.close()
