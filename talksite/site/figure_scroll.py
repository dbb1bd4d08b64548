"""Diagrams on the pages, legible on a phone: each in a scroller that never lets it shrink
below the width at which its smallest text is :data:`MIN_TEXT_PX` CSS pixels.

A diagram is drawn to fill the column (:mod:`talksite.diagrams`), which on a 390 px screen
would shrink a 1200-unit drawing's 18-unit text to 5 px. Here, on the site's side, the
figure's HTML is wrapped: the wrapper scrolls sideways, and the figure inside is at least as
wide as its widest drawing's ``viewBox`` width times ``MIN_TEXT_PX`` over the smallest
font size the drawing sets. Wider screens see no difference. The scroller is a named region
that the keyboard can reach, with shadows at the edge that has more to show (talksite.css).
"""

from __future__ import annotations

import html
import math
import re

__all__ = ["MIN_TEXT_PX", "scrollable"]

#: The smallest text a diagram may show on a page, in CSS pixels, at any screen width.
MIN_TEXT_PX = 12
_VIEWBOX = re.compile(r'<svg\b[^>]*\bviewBox="[-\d.]+ [-\d.]+ (?P<width>[\d.]+) [\d.]+"')
# Sizes in drawing units: CSS in px (the drawing's own <style>), and attributes.
_FONT_SIZE = re.compile(r'font-size(?::\s*(?P<css>[\d.]+)px|="(?P<attribute>[\d.]+)(?:px)?")')
_TITLE = re.compile(r"<title[^>]*>(?P<title>[^<]*)</title>")


def _min_width(figure_html: str) -> int | None:
    widths = [float(match["width"]) for match in _VIEWBOX.finditer(figure_html)]
    sizes = [
        float(match["css"] or match["attribute"]) for match in _FONT_SIZE.finditer(figure_html)
    ]
    sizes = [size for size in sizes if size > 0]
    if not widths or not sizes:
        return None
    return math.ceil(max(widths) * MIN_TEXT_PX / min(sizes))


def scrollable(figure_html: str) -> str:
    """The figure in its scroller; a figure with no drawing or no text is left as it is."""
    width = _min_width(figure_html)
    if width is None:
        return figure_html
    title = _TITLE.search(figure_html)
    name = html.unescape(title["title"]) if title else "Diagram"
    label = html.escape(f"{name} (scrolls sideways on a narrow screen)", quote=True)
    return (
        f'<div class="ts-figure-scroll" role="region" tabindex="0" aria-label="{label}">'
        f'<div class="ts-figure-scroll__inner" style="min-width: {width}px">'
        f"{figure_html}</div></div>"
    )
