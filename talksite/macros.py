"""Every macro a page can call, registered in this one place.

The talksite plugin hands this table to mkdocs-macros once talk.yml has loaded; a new macro
is one more line in :func:`page_macros`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from talksite import cheese, home, video
from talksite.config import Talk
from talksite.snippet_page import render_snippet

__all__ = ["page_macros"]


def page_macros(talk: Talk, *, snippets_dir: Path) -> dict[str, Callable[..., str]]:
    """The macros by the name pages call them, bound to this talk and its snippets folder."""
    return {
        "hero": partial(home.hero, talk),
        "video": partial(video.facade, talk),
        "abstract": partial(home.abstract, talk),
        "speaker": partial(home.speaker, talk),
        "layer_cards": partial(home.layer_cards, talk),
        "layer_outline": partial(home.layer_outline, talk),
        "snippet": partial(render_snippet, snippets_dir=snippets_dir),
        "swiss_cheese": partial(cheese.swiss_cheese, snippets_dir=snippets_dir),
    }
