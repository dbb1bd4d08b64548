"""The video with a privacy facade: a poster made here, and the player only after a click.

Until the reader presses play, or a chapter, the page holds no iframe and makes no request to
the video host: the poster is an inline SVG drawn from talk.yml, and
``assets/talksite/facade.js`` swaps the button for the player's iframe on click, starting at
the chapter's moment if a chapter was pressed. Plain links to the video's own page (at each
chapter's moment) are always there, and work without JavaScript. A talk with no video yet
says so instead.

The facade is on the home page (``docs/index.md``); the slides that chapters name, and their
layer pages, link to their chapter there.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from typing import TYPE_CHECKING

from markupsafe import Markup
from mkdocs.utils import get_relative_url

from talksite.site.templating import render
from talksite.site.text import inline
from talksite.talk import Chapter, Talk, Video, video_time

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mkdocs.structure.pages import Page

    from talksite.deck import Slide

__all__ = [
    "VIDEO_PAGE",
    "chapter_anchor",
    "embed_url",
    "facade",
    "link_layer_page",
    "link_slides_to_chapters",
    "poster_svg",
    "watch_url",
]

#: The page that shows the facade, relative to docs/: chapter links point at it.
VIDEO_PAGE = "index.md"
WATCH_TEXT = "Watch this part of the talk"

# The poster's title wraps at the widest line that keeps it within three lines, so long
# titles shrink instead of running off the card.
_POSTER_LINES = 3
_POSTER_WIDTHS = (26, 30, 36, 44, 56)


def _seconds(chapter: Chapter) -> int:
    return int(chapter.at.total_seconds())


def embed_url(video: Video, chapter: Chapter | None = None) -> str:
    """The player's address: YouTube's no-cookie domain, playing at once (the click asked),
    from the chapter's moment if one is given."""
    start = f"&start={_seconds(chapter)}" if chapter is not None else ""
    return f"https://www.youtube-nocookie.com/embed/{video.id}?autoplay=1{start}"


def watch_url(video: Video, chapter: Chapter | None = None) -> str:
    """The video's own page at its provider, at the chapter's moment if one is given."""
    start = f"&t={_seconds(chapter)}s" if chapter is not None else ""
    return f"https://www.youtube.com/watch?v={video.id}{start}"


def chapter_anchor(chapter: Chapter) -> str:
    """The chapter's id on the video's page: its moment, so that it stays when others change."""
    return f"chapter-{_seconds(chapter)}"


def poster_svg(talk: Talk) -> str:
    """A 16:9 title card with a play button, drawn from the talk's own data."""
    for width in _POSTER_WIDTHS:
        lines = textwrap.wrap(talk.title, width=width)
        if len(lines) <= _POSTER_LINES:
            break
    # Font size follows the wrap width so the longest line always fits the card.
    font_size = round(72 * _POSTER_WIDTHS[0] / width)
    # Markup: the SVG is autoescaped as it is rendered, so it goes into the page as it is.
    return Markup(
        render(
            "poster.svg",
            talk=talk,
            lines=lines,
            font_size=font_size,
            line_height=round(font_size * 1.15),
        )
    )


def facade(talk: Talk) -> str:
    """The video block: poster button, chapters, the "Watch on YouTube" link, and no iframe;
    or, for a talk not recorded yet, a line that says so."""
    if talk.video is None:
        return render("no_video.html", talk=talk)
    chapters = [
        {
            "anchor": chapter_anchor(chapter),
            "time": video_time(chapter.at),
            "seconds": _seconds(chapter),
            "title": chapter.title,
            "embed_url": embed_url(talk.video, chapter),
            "watch_url": watch_url(talk.video, chapter),
        }
        for chapter in talk.video.chapters
    ]
    return render(
        "video.html",
        talk=talk,
        poster=poster_svg(talk),
        embed_url=embed_url(talk.video),
        watch_url=watch_url(talk.video),
        chapters=chapters,
    )


def _chapters_by_slide(talk: Talk) -> dict[str, Chapter]:
    chapters = talk.video.chapters if talk.video is not None else ()
    return {chapter.slide: chapter for chapter in chapters if chapter.slide is not None}


def _watch_link(chapter: Chapter, *, from_page: str) -> str:
    """A Markdown link from a page (or the slides, as docs/ sees them) to the chapter."""
    target = get_relative_url(VIDEO_PAGE, from_page)
    return f"[{WATCH_TEXT}]({target}#{chapter_anchor(chapter)})"


def link_slides_to_chapters(slides: Sequence[Slide], talk: Talk) -> list[Slide]:
    """The slides, each that a chapter names ending with a link to that chapter."""
    chapters = _chapters_by_slide(talk)
    linked = []
    for slide in slides:
        chapter = chapters.get(slide.id) if slide.id is not None else None
        if chapter is not None:
            link = _watch_link(chapter, from_page="slides.md")
            moment = f"{link} (from {video_time(chapter.at)})\n{{: .ts-watch }}"
            slide = replace(slide, body=f"{slide.body.rstrip()}\n\n{moment}\n")
        linked.append(slide)
    return linked


def link_layer_page(markdown: str, page: Page, slides: Sequence[Slide], talk: Talk) -> str:
    """``markdown`` with links to the chapters of the slides that belong to this page."""
    chapters = _chapters_by_slide(talk)
    links = [
        f"{_watch_link(chapter, from_page=page.file.src_uri)}: {inline(chapter.title)}"
        f" (from {video_time(chapter.at)})"
        for slide in slides
        if slide.page == page.file.src_uri
        and slide.id is not None
        and (chapter := chapters.get(slide.id)) is not None
    ]
    if not links:
        return markdown
    items = "\n".join(f"- {link}" for link in links)
    return f"{markdown.rstrip()}\n\n**In the video:**\n\n{items}\n"
