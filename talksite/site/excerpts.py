"""From every snippet a page shows, a way to its whole file and to running it.

A page (or "Slides as text") shows a snippet as a fenced code block holding one ``--8<--``
include, written by the ``snippet()`` macro or by hand. :class:`SourceLinks` reads a page's
Markdown after its macros have run and, for each such block:

- titles an excerpt for what it is, ``lines 23–63 of snippets/LAYER/NAME.py``, where
  the title named the whole file;
- adds, under the code, the whole file: its copy in the built site (to download as it is;
  :mod:`talksite.site.snippet_files` writes it there), and its page on the repository at the
  commit built, when mkdocs.yml names ``repo_url``; then "Run it yourself", written from the
  snippet's directives (:mod:`talksite.site.running`). An output shown without its code gets
  the same, naming the snippet that printed it;
- explains, once per page and before the first output that shows them, the placeholders that
  normalisation wrote into the recordings (``<port>``, ``<pid>``...).

The copy button of an excerpt says it copies an excerpt (``excerpts.js``, which also offers to
copy the whole file). Generic over the snippet's language: nothing here reads its code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils import get_relative_url

from talksite.site.included import Excerpt, excerpt_of, include_blocks
from talksite.site.repository import Repository
from talksite.site.running import run_advice
from talksite.snippets import (
    DEFAULT_SETTINGS,
    OUTPUT_SUFFIX,
    SnippetSettings,
    kind_of,
    parse_directives,
)
from talksite.snippets.compare import PLACEHOLDERS

__all__ = ["SourceLinks"]

_HEADING = re.compile(r"^#{1,6}[ \t]", re.MULTILINE)
_VERSION_RECORDING = re.compile(rf"\.pg\d+{re.escape(OUTPUT_SUFFIX)}$")


def _shows_placeholders(recording: Path) -> bool:
    text = recording.read_text(encoding="utf-8")
    return any(name in text for name in PLACEHOLDERS)


def _is_recording(path: Path) -> bool:
    return path.name.endswith(OUTPUT_SUFFIX)


def _source_of(recording: Path) -> Path | None:
    """The snippet that printed `recording` (``name.out``, ``name.pg15.out``)."""
    stem = _VERSION_RECORDING.sub("", recording.name).removesuffix(OUTPUT_SUFFIX)
    candidates = sorted(
        candidate
        for candidate in recording.parent.glob(f"{stem}.*")
        if candidate.is_file() and ".out" not in candidate.suffixes
    )
    return candidates[0] if candidates else None


@dataclass
class SourceLinks:
    """The build's links from snippets to their files: one per build, used on every page."""

    snippets_dir: Path
    #: The snippets folder as readers see it, and as the built site names it (``snippets``).
    folder: str
    repository: Repository | None = None
    #: The snippet kinds the talk knows (built in, and declared in mkdocs.yml).
    settings: SnippetSettings = DEFAULT_SETTINGS
    #: Every file a page linked, by its path in the built site: the files to copy there.
    linked: dict[str, Path] = field(default_factory=dict)

    def site_path(self, file: Path) -> str:
        return f"{self.folder}/{file.relative_to(self.snippets_dir).as_posix()}"

    def annotate(self, markdown: str, *, page_url: str) -> str:
        """A page's Markdown with every snippet block titled and followed by its links, and
        the placeholders its outputs show explained once, before the first of them."""
        blocks = [
            (match, excerpt)
            for match in include_blocks(markdown)
            if (excerpt := self._excerpt(match["target"])) is not None
        ]
        note = self._placeholders([e.path for _, e in blocks if _is_recording(e.path)])
        out: list[str] = []
        position = 0
        last: tuple[Path | None, int] = (None, 0)  # the last block's snippet, and its end
        for match, excerpt in blocks:
            out.append(markdown[position : match.start()])
            indent = match["indent"]
            recording = _is_recording(excerpt.path)
            snippet = _source_of(excerpt.path) if recording else excerpt.path
            if recording and note and _shows_placeholders(excerpt.path):
                out.append(indent + note)
                note = ""
            out.append(match[0].replace(match["header"], excerpt.header(match["header"]), 1))
            # An output right under its snippet's code (or another output of it, in the same
            # section) has its links there already.
            same_place = last[0] == snippet and not _HEADING.search(
                markdown[last[1] : match.start()]
            )
            if snippet is not None and not (recording and same_place):
                out.append(self._footer(snippet, None if recording else excerpt, page_url, indent))
            last = (snippet, match.end())
            position = match.end()
        out.append(markdown[position:])
        return "".join(out)

    def retitle(self, markdown: str) -> str:
        """`markdown` with each excerpt titled with its lines, and nothing added (a slide has
        no room for the rest)."""
        pieces, position = [], 0
        for match in include_blocks(markdown):
            excerpt = self._excerpt(match["target"])
            if excerpt is not None:
                header = excerpt.header(match["header"])
                pieces += [markdown[position : match.start("header")], header]
                position = match.end("header")
        return "".join([*pieces, markdown[position:]])

    def _excerpt(self, target: str) -> Excerpt | None:
        return excerpt_of(target, snippets_dir=self.snippets_dir, folder=self.folder)

    def _placeholders(self, recordings: list[Path]) -> str:
        """The note on the placeholders these recordings show, or nothing."""
        texts = [recording.read_text(encoding="utf-8") for recording in recordings]
        shown = [name for name in PLACEHOLDERS if any(name in text for text in texts)]
        if not shown:
            return ""
        meanings = "; ".join(
            f"<code>{html.escape(name)}</code> for {html.escape(PLACEHOLDERS[name])}"
            for name in shown
        )
        return (
            '<p class="ts-placeholders">In the outputs on this page, what changes from run to'
            f" run is written as a placeholder: {meanings}. The tests compare everything"
            " else.</p>\n\n"
        )

    def _footer(self, file: Path, excerpt: Excerpt | None, page_url: str, indent: str) -> str:
        site_path = self.site_path(file)
        self.linked[site_path] = file
        href = html.escape(_relative(site_path, page_url))
        name = html.escape(file.name)
        lines = len(file.read_text(encoding="utf-8").splitlines())
        if excerpt is None:
            what = f"Printed by <code>{html.escape(site_path)}</code>. "
        elif excerpt.is_whole:
            what = ""
        else:
            what = f"An excerpt of <code>{html.escape(site_path)}</code>. "
        links = [f'<a href="{href}" download="{name}">download {name}</a>']
        if self.repository is not None:
            url = html.escape(self.repository.file_url(file))
            commit = html.escape(self.repository.short_commit)
            links.append(f'<a href="{url}">see it on the repository at {commit}</a>')
        copy = (
            f' <button type="button" class="ts-source__copy" data-href="{href}" hidden>'
            "Copy the whole file</button>"
        )
        parts = [
            f'<div class="ts-source" data-file="{html.escape(site_path)}"'
            f"{'' if excerpt is None or excerpt.is_whole else ' data-excerpt'} markdown>",
            f'<p class="ts-source__links">{what}The whole file ({lines} lines):'
            f" {' · '.join(links)}.{copy}</p>",
        ]
        advice = self._advice(file)
        if advice:
            parts += [
                '<details class="ts-run" markdown>',
                "<summary>Run it yourself</summary>",
                "",
                advice,
                "</details>",
            ]
        parts.append("</div>")
        body = "\n".join(f"{indent}{line}" if line else "" for line in "\n".join(parts).split("\n"))
        return f"\n\n{body}\n"

    def _advice(self, file: Path) -> str:
        """The "Run it yourself" of a snippet; nothing for a helper file (no recording beside it,
        or in a ``_`` folder that snippets import)."""
        relative = file.relative_to(self.snippets_dir)
        recorded = file.with_suffix(OUTPUT_SUFFIX).is_file()
        if not recorded or any(part.startswith("_") for part in relative.parts):
            return ""
        advice = run_advice(
            file,
            shown=self.site_path(file),
            kind=kind_of(file, self.settings),
            directives=parse_directives(file, self.settings),
            clone_url=self.repository.url if self.repository is not None else None,
        )
        return advice.markdown()


def _relative(site_path: str, page_url: str) -> str:
    """`site_path` (from the site's root) as a link from the page at `page_url`."""
    return get_relative_url(site_path, page_url)
