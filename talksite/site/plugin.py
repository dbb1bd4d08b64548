"""The MkDocs plugin: the adapter between the engine's build and talksite's steps.

``talksite build`` runs a build in three steps (:mod:`talksite.site.build`): the content check
(:mod:`talksite.site.prepare`), the engine's build, which runs these hooks, and the steps on
the built site (:mod:`talksite.site.finish`). An engine's own command (``mkdocs serve``,
``mkdocs build``) runs the hooks alone: then they run steps 1 and 3 themselves, in
``on_config`` and ``on_post_build``.

- ``on_startup``: notes whether the engine serves the site (``serve`` adds a script of its
  own to every page, which the Content-Security-Policy would block: it is left out there).
- ``on_config``: the checked talk (step 1, a problem stops the build before a file is
  written); names the site after the talk and hands the talk (each text escaped for Markdown:
  :class:`~talksite.site.text.MarkdownView`) and its macros to mkdocs-macros.
- ``on_pre_build``: a page's template that fails (``{% include '/etc/passwd' %}``, an
  undefined name) is reported as one line naming the page and line, as a macro's error is,
  instead of mkdocs-macros' traceback.
- ``on_files``: talksite's stylesheet, scripts and favicon (:mod:`talksite.site.own_assets`),
  and the generated "Slides as text" page.
- ``on_pre_page``: notes the page whose macros run next, for the errors they report.
- ``on_page_markdown`` (after mkdocs-macros, so that nothing it adds is read as a template):
  links to the slides that name the page, and to the video's chapters that those slides show;
  under each snippet, its whole file and how to run it (:mod:`talksite.site.excerpts`).
- ``on_env``: a macro or template that failed on a page stops the build here, before any
  page is written (:mod:`talksite.site.problems`). The theme's templates (Material's, some
  50) keep their compiled form in jinja2's bytecode cache, a folder private to the user in the
  temporary folder, keyed by each template's path and checksum: compiling them was a fifth of a
  small talk's build, in every build.
- ``on_post_page``, ``on_post_template``: note each page the engine writes, for step 3
  (:class:`~talksite.site.built.BuiltSite`), which copies the snippet files the pages link
  into the site (:mod:`talksite.site.snippet_files`).
- ``on_serve``: editing talk.yml or the slides refreshes the page as editing a page does, and
  a rebuild that fails shows its problems in the browser (:mod:`talksite.site.serving`).

Registered as ``talksite`` in the ``mkdocs.plugins`` entry point group.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemBytecodeCache
from mkdocs.plugins import BasePlugin, event_priority

from talksite import cards, deck
from talksite.errors import TalksiteError
from talksite.site import video
from talksite.site.built import BuiltPage, BuiltSite
from talksite.site.finish import finish_site
from talksite.site.macros import page_macros
from talksite.site.options import PluginConfig
from talksite.site.own_assets import ASSETS_DIR, asset_files, use_assets
from talksite.site.prepare import Prepared, prepare
from talksite.site.problems import PageProblems, fail, reporting_template, stop
from talksite.site.serving import report_failed_rebuilds
from talksite.site.text import MarkdownView, html_text

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from talksite.talk import Talk

__all__ = ["ASSETS_DIR", "TalksitePlugin"]


class TalksitePlugin(BasePlugin[PluginConfig]):
    """One build of one talk's site: the engine's side of it."""

    prepared: Prepared
    #: What the engine wrote, for step 3.
    built: BuiltSite
    #: Step 1's result from ``talksite build``, which then runs step 3 itself.
    given: Prepared | None = None
    serving = False

    @property
    def talk(self) -> Talk:
        return self.prepared.talk

    @property
    def card_palette(self) -> cards.Palette:
        return self.prepared.card_palette

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._problems = PageProblems()
        try:
            self.prepared = self.given or prepare(config)
        except TalksiteError as error:
            fail(error)
        talk = self.prepared.talk
        self.built = BuiltSite(
            site_dir=Path(config.site_dir),
            site_url=config.site_url,
            markdown=deck.MarkdownSetup(config.markdown_extensions, config.mdx_configs),
            language=config.theme.get("language") or "en",
            favicon=None,
            theme=config.theme,
        )
        # talk.yml is the single source of truth: the site is named after the talk. The
        # theme puts these in its HTML, some of them unescaped: they go in escaped.
        config.site_name = html_text(talk.title)
        config.site_description = html_text(talk.abstract.lead)
        config.site_author = html_text(talk.speaker.name)

        macros = config.plugins["macros"]
        macros.register_variables({"talk": MarkdownView(talk)})
        macros.register_macros(
            page_macros(
                talk,
                self.prepared.project,
                diagrams=self.prepared.diagrams,
                report=self._problems.macro_failed,
            )
        )
        use_assets(config)
        self.built.favicon = config.theme.get("favicon")
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # mkdocs-macros made its Jinja environment in its on_config, after ours.
        env = config.plugins["macros"].env
        env.template_class = reporting_template(env.template_class, self._problems.template_failed)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in asset_files(config):
            files.append(file)
        project = self.prepared.project
        try:
            files.append(
                deck.text_page_file(
                    self.prepared.slides,
                    files,
                    config,
                    source=project.relative(project.slides_file),
                    pdf=project.slides_pdf,
                    figures=self.prepared.figures,
                )
            )
        except TalksiteError as error:
            fail(error)
        return files

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        self._problems.page = page  # the page whose macros run next
        return page

    # After mkdocs-macros: what this adds (slide and chapter titles) is text, not a template.
    @event_priority(-100)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        slides = self.prepared.slides
        markdown = deck.link_page_to_slides(
            markdown,
            page,
            slides,
            pdf=self.prepared.project.slides_pdf,
            handout=self.prepared.project.slides_handout,
        )
        markdown = self.prepared.source_links.annotate(markdown, page_url=page.url)
        return video.link_layer_page(markdown, page, slides, self.prepared.talk)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self._problems.problems:
            stop(self._problems.problems)
        env.bytecode_cache = _template_bytecode()
        return env

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        self.built.pages.append(BuiltPage.of(page))
        return output

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if template_name.endswith(".html"):  # not the sitemap
            self.built.templates.append(template_name)
        return output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.given is not None:
            return  # talksite build runs step 3 itself
        try:
            finish_site(self.prepared, self.built, policy=not self.serving)
        except TalksiteError as error:
            fail(error)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer:
        # Editing talk.yml or the slides should refresh the page like editing a page does.
        project = self.prepared.project
        for path in (project.talk_file, project.slides_file):
            server.watch(str(path))
        # A rebuild that fails shows its problems in the browser rather than hang requests.
        report_failed_rebuilds(server)
        return server


@functools.cache
def _template_bytecode() -> FileSystemBytecodeCache | None:
    """jinja2's bytecode cache in its default folder, which it makes (or checks) private to
    this user; once per process. None where there is no such folder to be had: the templates
    then compile in each build, as without the cache."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # RuntimeError: the folder is not private to this user
        return None
