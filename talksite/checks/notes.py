"""Every slide has speaker notes, unless the talk turns that off (the talksite plugin's
``require_notes: false`` in mkdocs.yml). Read from the deck's source, at each slide's line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from talksite import deck

if TYPE_CHECKING:
    from talksite.checks.registry import Target

__all__ = ["find"]


def find(target: Target) -> list[str]:
    project = target.project
    if not project.require_notes:
        return []
    source = project.relative(project.slides_file)
    return [
        str(slide.problem(source, "no speaker notes", "write them after a line of ???"))
        for slide in deck.load_slides(project.slides_file, source=source)
        if not slide.notes.strip()
    ]
