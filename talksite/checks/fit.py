"""Every slide fits: in Chromium at 1280x720, every slide's content, in every step of its
fragments, lies inside the 1280x720 slide. Reported at the slide's line in the deck's source.

Long code is shown in steps (``data-steps`` on its code block: one range of lines at a time)
or split across slides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from talksite import deck
from talksite.deck.page_wait import wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from talksite.checks.registry import Target

__all__ = ["HEIGHT", "WIDTH", "find"]

#: The slide's size in reveal.js's configuration (deck.js), and a pixel of rounding.
WIDTH, HEIGHT, SLACK = 1280, 720, 1

# Every slide, and every fragment step of it: how far its content reaches, in slide pixels
# (reveal.js scales the slide to the window; the rectangles are divided by that scale).
_MEASURE = """() => {
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
      found.push({number: Number(section.dataset.slide), step, right, bottom, left, top});
    }
  }
  return found;
}"""


def measure(browser: Browser, url: str) -> list[dict[str, float]]:
    """How far each slide's content reaches at each step, in the deck at ``url``."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(url)
    wait_until(page, "window.Reveal && Reveal.isReady()")
    return page.evaluate(_MEASURE)


def find(browser: Browser, target: Target) -> list[str]:
    project = target.project
    source = project.relative(project.slides_file)
    slides = {s.number: s for s in deck.load_slides(project.slides_file, source=source)}
    problems = []
    for m in measure(browser, f"{target.url}{deck.DECK_DIR}/"):
        sides = [
            side
            for side, beyond in (
                ("right", m["right"] > WIDTH + SLACK),
                ("bottom", m["bottom"] > HEIGHT + SLACK),
                ("left", m["left"] < -SLACK),
                ("top", m["top"] < -SLACK),
            )
            if beyond
        ]
        if not sides:
            continue
        step = "" if m["step"] < 0 else f" at step {m['step'] + 1}"
        what = (
            f"runs off the {' and '.join(sides)}{step}: its content spans"
            f" {m['left']:.0f},{m['top']:.0f} to {m['right']:.0f},{m['bottom']:.0f} px"
        )
        slide = slides.get(int(m["number"]))
        if slide is None:
            problems.append(f"{source}: slide {m['number']:.0f} {what}")
        else:
            problems.append(str(slide.problem(source, what, f"expected {WIDTH}x{HEIGHT}")))
    return problems
