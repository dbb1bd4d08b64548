"""Every macro a page can call, registered in this one place.

The talksite plugin hands this table to mkdocs-macros once talk.yml has loaded; a new macro
is one more line in :func:`page_macros`. A macro that raises a :class:`TalksiteError` does not
stop the build at once: the error goes to `report`, and the plugin lists every such error
before anything is written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial
from typing import Any

from talksite.diagrams import Diagrams
from talksite.errors import TalksiteError
from talksite.project import Project
from talksite.site import home, video
from talksite.site.figure_scroll import scrollable
from talksite.site.snippet_macro import render_snippet
from talksite.talk import Talk

__all__ = ["page_macros"]


def page_macros(
    talk: Talk,
    project: Project,
    *,
    diagrams: Diagrams,
    report: Callable[[str, TalksiteError], None],
) -> dict[str, Callable[..., str]]:
    """The macros by the name pages call them, bound to this talk and its snippets folder.

    ``diagrams`` is the build's: the content check has drawn each figure there already.
    """
    snippets_dir = project.snippets_dir
    folder = project.relative(snippets_dir)

    # Each diagram kind (swiss_cheese, timeline, ...): its figure's HTML, drawn at build time,
    # in a scroller that keeps its text legible on a phone.
    figures = {
        kind: (lambda *args, _draw=draw, **kwargs: scrollable(_draw(*args, **kwargs).html))
        for kind, draw in diagrams.kinds().items()
    }

    macros: dict[str, Callable[..., str]] = {
        "hero": partial(home.hero, talk),
        "video": partial(video.facade, talk),
        "abstract": partial(home.abstract, talk),
        "speaker": partial(home.speaker, talk),
        "layer_cards": partial(home.layer_cards, talk),
        "layer_outline": partial(home.layer_outline, talk),
        "snippet": partial(
            render_snippet,
            snippets_dir=snippets_dir,
            folder=folder,
            verified_on=project.verified_on,
            settings=project.snippet_settings,
        ),
        **figures,
    }
    return {name: _reporting(name, macro, report) for name, macro in macros.items()}


def _reporting(
    name: str, macro: Callable[..., str], report: Callable[[str, TalksiteError], None]
) -> Callable[..., str]:
    @functools.wraps(macro)
    def call(*args: Any, **kwargs: Any) -> str:
        try:
            return macro(*args, **kwargs)
        except TalksiteError as error:
            report(name, error)
            return ""

    return call
