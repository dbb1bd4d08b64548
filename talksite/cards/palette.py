"""The card's colours: the site's Material palette, as mkdocs.yml's ``theme.palette`` names it.

Material names its colours (``primary: indigo``) and defines them in its stylesheet; a PNG
needs the values. These are Material 9's light-scheme values (``palette.*.min.css``:
``--md-primary-fg-color`` for the background, ``--md-primary-bg-color`` for the text on it,
``--md-accent-fg-color`` for the accent). Where Material gives translucent black text
(``#000000de``), the card uses the opaque grey it makes on a light colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from talksite.errors import SetupError

__all__ = ["Palette", "card_palette"]

_WHITE, _DARK = "#ffffff", "#212121"

#: Material's primary colours: (background, text).
PRIMARY: dict[str, tuple[str, str]] = {
    "red": ("#ef5552", _WHITE),
    "pink": ("#e92063", _WHITE),
    "purple": ("#ab47bd", _WHITE),
    "deep-purple": ("#7e56c2", _WHITE),
    "indigo": ("#4051b5", _WHITE),
    "blue": ("#2094f3", _WHITE),
    "light-blue": ("#02a6f2", _WHITE),
    "cyan": ("#00bdd6", _WHITE),
    "teal": ("#009485", _WHITE),
    "green": ("#4cae4f", _WHITE),
    "light-green": ("#8bc34b", _WHITE),
    "lime": ("#cbdc38", _DARK),
    "yellow": ("#ffec3d", _DARK),
    "amber": ("#ffc105", _DARK),
    "orange": ("#ffa724", _DARK),
    "deep-orange": ("#ff6e42", _WHITE),
    "brown": ("#795649", _WHITE),
    "grey": ("#757575", _WHITE),
    "blue-grey": ("#546d78", _WHITE),
    # hsla(225deg, 15%, 9%) and plain white in Material's stylesheet.
    "black": ("#14151a", _WHITE),
    "white": (_WHITE, _DARK),
}

#: Material's accent colours.
ACCENT: dict[str, str] = {
    "red": "#ff1947",
    "pink": "#f50056",
    "purple": "#df41fb",
    "deep-purple": "#7c4dff",
    "indigo": "#526cfe",
    "blue": "#4287ff",
    "light-blue": "#0091eb",
    "cyan": "#00bad6",
    "teal": "#00bda4",
    "green": "#00c753",
    "light-green": "#63de17",
    "lime": "#b0eb00",
    "yellow": "#ffd500",
    "amber": "#ffaa00",
    "orange": "#ff9100",
    "deep-orange": "#ff6e42",
}

#: Material's own default, when mkdocs.yml names no colour (or "custom", set in CSS a PNG
#: cannot read).
DEFAULT = "indigo"


@dataclass(frozen=True)
class Palette:
    """A card's colours, as ``#rrggbb``."""

    background: str
    text: str
    accent: str


def card_palette(palette: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None) -> Palette:
    """The card's colours from ``theme.palette`` (one mapping, or a list of them).

    Each colour is the first the list names: an "automatic" entry that only toggles the scheme
    names none. An unknown colour name stops the build, naming the key and what Material accepts.
    """
    entries = [palette] if isinstance(palette, Mapping) else list(palette or [])
    primary = _name(entries, "primary", PRIMARY)
    accent = _name(entries, "accent", ACCENT)
    background, text = PRIMARY[primary]
    return Palette(background=background, text=text, accent=ACCENT[accent])


def _name(entries: Sequence[Mapping[str, Any]], key: str, known: Mapping[str, object]) -> str:
    value = next((entry[key] for entry in entries if entry.get(key) is not None), None)
    if value is None or value == "custom":
        return DEFAULT
    name = str(value).strip().lower().replace(" ", "-")
    if name not in known:
        raise SetupError(
            f"mkdocs.yml: theme.palette {key}: {value!r} is not a Material colour the social"
            f" cards can draw; expected one of: {', '.join(known)} (or custom)"
        )
    return name
