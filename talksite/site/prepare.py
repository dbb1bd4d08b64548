"""Step 1 of a build: the content check, and what the pages are made from.

:func:`prepare` reads mkdocs.yml's talksite options and Markdown set-up (a missing extension
stops the build with the fix), then talk.yml, the slides, the snippets and every reference to
them (:mod:`talksite.site.content`), listing every problem before anything is written. What it
gives, a :class:`Prepared`, is all the engine's build (step 2) and the steps on the built site
(step 3, :mod:`talksite.site.finish`) need of the talk: ``talksite build`` makes it before the
engine starts, and the plugin makes it itself when an engine's own command (``mkdocs serve``)
runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from talksite import cards, deck
from talksite.diagrams import Diagrams, Figure
from talksite.errors import ContentError
from talksite.project import Project
from talksite.site import video
from talksite.site.content import check_content
from talksite.site.excerpts import SourceLinks
from talksite.site.options import check_markdown_setup
from talksite.site.repository import repository

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from talksite.talk import Talk

__all__ = ["Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """One talk, checked: what its pages, deck and cards are made from."""

    project: Project
    talk: Talk
    #: The slides, those that a video chapter names ending with a link to it.
    slides: list[deck.Slide]
    #: Every diagram the pages and slides call, drawn once.
    diagrams: Diagrams
    #: The cards' colours, from mkdocs.yml's ``theme.palette``.
    card_palette: cards.Palette
    #: What leads from each snippet a page shows to its whole file and how to run it; the
    #: files it links are copied into the site in step 3.
    source_links: SourceLinks
    #: The project's folders: a file the site serves must resolve inside one of them.
    folders: tuple[Path, ...]

    @property
    def figures(self) -> dict[str, Callable[..., Figure]]:
        """The figures, by kind, for the deck's placeholders and "Slides as text"."""
        return self.diagrams.kinds()


def prepare(config: MkDocsConfig) -> Prepared:
    """Check the talk that the loaded `config` names; every problem raises, as a
    :class:`~talksite.errors.ContentError` when there are many."""
    project = Project.from_config(config)
    check_markdown_setup(config, project)
    card_palette = cards.card_palette(config.theme.get("palette"))
    cards.check_cache_dir(
        project.cards_cache_dir, option="mkdocs.yml: plugins: talksite: cards_cache_dir"
    )
    content = check_content(project, docs_dir=Path(config.docs_dir))
    if content.problems:
        raise ContentError(content.problems)
    assert content.talk is not None and content.diagrams is not None  # or problems listed
    return Prepared(
        project=project,
        talk=content.talk,
        slides=video.link_slides_to_chapters(content.slides, content.talk),
        diagrams=content.diagrams,
        card_palette=card_palette,
        source_links=SourceLinks(
            project.snippets_dir,
            project.relative(project.snippets_dir),
            repository(config.repo_url, project.folder),
            project.snippet_settings,
        ),
        folders=content.folders,
    )
