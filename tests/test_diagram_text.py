"""No diagram cuts its text: every label of every diagram, measured in Chromium, on the deck at
1280x720 and on the pages at a desktop's width.

A label fails when it is elided ("…"), when it runs past its drawing's edge (an inline SVG
clips what lies outside its box), past its slide, or over another label of the same drawing;
a caption fails when it is cut off. The ``browser`` fixture (conftest.py) skips without
Chromium locally, and fails under ``CI=true``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import BuiltSite, wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page as BrowserPage

#: Every problem with the text of the drawings in ``root`` (one string each), and how many
#: labels were measured. A slide is shown before its drawings are measured.
_MEASURE = """(slideByslide) => {
  const problems = [];
  let measured = 0;
  const inside = (inner, outer) =>
    inner.left >= outer.left - 1 && inner.right <= outer.right + 1 &&
    inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  // A text's box is its font's whole line: lines set close may share a sliver of it.
  const overlap = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.2 * Math.min(a.height, b.height);
  const figures = document.querySelectorAll(".tsk-figure, .tsk-cheese");
  for (const figure of figures) {
    const section = slideByslide ? figure.closest("section") : null;
    if (section) {
      const at = Reveal.getIndices(section);
      Reveal.slide(at.h, at.v);
    }
    const where = section ? "slide " + section.id : "page";
    const bounds = section ? section.getBoundingClientRect() : null;
    for (const svg of figure.querySelectorAll("svg")) {
      const box = svg.getBoundingClientRect();
      const placed = [];
      for (const text of svg.querySelectorAll("text")) {
        const label = text.textContent;
        const rect = text.getBoundingClientRect();
        measured += 1;
        if (label.includes("…")) problems.push(`${where}: elided: ${label}`);
        if (!inside(rect, box)) problems.push(`${where}: past its drawing's edge: ${label}`);
        if (bounds && !inside(rect, bounds)) problems.push(`${where}: past the slide: ${label}`);
        for (const [other, otherRect] of placed) {
          if (overlap(rect, otherRect)) problems.push(`${where}: ${label} covers ${other}`);
        }
        placed.push([label, rect]);
      }
    }
    for (const caption of figure.querySelectorAll("figcaption")) {
      measured += 1;
      const cut = caption.scrollWidth > caption.clientWidth + 1 ||
        caption.scrollHeight > caption.clientHeight + 1;
      if (cut || (bounds && !inside(caption.getBoundingClientRect(), bounds))) {
        problems.push(`${where}: caption cut: ${caption.textContent}`);
      }
    }
  }
  return [problems, measured, figures.length];
}"""


def _measure(page: BrowserPage, *, slides: bool) -> tuple[list[str], int, int]:
    problems, measured, figures = page.evaluate(_MEASURE, slides)
    return problems, measured, figures


@pytest.mark.browser
def test_no_diagram_on_the_deck_cuts_its_text(browser: Browser, built_site: BuiltSite) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(built_site.deck_html.as_uri())
    wait_until(page, "window.Reveal && Reveal.isReady()")
    problems, measured, figures = _measure(page, slides=True)
    assert figures >= 5 and measured > 50
    assert problems == []


def _pages_with_diagrams(built_site: BuiltSite) -> list[str]:
    return [
        built_site.url_path(page)
        for page in built_site.pages()
        if page != built_site.deck_html
        and any(css in page.read_text(encoding="utf-8") for css in ('"tsk-figure', '"tsk-cheese'))
    ]


@pytest.mark.browser
def test_no_diagram_on_a_page_cuts_its_text(
    browser: Browser, built_site: BuiltSite, site_url: str
) -> None:
    pages = _pages_with_diagrams(built_site)
    assert {"outage/", "locking/"} <= set(pages)
    found: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    for path in pages:
        page.goto(site_url + path)
        problems, measured, figures = _measure(page, slides=False)
        assert figures and measured, path
        found += [f"{path}: {problem}" for problem in problems]
    assert found == []
