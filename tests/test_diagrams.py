"""Diagrams drawn from recorded outputs (talksite.diagrams): their formats, that they follow the
recording, how pages and slides call them, and that they are legible on the deck in Chromium.

Browser tests drive Debian's Chromium through the ``browser`` fixture (conftest.py): they skip
without it locally, and fail under ``CI=true``.
"""

from __future__ import annotations

import collections
import dataclasses
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, build, wait_until

from talksite import deck, diagrams
from talksite.checks.code_contrast import CONTRAST_FUNCTIONS
from talksite.errors import ContentError
from talksite.site.build import build_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page as BrowserPage

    from talksite.talk import Talk

SNIPPETS = REPO / "snippets"
TIMELINE = SNIPPETS / "outage" / "outage.out"
LOCKS = SNIPPETS / "locking" / "lock_queue.out"
MATRIX = SNIPPETS / "outage" / "matrix.out"


def _copy_with(tmp_path: Path, original: Path, old: str, new: str) -> Path:
    """A copy of a recorded output with one line changed."""
    text = original.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {original.name}: update this test"
    copy = tmp_path / original.name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def _texts(figure_html: str) -> list[str]:
    """Each label's text; a label wrapped onto lines (``<tspan>``) as one line."""
    return [
        " ".join(re.findall(r">([^<]+)<", f">{inner}<"))
        for inner in re.findall(r"<text[^>]*>(.*?)</text>", figure_html)
    ]


# --- The formats -------------------------------------------------------------------------------


def test_the_timeline_reads_every_t_line_and_leaves_out_the_rest() -> None:
    events = diagrams.parse_timeline(TIMELINE.read_text(), source="x.out")
    lines = [line for line in TIMELINE.read_text().splitlines() if line.startswith("t=")]
    assert len(events) == len(lines) >= 2
    assert [e.at for e in events] == sorted(e.at for e in events)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "t=0.0s  a  start\nt=one  b  x\n",
            r"^x\.out:2: cannot read 't=one  b  x'; expected t=SECONDSs, two spaces, an actor",
        ),
        (
            "t=2.0s  a  start\nt=1.0s  b  x\n",
            r"^x\.out:2: t=1\.0s comes after t=2\.0s; expected times",
        ),
        ("header\nt=0.0s  a  alone\n", r"^x\.out:1: 1 timeline event; expected at least two"),
    ],
)
def test_a_wrong_timeline_is_one_line_per_problem(text: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        diagrams.parse_timeline(text, source="x.out")


def test_the_lock_queue_puts_holders_first_then_each_waiter_after_what_it_waits_for() -> None:
    queue = diagrams.parse_lock_queue(LOCKS.read_text(), source="x.out")
    assert queue[0].granted and not any(h.granted for h in queue[1:])
    seen: set[str] = set()
    for holder in queue:
        assert set(holder.waits_for) <= seen, holder.session
        seen.add(holder.session)
    assert all(h.waits_for for h in queue if not h.granted)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nothing here\n", r"^x\.out:1: no lock table; expected a header with session"),
        (
            "session  lock mode  granted\na  AccessShareLock  maybe\n",
            r"^x\.out:2: granted is 'maybe'; expected True or False$",
        ),
        (
            "session  lock mode  granted\na  AccessShareLock  True\nf(b) -> ['a']\n",
            r"^x\.out:3: b not in the lock table; expected one of \['a'\]$",
        ),
    ],
)
def test_a_wrong_lock_table_is_one_line_per_problem(text: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        diagrams.parse_lock_queue(text, source="x.out")


# --- The drawing follows the recording --------------------------------------------------------


def test_the_timeline_changes_when_a_recorded_line_changes(tmp_path: Path) -> None:
    before = diagrams.timeline(TIMELINE, source="a.out", ident="t")
    moved = _copy_with(tmp_path, TIMELINE, "t=1.5s  web", "t=2.0s  web")
    after = diagrams.timeline(moved, source="a.out", ident="t")
    assert before.html != after.html and "t=2.0s, web:" in after.description
    (tmp_path / "again").mkdir()
    renamed = _copy_with(tmp_path / "again", TIMELINE, "COMMIT", "ROLLBACK")
    assert "ROLLBACK" in _texts(diagrams.timeline(renamed, source="a.out", ident="t").html)


def test_the_lock_queue_changes_when_a_recorded_line_changes(tmp_path: Path) -> None:
    before = diagrams.lock_queue(LOCKS, source="a.out", ident="q")
    assert "AccessExclusiveLock" in _texts(before.html)
    changed = _copy_with(
        tmp_path, LOCKS, "AccessExclusiveLock  False", "ShareLock            False"
    )
    after = diagrams.lock_queue(changed, source="a.out", ident="q")
    assert "ShareLock" in _texts(after.html) and "AccessExclusiveLock" not in _texts(after.html)
    assert "migration waits for ShareLock" in after.title


def test_the_matrix_chart_changes_when_a_recorded_line_changes(
    tmp_path: Path, this_talk: Talk
) -> None:
    before = diagrams.matrix_chart(MATRIX, this_talk.layers, source="a.out", ident="m")
    assert before.html.count('class="tsk-short"') == 1 + 1  # run 4, and the legend
    line = next(line for line in MATRIX.read_text().splitlines() if "short:" in line)
    changed = _copy_with(tmp_path, MATRIX, line, line.replace("short: ended", "long: ended"))
    after = diagrams.matrix_chart(changed, this_talk.layers, source="a.out", ident="m")
    assert after.html.count('class="tsk-short"') == 1  # the legend's only
    assert after.html.count('class="tsk-long"') == before.html.count('class="tsk-long"') + 1


def test_every_diagram_is_an_accessible_image_coloured_by_the_page(this_talk: Talk) -> None:
    kinds = diagrams.Diagrams(this_talk.layers, SNIPPETS, "snippets")
    drawn = [
        kinds.draw("timeline", "outage/outage.out"),
        kinds.draw("lock_queue", "locking/lock_queue.out"),
        kinds.draw("matrix_chart", "outage/matrix.out"),
        kinds.draw("swiss_cheese", "outage/matrix.out", run=1),
        kinds.draw("swiss_cheese", "outage/matrix.out", run=1),  # twice on one deck
        kinds.draw("swiss_cheese", "outage/matrix.out"),
        kinds.draw("swiss_cheese", matrix="outage/matrix.out"),  # twice on one page
    ]
    for figure in drawn:
        svg = re.search(r"<svg [^>]*>", figure.html)
        assert svg is not None and 'role="img"' in svg.group(0)
        assert "<title " in figure.html and "<desc " in figure.html
        assert figure.title and figure.description
        # Colours come from classes and CSS variables: none is written on an element.
        assert not re.search(
            r"<(?:rect|path|text|circle|line|ellipse)[^>]* (?:fill|stroke)=", figure.html
        )
        assert '[data-md-color-scheme="slate"]' in figure.html  # the site's dark scheme
        assert 'html[data-scheme="dark"]' in figure.html  # the deck's
    ids = re.findall(r' id="([^"]+)"', "".join(f.html for f in drawn))
    assert len(ids) == len(set(ids))


# --- Pages and slides call them -----------------------------------------------------------------


def test_a_slide_draws_the_diagram_and_the_text_page_gives_its_text(this_talk: Talk) -> None:
    kinds = diagrams.Diagrams(this_talk.layers, SNIPPETS, "snippets").kinds()
    slides = deck.parse_slides(
        '## Queue\n\n{{ lock_queue("locking/lock_queue.out") }}\n', source="s.md"
    )
    setup = deck.MarkdownSetup(extensions=["attr_list"], configs={})
    (rendered,) = deck.render_slides(
        slides, setup=setup, site_url="/", source="s.md", page_url=lambda _: None, figures=kinds
    )
    assert '<figure class="tsk-figure tsk-queue">' in rendered.html and "<p>" not in rendered.html
    text = deck.text_page(slides, site_url="/", source="s.md", deck_href="d/", figures=kinds)
    assert "<strong>Diagram:</strong> Lock queue: cron-job holds AccessShareLock" in text
    with pytest.raises(deck.DeckError, match=r"^s\.md:1: slide 1 \('Queue'\): unknown placeholder"):
        deck.render_slides(
            deck.parse_slides('## Queue\n\n{{ pie("a.out") }}\n', source="s.md"),
            setup=setup,
            site_url="/",
            source="s.md",
            page_url=lambda _: None,
            figures=kinds,
        )


def _project(tmp_path: Path) -> Path:
    """A copy of this talk's files, to break."""
    project = tmp_path / "talk"
    for name in ("docs", "talk", "snippets"):
        shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    return project


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_a_missing_output_or_a_wrong_format_stops_the_build_with_one_line_each(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    outage = project / "docs" / "outage.md"
    outage.write_text(
        outage.read_text().replace('timeline("outage/outage.out")', 'timeline("outage/gone.out")')
    )
    locks = project / "snippets" / "locking" / "lock_queue.out"
    locks.write_text(
        locks.read_text().replace("AccessShareLock      True ", "AccessShareLock      Maybe")
    )
    slides = project / "talk" / "slides.md"
    slides.write_text(
        slides.read_text().replace('matrix_chart("outage/matrix.out")', "matrix_chart()")
    )
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    expected = [
        f"docs/outage.md:{_line_of(outage, 'gone.out')}: snippets/outage/gone.out does not exist;"
        " expected a snippet's recorded output (.out)",
        f"snippets/locking/lock_queue.out:{_line_of(locks, 'Maybe')}: granted is 'Maybe';"
        " expected True or False",
        f"talk/slides.md:{_line_of(slides, 'matrix_chart()')}: slide",
    ]
    for want in expected:
        assert sum(want in line for line in errors) == 1, (want, errors)
    assert "matrix_chart() takes one recorded output" in result.stderr
    assert not (tmp_path / "site").exists()


# Appended to the outage page, which already shows each of them once.
_TWICE = '\n{{ swiss_cheese("outage/matrix.out") }}\n\n{{ timeline("outage/outage.out") }}\n'


def _counted(
    kind: diagrams.Kind, drawn: collections.Counter[str]
) -> Callable[[diagrams.Drawing], diagrams.Figure]:
    """The kind's own drawing, counting each call it draws in ``drawn``."""

    def counting(drawing: diagrams.Drawing) -> diagrams.Figure:
        drawn[f"{kind.name} {drawing.source} {dict(drawing.options)}"] += 1
        return kind.draw(drawing)

    return counting


@pytest.fixture(scope="module")
def twice_on_a_page(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, collections.Counter[str]]:
    """This talk with a second Swiss cheese and a second timeline on the outage page, built
    in this process; and how many times each call was drawn, counted through the registry."""
    project = _project(tmp_path_factory.mktemp("twice"))
    with (project / "docs" / "outage.md").open("a", encoding="utf-8") as page:
        page.write(_TWICE)
    site = project.parent / "site"
    drawn: collections.Counter[str] = collections.Counter()
    with pytest.MonkeyPatch.context() as patch:
        for name, kind in list(diagrams.KINDS.items()):
            patch.setitem(
                diagrams.KINDS, name, dataclasses.replace(kind, draw=_counted(kind, drawn))
            )
        build_site(project / "mkdocs.yml", site)
    return site, drawn


@pytest.mark.xdist_group("twice-on-a-page")  # one build, counted in-process
def test_two_of_a_figure_on_one_page_share_no_id(
    twice_on_a_page: tuple[Path, collections.Counter[str]],
) -> None:
    site, _ = twice_on_a_page
    outage = (site / "outage" / "index.html").read_text(encoding="utf-8")
    assert outage.count('<div class="tsk-cheese">') == 2
    assert outage.count('<figure class="tsk-figure tsk-timeline">') == 2
    deck_html = (site / "slides" / "index.html").read_text(encoding="utf-8")
    assert deck_html.count('<div class="tsk-cheese tsk-cheese-one">') == 2  # the same call
    for page in (outage, deck_html):
        ids = re.findall(r' id="([^"]+)"', page)
        assert [i for i, n in collections.Counter(ids).items() if n > 1] == []
        # Each figure's title and description are its own.
        labelled = re.findall(r' aria-labelledby="([^"]+)"', page)
        named = [name for names in labelled for name in names.split()]
        assert len(named) == len(set(named)) and set(named) <= set(ids)


@pytest.mark.xdist_group("twice-on-a-page")  # one build, counted in-process
def test_each_figure_is_drawn_once_per_build(
    twice_on_a_page: tuple[Path, collections.Counter[str]],
) -> None:
    site, drawn = twice_on_a_page
    assert drawn["timeline snippets/outage/outage.out {}"] == 1
    assert drawn["swiss_cheese snippets/outage/matrix.out {}"] == 1
    assert drawn["swiss_cheese snippets/outage/matrix.out {'run': 1}"] == 1
    assert set(drawn.values()) == {1}, drawn
    # ... though each is shown more than once: twice on the page, and on the deck.
    timeline = '<figure class="tsk-figure tsk-timeline">'
    shown = [
        (site / p).read_text(encoding="utf-8").count(timeline)
        for p in ("outage/index.html", "slides/index.html")
    ]
    assert shown == [2, 1]


# --- Legible on the deck, in Chromium ----------------------------------------------------------

#: For every diagram on the deck: each text's size as drawn on the 1280x720 slide, in px.
_TEXT_SIZES = """() => {
  const scale = Reveal.getScale();
  const found = [];
  for (const figure of document.querySelectorAll(".reveal .slides .tsk-figure, .reveal .slides .tsk-cheese")) {
    const section = figure.closest("section");
    const indices = Reveal.getIndices(section);
    Reveal.slide(indices.h, indices.v);
    for (const text of figure.querySelectorAll("text, figcaption")) {
      const size = parseFloat(getComputedStyle(text).fontSize);
      const svg = text.closest("svg");
      const drawn = svg ? size * svg.getScreenCTM().a / scale : size;
      found.push([section.id, text.textContent.slice(0, 30), drawn]);
    }
  }
  return found;
}"""


def open_deck(browser: Browser, built_site: BuiltSite, query: str = "") -> BrowserPage:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(built_site.deck_html.as_uri() + query)
    wait_until(page, "window.Reveal && Reveal.isReady()")
    return page


@pytest.mark.browser
def test_no_diagram_text_on_the_deck_is_under_the_minimum_size(
    browser: Browser, built_site: BuiltSite
) -> None:
    page = open_deck(browser, built_site)
    sizes = page.evaluate(_TEXT_SIZES)
    page.close()
    slides_with_diagrams = {slide for slide, _, _ in sizes}
    assert {"slices", "outcome", "outage-timeline", "locking-queue-recorded", "sixteen-runs"} <= (
        slides_with_diagrams
    )
    small = [(s, t, round(px, 1)) for s, t, px in sizes if px < diagrams.MIN_FONT_PX - 0.05]
    assert small == []


#: The contrast of each diagram text's colour against the slide's background (WCAG's ratio,
#: computed as the code contrast check computes it).
_CONTRASTS = (
    "() => {"
    + CONTRAST_FUNCTIONS
    + """
  const bg = rgba(getComputedStyle(document.querySelector(".reveal-viewport") || document.body).backgroundColor);
  return [...document.querySelectorAll(".reveal .slides .tsk-figure text")]
    .map((text) => contrast(rgba(getComputedStyle(text).fill), bg));
}"""
)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark", "print-pdf"])
def test_diagram_text_stands_out_in_light_dark_and_print(
    browser: Browser, built_site: BuiltSite, scheme: str
) -> None:
    page = open_deck(browser, built_site, "?print-pdf" if scheme == "print-pdf" else "")
    if scheme == "print-pdf":
        # reveal.js lays the slides out as pages after it is ready; on a busy machine the
        # figures were once not there yet.
        wait_until(page, "document.querySelector('.pdf-page .tsk-figure text') !== null")
    if scheme == "dark":
        page.evaluate("document.documentElement.setAttribute('data-scheme', 'dark')")
    contrasts = page.evaluate(_CONTRASTS)
    page.close()
    assert contrasts and min(contrasts) >= 4.5, min(contrasts)
