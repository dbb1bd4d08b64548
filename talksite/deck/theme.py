"""The deck's colours and logo, from the site's Material theme (``mkdocs.yml``'s ``theme``).

``theme.palette`` names a primary and an accent colour for each scheme: the entry with
``scheme: default`` (or none) for light, ``scheme: slate`` for dark; an entry that names no
colour (the automatic toggle) is skipped, and a scheme that names none takes the other's.
:func:`theme_css` turns them into the deck's CSS variables, written to ``slides/theme.css``
after ``deck.css``. Material's values come from :mod:`talksite.cards.palette`. Links and the
slide's rule are the primary colour, darkened on light or lightened on dark until they stand
out (WCAG's 4.5:1), as a yellow primary would not on white.

``theme.logo`` (an image under docs/) or ``theme.icon.logo`` (one of Material's icons, inlined
from its package: nothing is fetched; Material's own default without either, as the site's
header shows) is shown in a corner of every slide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talksite.cards.palette import ACCENT, DEFAULT, PRIMARY

__all__ = ["DeckTheme", "deck_theme", "logo_html", "theme_css"]

#: The deck's backgrounds (deck.css), which links must stand out against.
_LIGHT_BG, _DARK_BG = "#ffffff", "#1f2229"
_CONTRAST = 4.5
_MATERIAL_LOGO = "material/library"


@dataclass(frozen=True)
class DeckTheme:
    """The deck's colours for one scheme, as ``#rrggbb``."""

    primary: str
    on_primary: str
    accent: str
    link: str


def _colour_names(entries: Sequence[Mapping[str, Any]], dark: bool) -> tuple[str, str]:
    def named(key: str, scheme_is_dark: bool) -> str | None:
        for entry in entries:
            if (entry.get("scheme") == "slate") == scheme_is_dark and entry.get(key):
                return str(entry[key]).strip().lower().replace(" ", "-")
        return None

    def pick(key: str, known: Mapping[str, object]) -> str:
        name = named(key, dark) or named(key, not dark) or DEFAULT
        return name if name in known else DEFAULT  # "custom": set in CSS talksite cannot read

    return pick("primary", PRIMARY), pick("accent", ACCENT)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _standing_out(colour: str, background: str) -> str:
    """``colour``, mixed towards black (on light) or white (on dark) until it stands out."""
    target = (0, 0, 0) if _luminance(background) > 0.5 else (255, 255, 255)
    mixed = colour
    for step in range(11):
        share = step / 10
        rgb = (round(c + (t - c) * share) for c, t in zip(_rgb(colour), target))
        mixed = "#" + "".join(f"{c:02x}" for c in rgb)
        if _contrast(mixed, background) >= _CONTRAST:
            break
    return mixed


def deck_theme(
    palette: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None, *, dark: bool
) -> DeckTheme:
    """The deck's colours for the light or the dark scheme, from ``theme.palette``."""
    entries = [palette] if isinstance(palette, Mapping) else list(palette or [])
    primary_name, accent_name = _colour_names(entries, dark)
    primary, on_primary = PRIMARY[primary_name]
    link = _standing_out(primary, _DARK_BG if dark else _LIGHT_BG)
    return DeckTheme(primary, on_primary, ACCENT[accent_name], link)


def _variables(theme: DeckTheme) -> str:
    return (
        f"--deck-primary: {theme.link}; --deck-link: {theme.link};"
        f" --deck-accent: {theme.accent}; --deck-title-bg: {theme.primary};"
        f" --deck-title-fg: {theme.on_primary};"
    )


def theme_css(palette: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None) -> str:
    """The deck's colours as CSS, light and dark, in the same scopes as deck.css's."""
    light = _variables(deck_theme(palette, dark=False))
    dark = _variables(deck_theme(palette, dark=True))
    return (
        "/* The site's theme.palette (talksite.deck.theme), written by the build. */\n"
        f":root {{ {light} }}\n"
        "@media screen and (prefers-color-scheme: dark) {\n"
        f'  :root:not([data-scheme="light"], .print-pdf) {{ {dark} }}\n'
        "}\n"
        f'@media screen {{ :root[data-scheme="dark"]:not(.print-pdf) {{ {dark} }} }}\n'
    )


def logo_html(theme: Mapping[str, Any], *, icons: Path) -> str:
    """The site's logo for the deck's corner: ``theme.logo`` (relative to the deck), or
    ``theme.icon.logo``'s SVG (Material's default if none) from ``icons``, Material's
    ``.icons`` folder; nothing for an icon that is not there."""
    logo = theme.get("logo")
    if logo:
        return f'<img class="deck-logo" src="../{logo}" alt="">'
    # Material's own default, as its header shows it.
    name = (theme.get("icon") or {}).get("logo") or _MATERIAL_LOGO
    icon = icons / f"{name}.svg"
    if not icon.is_file():
        return ""
    svg = icon.read_text(encoding="utf-8").strip()
    return svg.replace("<svg ", '<svg class="deck-logo" aria-hidden="true" ', 1)
