"""The handout: ``site/slides/handout.pdf``, a page (or more) per slide, with what the deck
alone cannot give a reader: each slide as shown (every step), its speaker notes, and for a slide
that includes a snippet, the whole snippet file, its recorded output, the line that says what
recorded it, and a QR code to the page that shows it.

``talksite build --handout`` (``make handout``) writes it, printed by the same headless
Chromium as the deck's PDF (:func:`talksite.deck.pdf.chromium_page`): the slides are
photographed in the built deck at 1280x720, then one HTML document holding everything (images
inline, nothing fetched) is printed to A4.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from talksite.deck.page_wait import wait_until
from talksite.deck.pdf import READY_TIMEOUT_MS, chromium_page
from talksite.deck.render import qr_svg
from talksite.deck.slides import Slide
from talksite.references import Include, read_references
from talksite.snippets import OUTPUT_SUFFIX, provenance

__all__ = ["HANDOUT_NAME", "HandoutSlide", "Snippet", "handout_slides", "write_handout"]

HANDOUT_NAME = "handout.pdf"

_STYLE = """
@page { size: A4; margin: 14mm; }
body { font: 10.5pt/1.4 -apple-system, Helvetica, Arial, sans-serif; color: #222; margin: 0; }
.slide { break-before: page; }
.slide:first-child { break-before: auto; }
.slide > img { display: block; width: 100%; border: 1px solid #bbb; }
h2 { font-size: 11pt; margin: 4mm 0 2mm; }
.notes { margin: 0 0 3mm; }
.snippet { break-inside: auto; }
pre { font: 8.5pt/1.35 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f5f5f5;
  padding: 2mm 3mm; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 2mm; }
.made { font-size: 9pt; color: #444; margin: 0 0 2mm; }
.qr { display: flex; gap: 4mm; align-items: center; font-size: 9pt; break-inside: avoid; }
.qr svg { width: 28mm; height: 28mm; }
"""

#: Hidden while the slides are photographed: the deck's controls and overlays.
_BARE = (
    ".reveal .controls, .reveal .progress, .reveal .slide-number, .deck-toggle, .deck-logo"
    " { display: none !important; } * { transition: none !important; }"
)

#: Show slide ``n`` (0-based, in document order) with every step, and return its notes' HTML.
_SHOW = """(n) => {
  const section = document.querySelectorAll(".reveal .slides > section")[n];
  const at = Reveal.getIndices(section);
  Reveal.slide(at.h, at.v, section.querySelectorAll(".fragment").length - 1);
  const notes = section.querySelector("aside.notes");
  return notes ? notes.innerHTML : "";
}"""


@dataclass(frozen=True)
class Snippet:
    """A snippet a slide includes: its path as the site names it, its whole text, its
    recorded output and the provenance sentence (None where there is no recording)."""

    name: str
    text: str
    output: str | None
    made: str | None


@dataclass(frozen=True)
class HandoutSlide:
    """A slide, the snippets it includes, and the address of the page that shows them."""

    slide: Slide
    snippets: tuple[Snippet, ...]
    page_url: str | None


def _snippet(path: Path, name: str) -> Snippet:
    recording = path.with_suffix(OUTPUT_SUFFIX)
    output = recording.read_text(encoding="utf-8") if recording.is_file() else None
    made = provenance.read(recording) if output is not None else None
    sentence = made.sentence() if isinstance(made, provenance.Provenance) else None
    return Snippet(name, path.read_text(encoding="utf-8"), output, sentence)


def _snippet_file(snippets_dir: Path, included: str) -> Path | None:
    """The snippet an include shows: the file itself, or the one a recorded output is of."""
    path = snippets_dir / included
    if not included.endswith(OUTPUT_SUFFIX):
        return path
    stem = path.name.removesuffix(OUTPUT_SUFFIX)
    made = [
        other
        for other in sorted(path.parent.glob(f"{stem}.*"))
        if other.suffix != OUTPUT_SUFFIX and not other.name.startswith(f"{stem}{OUTPUT_SUFFIX}")
    ]
    return made[0] if made else None


def handout_slides(
    slides: Sequence[Slide],
    *,
    snippets_dir: Path,
    folder: str,
    page_url: Callable[[str], str | None],
    site_url: str,
) -> list[HandoutSlide]:
    """Each slide with the snippets its ``--8<--`` lines include, once each, in order;
    ``folder`` is how the site names the snippets folder."""
    found = []
    for slide in slides:
        files = dict.fromkeys(
            _snippet_file(snippets_dir, reference.path)
            for reference in read_references(slide.body)
            if isinstance(reference, Include)
        )
        snippets = tuple(
            _snippet(path, f"{folder}/{path.relative_to(snippets_dir).as_posix()}")
            for path in files
            if path is not None
        )
        url = page_url(slide.page) if slide.page else None
        found.append(HandoutSlide(slide, snippets, site_url + url if url is not None else None))
    return found


def _snippet_html(snippet: Snippet, page_url: str | None) -> str:
    parts = [f"<h2>{html.escape(snippet.name)}</h2><pre>{html.escape(snippet.text)}</pre>"]
    if snippet.output is not None:
        parts.append(f"<h2>Its recorded output</h2><pre>{html.escape(snippet.output)}</pre>")
    if snippet.made is not None:
        parts.append(f'<p class="made">{html.escape(snippet.made)}</p>')
    if page_url is not None:
        parts.append(
            f'<div class="qr">{qr_svg(page_url)}<span>On the site, run and explained:'
            f" {html.escape(page_url)}</span></div>"
        )
    return f'<div class="snippet">{"".join(parts)}</div>'


def _page_html(title: str, pages: Sequence[tuple[HandoutSlide, bytes, str]]) -> str:
    body = []
    for item, image, notes in pages:
        picture = base64.b64encode(image).decode("ascii")
        slide = item.slide
        body.append(
            f'<section class="slide"><img alt="Slide {slide.number}: {html.escape(slide.title)}"'
            f' src="data:image/jpeg;base64,{picture}">'
            f"<h2>Slide {slide.number}: {html.escape(slide.title)}</h2>"
            f'<div class="notes">{notes}</div>'
            + "".join(_snippet_html(s, item.page_url) for s in item.snippets)
            + "</section>"
        )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} (handout)</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def write_handout(deck_html: Path, pdf: Path, slides: Sequence[HandoutSlide], *, title: str) -> int:
    """Photograph each slide of the built deck, and print the handout to ``pdf``; returns
    the number of slides in it. The notes are the deck's own, as rendered there."""
    pages = []
    with chromium_page() as page:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(deck_html.resolve().as_uri())
        wait_until(page, "window.Reveal && Reveal.isReady()", timeout=READY_TIMEOUT_MS)
        page.add_style_tag(content=_BARE)
        for index, item in enumerate(slides):
            notes = page.evaluate(_SHOW, index)
            image = page.screenshot(type="jpeg", quality=85)
            pages.append((item, image, notes))
        page.set_content(_page_html(title, pages), wait_until="load")
        page.pdf(path=str(pdf), print_background=True, prefer_css_page_size=True)
    return len(pages)
