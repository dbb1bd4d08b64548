"""Cards kept between builds: an unchanged card is copied from the cache, not drawn again.

A card's file in the cache is named by a hash of everything that makes its picture: its
text and colours, the size, the font, Pillow's version and :data:`RENDERER` (raised whenever
:mod:`talksite.cards.draw` draws differently). So a changed card gets a new name, and a stale
one is never used. Files are written under a temporary name and renamed into place, so builds
running side by side never see half a card.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import PIL

from talksite.cards.draw import FONT, HEIGHT, WIDTH, Card, render
from talksite.errors import SetupError

__all__ = ["RENDERER", "card_key", "check_cache_dir", "write_card"]

#: The drawing code's version: part of every key, so changing how cards look redraws them.
RENDERER = 1


def card_key(card: Card) -> str:
    """The card's name in the cache: a hash of what it shows and of what draws it."""
    inputs = {
        "renderer": RENDERER,
        "pillow": PIL.__version__,
        "font": FONT,
        "size": [WIDTH, HEIGHT],
        "card": asdict(card),
    }
    encoded = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def write_card(card: Card, target: Path, *, cache_dir: Path) -> bool:
    """Write ``card`` to ``target``, from the cache when it is there; True if it was drawn."""
    cached = cache_dir / f"{card_key(card)}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached.is_file():
        shutil.copyfile(cached, target)
        return False
    png = render(card)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(cached, png)
    _write_atomically(target, png)
    return True


def check_cache_dir(cache_dir: Path, *, option: str) -> None:
    """Stop before the build writes anything if ``cache_dir`` cannot be a folder.

    ``option`` names where it was set, for the message.
    """
    for path in (cache_dir, *cache_dir.parents):
        if path.is_dir():
            return
        if path.exists():
            raise SetupError(
                f"{option}: expected a folder for the social cards' cache, but {path} is a"
                " file; name a folder (the default is .cache/talksite/cards)"
            )


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.chmod(temporary, 0o644)  # mkstemp made it private; a web server must read the copy
    os.replace(temporary, path)
