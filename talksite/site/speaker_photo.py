"""talk.yml's ``speaker.photo`` must be an image in docs/: MkDocs copies it into the site, where
the home page's speaker card and the deck's title slide show it."""

from __future__ import annotations

from pathlib import Path

from talksite.errors import Problem
from talksite.project import Project
from talksite.talk import Talk, key_lines

__all__ = ["speaker_photo_problems"]


def speaker_photo_problems(talk: Talk | None, project: Project, *, docs_dir: Path) -> list[Problem]:
    """A problem naming talk.yml's line if the photo it names is not a file in ``docs_dir``."""
    photo = talk.speaker.photo if talk is not None else None
    if photo is None or (docs_dir / photo).is_file():
        return []
    talk_file = project.talk_file
    docs = project.relative(docs_dir.resolve())
    return [
        Problem(
            project.relative(talk_file),
            key_lines(talk_file).get("speaker.photo", 1),
            f"speaker.photo: there is no file {photo!r} in {docs}/",
            "expected the path of an image under docs/, such as speaker.jpg",
        )
    ]
