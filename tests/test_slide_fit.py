"""No slide overflows: in Chromium at 1280x720, every slide's content, in every step of its
fragments, lies inside the 1280x720 slide.

Long code is shown in steps (``data-steps`` on its code block: one range of lines at a time)
or split across slides; either way it stays the snippet's section, included with ``--8<--``.
The ``browser`` fixture (conftest.py) skips without Chromium locally, and fails under CI=true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, wait_until

from talksite import deck

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: The slide's size in reveal.js's configuration (deck.js), and a pixel of rounding.
WIDTH, HEIGHT, SLACK = 1280, 720, 1

# Every slide, and every fragment step of it: how far its content reaches, in slide pixels
# (reveal.js scales the slide to the window; the rectangles are divided by that scale).
_MEASURE = """([width, height]) => {
  const scale = Reveal.getScale();
  const found = [];
  for (const section of Reveal.getSlides()) {
    const indices = Reveal.getIndices(section);
    const steps = section.querySelectorAll(".fragment").length;
    for (let step = -1; step < steps; step++) {
      Reveal.slide(indices.h, indices.v, step);
      const box = document.querySelector(".reveal .slides").getBoundingClientRect();
      let right = 0, bottom = 0, left = 0, top = 0;
      for (const element of section.querySelectorAll("*")) {
        if (element.closest("aside.notes")) continue;
        const rect = element.getBoundingClientRect();
        if (rect.width === 0 && rect.height === 0) continue;  // not shown in this step
        right = Math.max(right, (rect.right - box.left) / scale);
        bottom = Math.max(bottom, (rect.bottom - box.top) / scale);
        left = Math.min(left, (rect.left - box.left) / scale);
        top = Math.min(top, (rect.top - box.top) / scale);
      }
      found.push({id: section.id, number: Number(section.dataset.slide), step, right, bottom, left, top});
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def slides() -> list[deck.Slide]:
    return deck.load_slides(REPO / "talk" / "slides.md", source="talk/slides.md")


@pytest.mark.browser
def test_every_slide_fits_the_slide_in_every_step(
    browser: Browser, built_site: BuiltSite, slides: list[deck.Slide]
) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(built_site.deck_html.as_uri())
    wait_until(page, "window.Reveal && Reveal.isReady()")
    measured = page.evaluate(_MEASURE, [WIDTH, HEIGHT])
    page.close()
    assert {m["number"] for m in measured} == {s.number for s in slides}
    overflowing = [
        f"slide {m['number']} (#{m['id']}), step {m['step']}: content reaches"
        f" {m['right']:.0f}x{m['bottom']:.0f} px (from {m['left']:.0f},{m['top']:.0f})"
        for m in measured
        if m["right"] > WIDTH + SLACK
        or m["bottom"] > HEIGHT + SLACK
        or m["left"] < -SLACK
        or m["top"] < -SLACK
    ]
    assert overflowing == []


@pytest.mark.browser
def test_code_in_steps_shows_every_line_of_its_section_once(
    browser: Browser, built_site: BuiltSite
) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(built_site.deck_html.as_uri())
    wait_until(page, "window.Reveal && Reveal.isReady()")
    shown = page.evaluate(
        """() => {
          const result = [];
          for (const block of document.querySelectorAll(".reveal .slides .highlight[data-steps]")) {
            const section = block.closest("section");
            const indices = Reveal.getIndices(section);
            const lines = [...block.querySelectorAll("code > .line")];
            const seen = new Array(lines.length).fill(0);
            const steps = section.querySelectorAll(".fragment").length;
            for (let step = -1; step < steps; step++) {
              Reveal.slide(indices.h, indices.v, step);
              lines.forEach((line, i) => { if (!line.hidden) seen[i] += 1; });
            }
            const blank = lines.map((line) => line.textContent.trim() === "");
            result.push({id: section.id, seen, blank});
          }
          return result;
        }"""
    )
    page.close()
    assert shown, "no code block is shown in steps"
    for block in shown:
        # Every line with code on it is shown in exactly one step (blank lines may be skipped).
        wrong = [
            n + 1 for n, (s, b) in enumerate(zip(block["seen"], block["blank"])) if s != 1 and not b
        ]
        assert wrong == [], f"#{block['id']}: lines {wrong}"
