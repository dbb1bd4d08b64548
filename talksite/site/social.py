"""Each page's social card and the Open Graph and Twitter tags that point at it.

A page's card shows its title under the talk's (the home page shows the talk's title alone)
and, at the bottom, the speaker and the event; it is written to ``assets/cards/PAGE.png``.
The tags give the page's title, a description (the page's ``description`` front matter, else
the layer's summary on a layer's page, else the talk's short abstract), the canonical URL and
the card.

Open Graph wants absolute URLs, which only ``site_url`` can give. Without it, ``og:url`` is
left out and the card is named relative to the page: a preview on the local machine still
finds it, and nothing pretends to know where the site will live.

The tags go in just before ``</head>``, as Material's own social plugin puts its tags, rather
than through a ``main.html`` override: a talk's own ``main.html`` would then silently drop them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mkdocs.utils import get_relative_url

from talksite.cards import HEIGHT, WIDTH, Card, Palette
from talksite.errors import SetupError
from talksite.site.templating import render

if TYPE_CHECKING:
    from talksite.site.built import BuiltPage
    from talksite.talk import Talk

__all__ = ["CARDS_DIR", "Social", "Where", "add_tags", "page_social", "social"]

#: Where the cards go in the built site.
CARDS_DIR = "assets/cards"
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Social:
    """One page's card, where it goes in the site, and the tags for its ``<head>``."""

    card: Card
    card_path: str  # relative to the site's root
    tags: str


def _plain(text: str) -> str:
    """A title as text: MkDocs may keep inline markup and entities in it."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _description(page: BuiltPage, talk: Talk) -> str:
    if page.description:
        return page.description
    layers = {f"{layer.slug}.md": layer.summary for layer in talk.layers}
    return layers.get(page.source, talk.abstract.lead)


@dataclass(frozen=True)
class Where:
    """How a page is named: its card's file name and its own URL, both from the site's root."""

    card_name: str  # "a/b" makes assets/cards/a/b.png
    url: str  # "a/b/"; "" for the home page


def page_social(page: BuiltPage, *, talk: Talk, palette: Palette, site_url: str | None) -> Social:
    """The card and tags of one of the site's pages."""
    return social(
        title=_plain(page.title or talk.title),
        description=_description(page, talk),
        where=Where(card_name=page.source.rsplit(".", 1)[0], url=page.url),
        home=page.homepage,
        talk=talk,
        palette=palette,
        site_url=site_url,
    )


def social(
    *,
    title: str,
    description: str,
    where: Where,
    home: bool,
    talk: Talk,
    palette: Palette,
    site_url: str | None,
) -> Social:
    """The card and tags of any page (the deck's too); ``site_url`` may be unset (see above)."""
    title = talk.title if home else title
    card = Card(
        title=title,
        kicker="" if home else talk.title,
        byline=f"{talk.speaker.name} · {talk.event.name}, {talk.event.city}",
        palette=palette,
    )
    card_path = f"{CARDS_DIR}/{where.card_name}.png"
    if site_url:
        image, url = urljoin(site_url, card_path), urljoin(site_url, where.url)
    else:
        image, url = get_relative_url(card_path, where.url or "."), None
    tags = render(
        "social.html",
        type="website" if home else "article",
        site_name=talk.title,
        title=title,
        description=" ".join(description.split()),
        url=url,
        image=image,
        width=WIDTH,
        height=HEIGHT,
        alt=" | ".join(part for part in (title, card.kicker, card.byline) if part),
    )
    return Social(card=card, card_path=card_path, tags=tags)


def add_tags(output: str, social: Social, *, source: str) -> str:
    """``output`` (a page's HTML) with the tags at the end of its ``<head>``."""
    head_end = output.find("</head>")
    if head_end < 0:
        raise SetupError(
            f"{source}: the theme wrote no </head>, so the social tags have nowhere to go;"
            " expected a theme with an HTML head (Material)"
        )
    return output[:head_end] + social.tags + output[head_end:]
