"""How the plugin reports problems: every one on a line of its own, naming the file and line,
then the build stops, with no traceback.

A page's template or macro that fails does not stop the build at once: :class:`PageProblems`
notes it against the page, at its line, and the plugin stops in ``on_env``, once every page
has been read, so that one build lists them all.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import jinja2
from mkdocs.exceptions import PluginError

from talksite.errors import ContentError, MacroError, Problem, TalksiteError
from talksite.references import MacroCall, read_references
from talksite.wording import counted

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

__all__ = ["PageProblems", "fail", "reporting_template", "stop"]

log = logging.getLogger("mkdocs.plugins.talksite")


@dataclass
class PageProblems:
    """The problems of the pages' templates and macros, each noted against its page."""

    #: The page whose macros run next (``on_pre_page``).
    page: Page | None = None
    problems: list[Problem] = field(default_factory=list)

    def template_failed(self, error: Exception) -> None:
        """Note a page template's error against the page, at the line it was raised on."""
        source, text = self._page_source()
        # The template is the page without its front matter: count the lines that held it.
        markdown = self.page.markdown if self.page is not None else None
        front = 0
        if text is not None and markdown and text.endswith(markdown):
            front = text[: len(text) - len(markdown)].count("\n")
        lines = [
            f.lineno
            for f in traceback.extract_tb(error.__traceback__)
            if f.filename == "<template>"
        ]
        line = front + (lines[0] if lines and lines[0] else 1)
        if isinstance(error, jinja2.TemplateNotFound):
            what = f"no template {error.name!r} in the docs folder"
            problem = Problem(source, line, what, "expected the path of a file inside it")
        else:
            problem = Problem(
                source, line, f"{type(error).__name__}: {' '.join(str(error).split())}"
            )
        self.problems.append(problem)

    def macro_failed(self, name: str, error: TalksiteError) -> None:
        """Note a macro's error against the page, at the first line that calls the macro."""
        source, text = self._page_source()
        line = 1
        if text is not None:
            calls = read_references(text)
            line = next((c.line for c in calls if isinstance(c, MacroCall) and c.name == name), 1)
        if isinstance(error, ContentError):
            self.problems += error.problems
        elif isinstance(error, MacroError):
            self.problems.append(Problem(source, line, error.what, error.expected))
        else:
            self.problems.append(Problem(source, line, str(error)))

    def _page_source(self) -> tuple[str, str | None]:
        """How problems name the page whose macros run, and its text if it is a file."""
        page = self.page
        if page is None:
            return "(page)", None
        if page.file.abs_src_path is None:
            return page.file.src_uri, None
        source = f"{Path(page.file.src_dir or '').name}/{page.file.src_uri}"
        return source, Path(page.file.abs_src_path).read_text(encoding="utf-8")


def reporting_template(
    base: type[jinja2.Template], report: Callable[[Exception], None]
) -> type[jinja2.Template]:
    """A template class whose rendering reports an error and renders nothing, so that the
    build lists every page's error and stops (in ``on_env``) instead of mkdocs-macros
    printing a traceback and exiting."""

    class ReportingTemplate(base):  # type: ignore[valid-type, misc]
        def render(self, *args: Any, **kwargs: Any) -> str:
            try:
                return super().render(*args, **kwargs)
            except Exception as error:  # a page's template may raise anything
                report(error)
                return ""

    return ReportingTemplate


def stop(problems: list[Problem]) -> NoReturn:
    """Log every problem on a line of its own, then stop the build."""
    for problem in problems:
        log.error(str(problem))
    raise PluginError(
        f"talksite: {counted(len(problems), 'problem')} in the talk's files, listed above"
    )


def fail(error: TalksiteError) -> NoReturn:
    """Stop the build on `error`: a list of problems one a line, else its one line."""
    if isinstance(error, ContentError):
        stop(error.problems)
    raise PluginError(str(error)) from None
