"""Check the talk's content before anything is built, and report every problem at once.

talk.yml, the slides (and the slides that video chapters name), every snippet and its
recordings' provenance, and every reference a page or slide makes to a snippet
(``snippet()`` and diagram macro calls such as ``timeline()``, ``--8<--`` includes, the same
calls on slides, all read by :mod:`talksite.references`) are checked here, so that a build
stops with one line per problem, ``path:line: what is wrong; what was expected``, instead of
the first problem's traceback from deep inside Markdown.

Every file a page or slide includes, and every file in the docs folder, must be the
project's own: a path that leaves the snippets folder, or a symlink that leads out of the
project's folders (:mod:`talksite.site.confined`), is a problem naming the link.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from talksite.deck import DeckError, Slide, load_slides
from talksite.diagrams import KINDS, Diagrams, recorded_output
from talksite.errors import ContentError, MacroError, Problem
from talksite.project import Project
from talksite.references import Include, MacroCall, read_references
from talksite.site.confined import link_out, links_out_of
from talksite.site.cross_check import cross_check
from talksite.site.speaker_photo import speaker_photo_problems
from talksite.snippets import OUTPUT_SUFFIX, SnippetError, load, provenance, recordings, sections
from talksite.snippets.model import shared_recordings, snippet_files
from talksite.talk import Talk, TalkConfigError, load_talk

__all__ = ["Content", "check_content"]

#: The macros whose calls are checked: the others take no file.
_CHECKED = frozenset({"snippet", *KINDS})


@dataclass
class Content:
    """What the checks read: the talk and slides when they are valid, and every problem.

    ``diagrams`` (once talk.yml is valid) has drawn every diagram the pages and slides call:
    the build draws them from it, so that each figure is drawn once.
    """

    project: Project
    docs_dir: Path
    talk: Talk | None = None
    slides: list[Slide] = field(default_factory=list)
    diagrams: Diagrams | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def folders(self) -> tuple[Path, ...]:
        """The project's folders: what the build reads must resolve inside one of them."""
        return (self.project.folder, self.docs_dir, self.project.snippets_dir)

    def source(self, path: Path) -> str:
        """How problems name a file: relative to mkdocs.yml's folder where it can."""
        return self.project.relative(path.resolve())


def check_content(project: Project, *, docs_dir: Path) -> Content:
    """Read and check everything a build needs from the talk's files."""
    content = Content(project, docs_dir)
    talk_file = project.talk_file
    try:
        content.talk = load_talk(talk_file, source=project.relative(talk_file))
    except TalkConfigError as error:
        content.problems += error.problems
    else:
        root = project.snippets_dir
        content.diagrams = Diagrams(content.talk.layers, root, project.relative(root))
    slides_path = project.slides_file
    try:
        content.slides = load_slides(slides_path, source=project.relative(slides_path))
    except DeckError as error:
        content.problems += error.problems
    _check_snippets(content)
    _check_docs_links(content)
    for page in sorted(docs_dir.rglob("*.md")):
        _check_references(content, page, in_slides=False)
    if slides_path.is_file():
        _check_references(content, slides_path, in_slides=True)
    content.problems += cross_check(project, content.docs_dir, content.talk, content.slides)
    content.problems += speaker_photo_problems(content.talk, project, docs_dir=docs_dir)
    # A recorded output drawn on a page and on a slide is read twice: report each problem once.
    content.problems = list(dict.fromkeys(content.problems))
    return content


def _check_snippets(content: Content) -> None:
    root = content.project.snippets_dir
    settings = content.project.snippet_settings
    paths = list(snippet_files(root, settings))
    shared = shared_recordings(paths)
    for path in paths:
        found = [p for p in shared if p.source == str(path)] + sections(path)[1]
        try:
            load(path, root, settings)
        except SnippetError as error:
            found = error.problems + found
        source = content.source(path)
        content.problems += [replace(problem, source=source) for problem in found]
        for recording in recordings(path).values():
            made = provenance.read(recording, source=content.source(provenance.sidecar(recording)))
            if isinstance(made, Problem):
                content.problems.append(made)


def _check_docs_links(content: Content) -> None:
    """Nothing in docs/ (pages, images, files MkDocs copies) links out of the project."""
    for link, target in links_out_of(content.docs_dir, folders=content.folders):
        content.problems.append(
            _link_out_problem(content, link, target, content.project.relative(link), 1)
        )


def _link_out_problem(content: Content, link: Path, target: str, source: str, line: int) -> Problem:
    what = f"links outside the project (-> {target})"
    if source != content.project.relative(link):
        what = f"{content.project.relative(link)} {what}"
    return Problem(source, line, what, "expected a file inside the project, not a link out of it")


def _check_references(content: Content, path: Path, *, in_slides: bool) -> None:
    source = content.source(path)
    for reference in read_references(path.read_text(encoding="utf-8")):
        if isinstance(reference, Include):
            problems = _check_snippet_file(
                content, source, reference.line, reference.path, reference.section, output=False
            )
        elif reference.call is not None and reference.name in _CHECKED:
            problems = _check_macro(content, source, reference)
        else:
            continue
        if in_slides:
            problems = [_on_slide(content.slides, problem) for problem in problems]
        content.problems += problems


def _on_slide(slides: list[Slide], problem: Problem) -> Problem:
    """Name the slide a problem in the slides file is on."""
    slide = next((s for s in reversed(slides) if s.line <= problem.line), None)
    if slide is None:
        return problem
    what = f"slide {slide.number} ({slide.title!r}): {problem.what}"
    return Problem(problem.source, problem.line, what, problem.expected)


def _check_macro(content: Content, source: str, call: MacroCall) -> list[Problem]:
    line = call.line
    try:
        args, kwargs = call.arguments()
    except ValueError:
        return [Problem(source, line, f"cannot read {call.call!r}", "expected literal arguments")]
    if call.name == "snippet":
        if not args or not isinstance(args[0], str):
            what = f"{call.call} names no snippet"
            return [Problem(source, line, what, 'expected snippet("a/b.py") or another kind')]
        section = args[1] if len(args) > 1 else kwargs.get("section")
        return _check_snippet_file(content, source, line, args[0], section, output=True)
    return _check_diagram(content, source, line, call.name, args, kwargs)


def _check_diagram(
    content: Content, source: str, line: int, kind: str, args: list[Any], kwargs: dict[str, Any]
) -> list[Problem]:
    """A diagram call: its recorded output exists, and follows the kind's format."""
    root = content.project.snippets_dir
    folder = content.project.relative(root)
    try:
        output = recorded_output(kind, args, kwargs)
        if not (root / output).is_file():
            what = f"{folder}/{output} does not exist"
            return [Problem(source, line, what, "expected a snippet's recorded output (.out)")]
        if content.diagrams is not None:  # else talk.yml's problems are reported: no layers
            content.diagrams.check(kind, args, kwargs)
    except MacroError as error:
        return [Problem(source, line, error.what, error.expected)]
    except ContentError as error:
        return error.problems
    return []


def _missing(file: Path, path: str, folder: str) -> str:
    """What a missing included file should be; a recording names the command that makes it."""
    if file.suffix == OUTPUT_SUFFIX and file.with_suffix(".py").is_file():
        # A slide's `--8<-- "x.out"`: the snippet is there, its recording is not yet.
        snippet = f"{folder}/{Path(path).with_suffix('.py').as_posix()}"
        return f"expected the recorded output of {snippet}: run `talksite record {snippet}`"
    return "expected a file there"


def _check_snippet_file(
    content: Content, source: str, line: int, path: str, section: str | None, *, output: bool
) -> list[Problem]:
    root = content.project.snippets_dir
    folder = content.project.relative(root)
    # pymdownx.snippets reads only below its base path; it would refuse with a traceback.
    file = Path(os.path.normpath(root / path))
    if not file.is_relative_to(root):
        return [
            Problem(
                source, line, f"{path} is outside {folder}/", f"expected a path inside {folder}/"
            )
        ]
    included = [file, *recordings(file).values()] if output else [file]
    for each in included:
        leak = link_out(each, folders=content.folders)
        if leak is not None:
            return [_link_out_problem(content, *leak, source, line)]
    if not file.is_file():
        return [
            Problem(source, line, f"{folder}/{path} does not exist", _missing(file, path, folder))
        ]
    problems = []
    if section is not None:
        found, unpaired = sections(file)
        # A marker that does not pair up is reported at the snippet's line, once; the pages
        # that name its section would only repeat it.
        if section not in found and not unpaired:
            what = f"{folder}/{path} has no section {section!r}"
            if found:
                expected = f"expected one of: {', '.join(sorted(found))}"
            else:
                kind = content.project.snippet_settings.kind_of(file)
                comment = kind.comment if kind is not None else "#"
                expected = (
                    f"it has none: expected `{comment} --8<-- [start:{section}]` and"
                    f" `{comment} --8<-- [end:{section}]` around the lines to show"
                )
            problems.append(Problem(source, line, what, expected))
    if output:
        recorded = file.with_suffix(OUTPUT_SUFFIX)
        if content.project.snippet_settings.kind_of(file) is None:
            unknown = content.project.snippet_settings.unknown(path)
            problems.append(Problem(source, line, f"{path}: {unknown.what}", unknown.expected))
        elif not recorded.is_file():
            problems.append(
                Problem(
                    source,
                    line,
                    f"{folder}/{path} has no recorded output",
                    f"expected {folder}/{Path(path).with_suffix(OUTPUT_SUFFIX).as_posix()}: run"
                    f" `talksite record {folder}/{path}`",
                )
            )
    return problems
