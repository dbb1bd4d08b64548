"""Step 3 of a build: the steps on the built site, whatever engine wrote it.

- The snippet files the pages link are copied into the site (:mod:`talksite.site.snippet_files`).
- Each page gets its social card (drawn, or copied from the cache) and the Open Graph and
  Twitter tags that point at it (:mod:`talksite.site.social`), then its
  Content-Security-Policy (:mod:`talksite.policy`); so do the theme's other pages (404).
- The deck is rendered into ``slides/`` with the site's own Markdown set-up, with a card and
  a policy of its own (which also allows reveal.js's speaker view), and printed to PDF if the
  ``slides_pdf`` option says so (:mod:`talksite.deck`), and to a handout if
  ``slides_handout`` does (:mod:`talksite.deck.handout`).

It reads the pages as the engine wrote them into the site's folder, and what the engine said
of each (:class:`~talksite.site.built.BuiltSite`). With ``policy=False`` (``mkdocs serve``)
the pages go without a policy: the development server adds an inline script of its own to
every page it serves, to reload it, which the policy would block.
"""

from __future__ import annotations

from pathlib import Path

from talksite import cards, deck
from talksite.policy import speaker_view_hashes, with_policy_meta
from talksite.site.built import BuiltSite
from talksite.site.own_assets import load_early
from talksite.site.prepare import Prepared
from talksite.site.snippet_files import copy_snippet_files
from talksite.site.social import Social, Where, add_tags, page_social, social

__all__ = ["finish_site"]


def finish_site(prepared: Prepared, built: BuiltSite, *, policy: bool = True) -> None:
    """The cards, tags and policies on the built pages; then the deck and its PDF."""
    for page in built.pages:
        tags = page_social(
            page, talk=prepared.talk, palette=prepared.card_palette, site_url=built.site_url
        )
        path = built.site_dir / page.output
        html = _with_card(prepared, built, path.read_text(encoding="utf-8"), tags, page.source)
        html = load_early(html)
        path.write_text(with_policy_meta(html) if policy else html, encoding="utf-8")
    for name in built.templates:
        path = built.site_dir / name
        html = load_early(path.read_text(encoding="utf-8"))
        path.write_text(with_policy_meta(html) if policy else html, encoding="utf-8")
    project = prepared.project
    copy_snippet_files(
        prepared.source_links.linked,
        site_dir=built.site_dir,
        folders=prepared.folders,
        relative=project.relative,
        # What the engine wrote there came from docs/: a snippet never replaces it.
        taken=lambda path: (built.site_dir / path).exists(),
    )
    index = _build_deck(prepared, built, policy=policy)
    if prepared.project.slides_pdf:
        # Playwright is imported only when a PDF is wanted.
        from talksite.deck.pdf import write_pdf

        write_pdf(index, index.parent / deck.PDF_NAME)
    if prepared.project.slides_handout:
        _write_handout(prepared, built, index)


def _build_deck(prepared: Prepared, built: BuiltSite, *, policy: bool) -> Path:
    """The deck in ``slides/``, with its card and tags (readers share it too) and policy."""
    project, talk = prepared.project, prepared.talk
    index = deck.build_deck(
        prepared.slides,
        setup=built.markdown,
        project_dir=project.folder,
        site_dir=built.site_dir,
        site_url=built.site_url or "",
        title=talk.title,
        language=built.language,
        source=project.relative(project.slides_file),
        page_url=built.page_url,
        figures=prepared.figures,
        description=talk.abstract.lead,
        favicon=built.favicon,
        theme=built.theme,
        speaker=talk.speaker,
        retitle=prepared.source_links.retitle,
    )
    deck_tags = social(
        title="Slides",
        description=talk.abstract.lead,
        where=Where(card_name=deck.DECK_DIR, url=f"{deck.DECK_DIR}/"),
        home=False,
        talk=talk,
        palette=prepared.card_palette,
        site_url=built.site_url,
    )
    source = f"{deck.DECK_DIR}/index.html"
    html = _with_card(prepared, built, index.read_text(encoding="utf-8"), deck_tags, source)
    if policy:
        # The speaker view is a popup of the deck's, under the deck's policy.
        notes = index.parent / "reveal" / "plugin" / "notes.js"
        speaker = speaker_view_hashes(notes.read_text(encoding="utf-8"))
        html = with_policy_meta(html, extra_hashes=speaker)
    index.write_text(html, encoding="utf-8")
    return index


def _write_handout(prepared: Prepared, built: BuiltSite, index: Path) -> None:
    """Each slide with its notes, and a code slide's whole snippet, recorded output,
    provenance and a QR code to its page (:mod:`talksite.deck.handout`)."""
    # Playwright is imported only when a handout is wanted.
    from talksite.deck.handout import HANDOUT_NAME, handout_slides, write_handout

    project = prepared.project
    slides = handout_slides(
        prepared.slides,
        snippets_dir=project.snippets_dir,
        folder=project.relative(project.snippets_dir),
        page_url=built.page_url,
        site_url=built.site_url or "",
    )
    write_handout(index, index.parent / HANDOUT_NAME, slides, title=prepared.talk.title)


def _with_card(prepared: Prepared, built: BuiltSite, html: str, tags: Social, source: str) -> str:
    """Write the page's card into the site; returns its HTML with the tags that name it."""
    cards.write_card(
        tags.card, built.site_dir / tags.card_path, cache_dir=prepared.project.cards_cache_dir
    )
    return add_tags(html, tags, source=source)
