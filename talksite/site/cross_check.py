"""What talk.yml, the slides and the pages say of each other, checked before a build.

Each problem names the file that holds the claim, so that the author fixes the right one: a
slide's ``page=`` that is no page blames the slides; a layer without its page, or a video
chapter that names a slide the deck does not have, blames talk.yml (MkDocs would blame the
home page that links to the missing page).
"""

from __future__ import annotations

from pathlib import Path

from talksite.deck import Slide
from talksite.errors import Problem
from talksite.project import Project
from talksite.talk import Talk, key_lines

__all__ = ["cross_check"]


def cross_check(
    project: Project, docs_dir: Path, talk: Talk | None, slides: list[Slide]
) -> list[Problem]:
    """Every problem between them; a talk.yml that did not load (None) is checked no further
    (its own problems are reported)."""
    problems = _slide_pages(project, docs_dir, slides)
    if talk is not None:
        problems += _layer_pages(project, docs_dir, talk)
        problems += _chapter_slides(project, talk, slides)
    return problems


def _slide_pages(project: Project, docs_dir: Path, slides: list[Slide]) -> list[Problem]:
    return [
        slide.problem(
            project.relative(project.slides_file),
            f"page={slide.page!r} is not a page",
            f"expected a file in {project.relative(docs_dir.resolve())}/",
        )
        for slide in slides
        if slide.page is not None and not (docs_dir / slide.page).is_file()
    ]


def _layer_pages(project: Project, docs_dir: Path, talk: Talk) -> list[Problem]:
    """Every layer has its page, docs/SLUG.md: the home page links to it."""
    missing = [
        (index, layer.slug)
        for index, layer in enumerate(talk.layers)
        if not (docs_dir / f"{layer.slug}.md").is_file()
    ]
    if not missing:
        return []
    lines = key_lines(project.talk_file)
    docs = project.relative(docs_dir.resolve())
    return [
        Problem(
            project.relative(project.talk_file),
            lines.get(f"layers[{index}].slug", 1),
            f"layers[{index}].slug: the layer {slug!r} has no page",
            f"expected {docs}/{slug}.md, with a line in mkdocs.yml's nav",
        )
        for index, slug in missing
    ]


def _chapter_slides(project: Project, talk: Talk, slides: list[Slide]) -> list[Problem]:
    """A video chapter that names a slide names one the deck has (by its ``{: #id }``)."""
    if talk.video is None or not slides:
        return []  # no chapters, or the slides' own problems are reported instead
    ids = [slide.id for slide in slides if slide.id is not None]
    wrong = [
        (index, chapter.slide)
        for index, chapter in enumerate(talk.video.chapters)
        if chapter.slide is not None and chapter.slide not in ids
    ]
    if not wrong:
        return []
    lines = key_lines(project.talk_file)
    return [
        Problem(
            project.relative(project.talk_file),
            lines.get(f"video.chapters[{index}].slide", 1),
            f"video.chapters[{index}].slide: no slide has the id {slide!r}",
            f"expected one of the slides' ids: {', '.join(ids) or 'none (add {: #ID })'}",
        )
        for index, slide in wrong
    ]
