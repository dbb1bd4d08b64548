"""Code shown in steps: every line of the snippet's section is shown in exactly one step.

That every slide fits 1280x720 at every step is one of talksite's own checks, which the pytest
plugin generates from mkdocs.yml (``mkdocs.yml::slide-fit``; talksite.checks.fit). Long code
is shown in steps (``data-steps`` on its code block: one range of lines at a time) or split
across slides; either way it stays the snippet's section, included with ``--8<--``.
The ``browser`` fixture (conftest.py) skips without Chromium locally, and fails under CI=true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import BuiltSite, wait_until

from talksite.checks import fit

if TYPE_CHECKING:
    from playwright.sync_api import Browser

WIDTH, HEIGHT = fit.WIDTH, fit.HEIGHT


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
