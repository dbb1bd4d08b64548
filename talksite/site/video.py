"""The video with a privacy facade: a poster made here, and the player only after a click.

Until the reader presses play, the page holds no iframe and makes no request to the video
host: the poster is an inline SVG drawn from talk.yml, and ``assets/talksite/facade.js``
swaps the button for the player's iframe on click. A plain link to the video's own page is
always there, and works without JavaScript.
"""

from __future__ import annotations

import textwrap

from markupsafe import Markup

from talksite.site.templating import render
from talksite.talk import Talk, Video

__all__ = ["embed_url", "facade", "poster_svg", "watch_url"]

# The poster's title wraps at the widest line that keeps it within three lines, so long
# titles shrink instead of running off the card.
_POSTER_LINES = 3
_POSTER_WIDTHS = (26, 30, 36, 44, 56)


def embed_url(video: Video) -> str:
    """The player's address: YouTube's no-cookie domain, playing at once (the click asked)."""
    return f"https://www.youtube-nocookie.com/embed/{video.id}?autoplay=1"


def watch_url(video: Video) -> str:
    """The video's own page at its provider."""
    return f"https://www.youtube.com/watch?v={video.id}"


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
    """The video block: poster button, the "Watch on YouTube" link, and no iframe."""
    return render(
        "video.html",
        talk=talk,
        poster=poster_svg(talk),
        embed_url=embed_url(talk.video),
        watch_url=watch_url(talk.video),
    )
