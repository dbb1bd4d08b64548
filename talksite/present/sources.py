"""What presenting needs from the talk's files: its slides, its demos and its time slot,
found through ``mkdocs.yml``'s talksite options as the build finds them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from talksite.deck import Slide, load_slides
from talksite.errors import SetupError
from talksite.present.catalog import Demo, demos
from talksite.site.options import Options
from talksite.talk import load_talk

__all__ = ["Sources", "read_sources"]


@dataclass(frozen=True)
class Sources:
    slides: list[Slide]
    demos: dict[str, Demo]
    #: The talk's slot, from talk.yml's event start and end.
    slot_s: int


def read_sources(config_file: Path) -> Sources:
    if not config_file.is_file():
        raise SetupError(f"{config_file}: no such file; give the site's mkdocs.yml with -f")
    try:
        config = load_config(str(config_file))
    except ConfigurationError as error:
        raise SetupError(f"{config_file}: {error}") from None
    plugin = config.plugins.get("talksite")
    if plugin is None:
        raise SetupError(f"{config_file}: the talksite plugin is not listed under plugins:")
    options = Options.resolve(plugin.config, config_file=config_file)  # type: ignore[arg-type]
    talk = load_talk(options.path(options.talk_file), source=options.talk_file)
    slides = load_slides(options.path(options.slides_file), source=options.slides_file)
    day = talk.event.date
    start = datetime.datetime.combine(day, talk.event.start)
    end = datetime.datetime.combine(day, talk.event.end)
    return Sources(
        slides=slides,
        demos=demos(slides, options.path(options.snippets_dir)),
        slot_s=int((end - start).total_seconds()),
    )
