"""The Swiss cheese on a slide (``swiss_cheese(OUT, run=N)``): slices are defences, the drawing
builds in steps as the recorded run went (slice by slice, then the path), the caption says in
words what happened, and it takes the slide's width. Generic: any talk's layers and matrix.

The browser tests use the ``browser`` fixture (conftest.py): they skip without Chromium
locally, and fail under ``CI=true``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, wait_until

from talksite import diagrams
from talksite.talk import Layer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from talksite.talk import Talk

MATRIX = REPO / "snippets" / "outage" / "matrix.out"


def _slide_figure(matrix: Path, layers: tuple[Layer, ...], run: int) -> str:
    return diagrams.swiss_cheese(matrix, layers, source="m.out", ident="t", run=run).html


def _caption(figure: str) -> str:
    found = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", figure, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def test_the_slide_builds_slice_by_slice_then_the_path(this_talk: Talk) -> None:
    figure = _slide_figure(MATRIX, this_talk.layers, 1)
    steps = [int(n) for n in re.findall(r'class="fragment" data-fragment-index="(\d+)"', figure)]
    count = len(this_talk.layers)
    # A step per slice, in talk.yml's order; then the path, with the caption.
    assert steps == [*range(count), count, count]
    groups = re.findall(r'<g class="fragment"[^>]*>(.*?)</g>', figure)
    assert [g.count('class="tsk-slice"') for g in groups] == [1] * count + [0]
    assert 'class="tsk-path"' in groups[-1]


def test_the_caption_says_in_words_what_happened(this_talk: Talk) -> None:
    every_hole = _caption(_slide_figure(MATRIX, this_talk.layers, 1))
    assert every_hole.startswith("No defence was in place: the path went through all 4 slices.")
    assert "A long outage: outlived the cron job." in every_hole
    assert "Fixed:" not in every_hole
    # Run 4: routing and locking missing; TCP timeouts in place, and they stopped the orphan.
    stopped = _caption(_slide_figure(MATRIX, this_talk.layers, 4))
    assert stopped.startswith(
        "Router/guard and lock_timeout were missing; TCP timeouts held, and the path stopped there."
    )
    assert "A short outage: ended before the cron job did." in stopped
    assert "Hazards that did their harm: lock queue." in stopped
    assert "Hazards stopped: orphan." in stopped


_OTHER_MATRIX = """\
backups  alerts  outage               data loss
hole     fixed   none                 stopped
hole     hole    long: a day offline  harm
"""


def test_any_talks_layers_and_matrix_draw_their_own_cheese(tmp_path: Path) -> None:
    layers = (
        Layer(slug="backups", title="Backups", summary="s", defence="Restore test"),
        Layer(slug="alerts", title="Alerts", summary="s", hazard="data loss"),
    )
    matrix = tmp_path / "matrix.out"
    matrix.write_text(_OTHER_MATRIX, encoding="utf-8")
    figure = _slide_figure(matrix, layers, 2)
    assert figure.count('class="tsk-slice"') == 2 and figure.count('class="tsk-hole"') == 2
    assert "Restore test" in figure and "Alerts" in figure
    assert _caption(figure).startswith("No defence was in place: the path went through all 2")
    held = _slide_figure(matrix, layers, 1)
    assert held.count('class="tsk-plug"') == 1 and 'class="tsk-stop"' in held
    assert _caption(held).startswith("Restore test was missing; Alerts held")


_SLIDE = """() => {
  const section = document.getElementById("outcome");
  const at = Reveal.getIndices(section);
  Reveal.slide(at.h, at.v, -1);
  const shown = () => [...section.querySelectorAll(".tsk-cheese .fragment")].filter(
    (step) => getComputedStyle(step).visibility !== "hidden").length;
  const seen = [shown()];
  while (Reveal.availableFragments().next) { Reveal.nextFragment(); seen.push(shown()); }
  const svg = section.querySelector(".tsk-cheese svg").getBoundingClientRect();
  return [seen, svg.width / section.getBoundingClientRect().width];
}"""


@pytest.mark.browser
def test_on_the_deck_the_cheese_builds_in_steps_across_the_slide(
    browser: Browser, built_site: BuiltSite
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(built_site.deck_html.as_uri())
    wait_until(page, "window.Reveal && Reveal.isReady()")
    # Each step's style at once: reveal.js fades fragments in.
    page.add_style_tag(content="* { transition: none !important; }")
    seen, share = page.evaluate(_SLIDE)
    # Nothing, then one more slice a step, then the path and its caption at once.
    assert seen == [0, 1, 2, 3, 4, 6]
    assert share > 0.9
