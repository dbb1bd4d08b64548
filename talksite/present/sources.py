"""What presenting needs from the talk's files: its slides, its demos and its time slot,
found through the :class:`~talksite.project.Project`, as the build finds them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from talksite.deck import Slide, load_slides
from talksite.present.catalog import Demo, demos
from talksite.project import Project
from talksite.talk import load_talk

__all__ = ["Sources", "read_sources"]


@dataclass(frozen=True)
class Sources:
    slides: list[Slide]
    demos: dict[str, Demo]
    #: The talk's slot, from talk.yml's event start and end.
    slot_s: int


def read_sources(project: Project) -> Sources:
    talk = load_talk(project.talk_file, source=project.relative(project.talk_file))
    slides = load_slides(project.slides_file, source=project.relative(project.slides_file))
    day = talk.event.date
    start = datetime.datetime.combine(day, talk.event.start)
    end = datetime.datetime.combine(day, talk.event.end)
    return Sources(
        slides=slides,
        demos=demos(slides, project.snippets_dir, project.snippet_settings),
        slot_s=int((end - start).total_seconds()),
    )
