"""The talk's own blocks for pages: hero, abstract, speaker card, layer cards, layer outlines.

Each function takes the validated :class:`~talksite.talk.Talk` and returns Markdown (or
HTML that Markdown passes through), so a page is a few macro calls and nothing about a
particular talk lives in code or templates. talk.yml's text is escaped on the way in
(:mod:`talksite.site.text`, or the templates' autoescape): it always reads as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from talksite.deck import DECK_DIR
from talksite.errors import MacroError
from talksite.site.templating import render
from talksite.site.text import inline, paragraphs
from talksite.talk import Event, Layer, Talk

__all__ = [
    "When",
    "abstract",
    "hero",
    "initials",
    "layer_cards",
    "layer_outline",
    "speaker",
    "when",
]


@dataclass(frozen=True)
class When:
    """An event's date and time, as readers see it and as machines read it."""

    day: str  # "Tuesday 30 May 2023"
    start: str  # "14:35"
    end: str  # "15:05"
    abbreviation: str  # "BST", the zone's name on that day
    zone: str  # "Europe/London"
    start_iso: str  # "2023-05-30T14:35+01:00", for <time datetime>
    end_iso: str


def when(event: Event) -> When:
    zone = ZoneInfo(event.timezone)
    start = datetime.combine(event.date, event.start, tzinfo=zone)
    end = datetime.combine(event.date, event.end, tzinfo=zone)
    return When(
        # Built by hand rather than with %-d, which is not portable.
        day=f"{start:%A} {start.day} {start:%B %Y}",
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
        abbreviation=start.tzname() or event.timezone,
        zone=event.timezone,
        start_iso=start.isoformat(timespec="minutes"),
        end_iso=end.isoformat(timespec="minutes"),
    )


def initials(name: str) -> str:
    """The speaker's badge: first letters of the first and last names ("Tim Bell" is TB)."""
    words = name.split()
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def hero(talk: Talk) -> str:
    """The home page's opening: event, title, short abstract, when and where, and links.

    Its links are relative to the site's root, where the home page is.
    """
    return render(
        "hero.html", talk=talk, when=when(talk.event), slides_url=f"{DECK_DIR}/index.html"
    )


def speaker(talk: Talk, *, root: str = "") -> str:
    """The speaker card: the photo (talk.yml's ``speaker.photo``, with its credit) or an
    initials badge, then name, affiliation, bio. ``root`` leads from the page to the site's
    root, where the photo is (nothing is fetched from elsewhere)."""
    photo = f"{root}{talk.speaker.photo}" if talk.speaker.photo else None
    return render(
        "speaker.html", speaker=talk.speaker, initials=initials(talk.speaker.name), photo=photo
    )


def abstract(talk: Talk, *, level: int = 3) -> str:
    """The abstract's sections as Markdown headings at ``level`` and their text."""
    hashes = "#" * level
    return "\n".join(
        f"{hashes} {inline(section.heading)}\n\n{paragraphs(section.text)}\n"
        for section in talk.abstract.sections
    )


def _layer_url(layer: Layer) -> str:
    return f"{layer.slug}.md"


def layer_cards(talk: Talk) -> str:
    """A card per layer, in order, linking its page with its one-line summary."""
    cards = [
        f"-   __[{index}. {inline(layer.title)}]({_layer_url(layer)})__\n\n    ---\n\n"
        f"    {inline(layer.summary)}\n"
        for index, layer in enumerate(talk.layers, start=1)
    ]
    return '<div class="grid cards ts-layers" markdown>\n\n' + "\n".join(cards) + "\n</div>\n"


def layer_outline(talk: Talk, slug: str) -> str:
    """A layer's page until it is written: its title, summary and what it will show."""
    layers = {layer.slug: (index, layer) for index, layer in enumerate(talk.layers, start=1)}
    if slug not in layers:
        raise MacroError(
            f"layer_outline({slug!r}): talk.yml has no such layer",
            f"expected one of {', '.join(layers)}",
        )
    index, layer = layers[slug]
    parts = [
        f"# {inline(layer.title)}\n",
        f"{inline(layer.summary)}\n{{: .ts-lead }}\n",
        f"Layer {index} of {len(talk.layers)} in this talk.\n",
        '!!! note "This page is being written"\n',
    ]
    if layer.outline:
        parts.append("    It will show, with snippets that run against real services:\n")
        parts.extend(f"    - {inline(item)}" for item in layer.outline)
        parts.append("")
    else:
        parts.append("    Its snippets will run against real services.\n")
    return "\n".join(parts)
