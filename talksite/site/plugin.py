"""The MkDocs plugin: the talk's files in, a checked site and deck out.

- ``on_config``: checks mkdocs.yml's Markdown set-up (a missing extension stops the build
  with the fix), then reads and checks talk.yml, the slides, the snippets and every
  reference to them (:mod:`talksite.site.content`). Every problem is listed, one line each,
  and the build stops before a file is written. Then it names the site after the talk and
  hands the talk (each text escaped for Markdown: :class:`~talksite.site.text.MarkdownView`)
  and its macros to mkdocs-macros.
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
  page is written (:mod:`talksite.site.problems`).
- ``on_post_page``: the page's social card (drawn, or copied from the cache) and the Open
  Graph and Twitter tags that point at it (:mod:`talksite.site.social`); and, as on the 404
  page (``on_post_template``) and the deck, the Content-Security-Policy (:mod:`talksite.policy`).
- ``on_post_build``: copies the snippet files the pages link into the site
  (:mod:`talksite.site.snippet_files`), renders the deck into ``site/slides/``, and the PDF
  if asked.

Registered as ``talksite`` in the ``mkdocs.plugins`` entry point group.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from talksite import cards, deck, policy
from talksite.diagrams import Figure
from talksite.errors import TalksiteError
from talksite.project import Project
from talksite.site import video
from talksite.site.content import check_content
from talksite.site.excerpts import SourceLinks
from talksite.site.macros import page_macros
from talksite.site.options import PluginConfig, check_markdown_setup
from talksite.site.own_assets import ASSETS_DIR, asset_files, load_early, use_assets
from talksite.site.problems import PageProblems, fail, reporting_template, stop
from talksite.site.repository import repository
from talksite.site.snippet_files import copy_snippet_files
from talksite.site.social import Social, Where, add_tags, page_social, social
from talksite.site.text import MarkdownView, html_text

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

    from talksite.talk import Talk

__all__ = ["ASSETS_DIR", "TalksitePlugin"]


class TalksitePlugin(BasePlugin[PluginConfig]):
    """One build of one talk's site and deck."""

    project: Project
    talk: Talk
    slides: list[deck.Slide]
    figures: dict[str, Callable[..., Figure]]
    source_links: SourceLinks
    card_palette: cards.Palette
    cards_cache: Path

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._problems = PageProblems()
        self._files: Files | None = None
        try:
            self.project = Project.from_config(config)
            check_markdown_setup(config, self.project)
            self.card_palette = cards.card_palette(config.theme.get("palette"))
            self.cards_cache = self.project.cards_cache_dir
            cards.check_cache_dir(
                self.cards_cache, option="mkdocs.yml: plugins: talksite: cards_cache_dir"
            )
        except TalksiteError as error:
            fail(error)
        content = check_content(self.project, docs_dir=Path(config.docs_dir))
        if content.problems:
            stop(content.problems)
        assert content.talk is not None and content.diagrams is not None  # or problems listed
        self.talk = content.talk
        # Slides that a video chapter names end with a link to it, in the deck and as text.
        self.slides = video.link_slides_to_chapters(content.slides, self.talk)

        # talk.yml is the single source of truth: the site is named after the talk. The
        # theme puts these in its HTML, some of them unescaped: they go in escaped.
        config.site_name = html_text(self.talk.title)
        config.site_description = html_text(self.talk.abstract.lead)
        config.site_author = html_text(self.talk.speaker.name)

        macros = config.plugins["macros"]
        macros.register_variables({"talk": MarkdownView(self.talk)})
        macros.register_macros(
            page_macros(
                self.talk,
                self.project,
                diagrams=content.diagrams,
                report=self._problems.macro_failed,
            )
        )
        # The same figures, drawn once, for the deck's placeholders and "Slides as text".
        self.figures = content.diagrams.kinds()
        snippets_dir = self.project.snippets_dir
        self.source_links = SourceLinks(
            snippets_dir,
            self.project.relative(snippets_dir),
            repository(config.repo_url, self.project.folder),
        )
        self._folders = content.folders
        use_assets(config)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # mkdocs-macros made its Jinja environment in its on_config, after ours.
        env = config.plugins["macros"].env
        env.template_class = reporting_template(env.template_class, self._problems.template_failed)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in asset_files(config):
            files.append(file)
        try:
            files.append(
                deck.text_page_file(
                    self.slides,
                    files,
                    config,
                    source=self.project.relative(self.project.slides_file),
                    pdf=self.project.slides_pdf,
                    figures=self.figures,
                )
            )
        except TalksiteError as error:
            fail(error)
        self._files = files
        return files

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        self._problems.page = page  # the page whose macros run next
        return page

    # After mkdocs-macros: what this adds (slide and chapter titles) is text, not a template.
    @event_priority(-100)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        markdown = deck.link_page_to_slides(
            markdown, page, self.slides, pdf=self.project.slides_pdf
        )
        markdown = self.source_links.annotate(markdown, page_url=page.url)
        return video.link_layer_page(markdown, page, self.slides, self.talk)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self._problems.problems:
            stop(self._problems.problems)
        return env

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        tags = page_social(
            page, talk=self.talk, palette=self.card_palette, site_url=config.site_url
        )
        html = self._with_card(output, tags, config=config, source=page.file.src_uri)
        return policy.with_policy_meta(load_early(html))

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if not template_name.endswith(".html"):
            return output_content  # the sitemap
        return policy.with_policy_meta(load_early(output_content))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        files = self._files

        def page_url(path: str) -> str | None:
            found = files.get_file_from_path(path) if files is not None else None
            return found.url if found is not None and found.is_documentation_page() else None

        try:
            copy_snippet_files(
                self.source_links.linked,
                site_dir=Path(config.site_dir),
                folders=self._folders,
                relative=self.project.relative,
                taken=lambda path: files is not None and files.get_file_from_path(path) is not None,
            )
            index = deck.build_deck(
                self.slides,
                setup=deck.MarkdownSetup(config.markdown_extensions, config.mdx_configs),
                project_dir=self.project.folder,
                site_dir=Path(config.site_dir),
                site_url=config.site_url or "",
                title=self.talk.title,
                language=config.theme.get("language") or "en",
                source=self.project.relative(self.project.slides_file),
                page_url=page_url,
                figures=self.figures,
                description=self.talk.abstract.lead,
                favicon=config.theme.get("favicon"),
                retitle=self.source_links.retitle,
            )
            # The deck is a page readers share too: it gets its own card.
            deck_tags = social(
                title="Slides",
                description=self.talk.abstract.lead,
                where=Where(card_name=deck.DECK_DIR, url=f"{deck.DECK_DIR}/"),
                home=False,
                talk=self.talk,
                palette=self.card_palette,
                site_url=config.site_url,
            )
            html = index.read_text(encoding="utf-8")
            source = f"{deck.DECK_DIR}/index.html"
            html = self._with_card(html, deck_tags, config=config, source=source)
            # The speaker view is a popup of the deck's, under the deck's policy.
            notes = index.parent / "reveal" / "plugin" / "notes.js"
            speaker = policy.speaker_view_hashes(notes.read_text(encoding="utf-8"))
            index.write_text(policy.with_policy_meta(html, extra_hashes=speaker), encoding="utf-8")
        except TalksiteError as error:
            fail(error)
        if self.project.slides_pdf:
            # Playwright is imported only when a PDF is wanted.
            from talksite.deck.pdf import write_pdf

            write_pdf(index, index.parent / deck.PDF_NAME)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer:
        # Editing talk.yml or the slides should refresh the page like editing a page does.
        for path in (self.project.talk_file, self.project.slides_file):
            server.watch(str(path))
        return server

    def _with_card(self, html: str, tags: Social, *, config: MkDocsConfig, source: str) -> str:
        """Write the page's card into the site; returns its HTML with the tags that name it."""
        target = Path(config.site_dir) / tags.card_path
        cards.write_card(tags.card, target, cache_dir=self.cards_cache)
        try:
            return add_tags(html, tags, source=source)
        except TalksiteError as error:
            fail(error)
