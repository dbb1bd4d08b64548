"""The handout (``talksite build --handout``): site/slides/handout.pdf holds every slide on a
page of its own with its notes, and for a slide that shows a snippet, the whole snippet file, its
recorded output and its "Recorded on" line; the pages link to it only when it is built.

This talk is built with the handout once for the module, in a process of its own, as ``make
handout`` builds it (Chromium prints it: under ``CI=true`` it must be there).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdf
import pytest
from browser_support import REPO, BuiltSite
from command_support import run_talksite
from shared_support import made_once

from talksite import deck
from talksite.snippets import provenance

#: One worker reads the handout (pypdf takes a second or two of CPU) for the tests that read it.
pytestmark = pytest.mark.xdist_group("handout")

SNIPPET = REPO / "snippets" / "locking" / "lock_queue.py"


def _built_with_handout(site: Path) -> None:
    result = run_talksite(
        "build",
        "--handout",
        "--site-dir",
        str(site),
        cwd=REPO,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def handout_site(pytestconfig: pytest.Config) -> Path:
    """This talk's site built with its handout, once for all workers."""
    return made_once(pytestconfig, "handout-site", _built_with_handout)


@pytest.fixture(scope="module")
def pages(handout_site: Path) -> list[str]:
    """The text of each page of the handout."""
    reader = pypdf.PdfReader(handout_site / "slides" / "handout.pdf")
    return [page.extract_text() for page in reader.pages]


def _squeezed(text: str) -> str:
    """``text`` without its whitespace: a line the PDF wraps is still found."""
    return "".join(text.split())


def test_every_slide_starts_a_page_of_its_own_in_order(pages: list[str]) -> None:
    slides = deck.load_slides(REPO / "talk" / "slides.md", source="talk/slides.md")
    starts = []
    for slide in slides:
        heading = _squeezed(f"Slide {slide.number}: {slide.title}")
        starts.append(next(n for n, text in enumerate(pages) if heading in _squeezed(text)))
    assert starts == sorted(set(starts))  # one page each, in the deck's order
    assert len(slides) <= len(pages) <= 3 * len(slides)


def test_a_code_slide_gives_the_whole_snippet_its_output_and_what_recorded_it(
    pages: list[str],
) -> None:
    text = _squeezed("".join(pages))
    assert _squeezed(SNIPPET.read_text(encoding="utf-8")) in text
    recording = SNIPPET.with_suffix(".out")
    assert _squeezed(recording.read_text(encoding="utf-8")) in text
    made = provenance.read(recording)
    assert isinstance(made, provenance.Provenance)
    assert _squeezed(made.sentence()) in text
    assert made.sentence().startswith("Recorded on ")


def test_the_pages_link_the_handout_only_when_it_is_built(
    handout_site: Path, built_site: BuiltSite
) -> None:
    link = re.compile(r'href="\.\./slides/handout\.pdf"')
    assert link.search((handout_site / "locking" / "index.html").read_text(encoding="utf-8"))
    assert not (built_site.root / "slides" / "handout.pdf").exists()
    assert not link.search((built_site.root / "locking" / "index.html").read_text("utf-8"))
