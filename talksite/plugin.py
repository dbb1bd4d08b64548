"""The MkDocs plugin: load talk.yml before anything is built, and wire the talk into pages.

On ``on_config`` it validates the talk file (a broken one stops the build before a single file
is written), names the site after the talk, hands the talk and its macros to mkdocs-macros,
and adds talksite's stylesheet and scripts (the video facade, keyboard access) to every page.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from talksite.config import Talk, TalkConfigError, load_talk
from talksite.deck.hooks import DeckHooks
from talksite.macros import page_macros

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

__all__ = ["ASSETS_DIR", "TalksitePlugin"]

#: Where talksite's own assets go in the built site.
ASSETS_DIR = "assets/talksite"
_STYLESHEETS = ("talksite.css",)
_SCRIPTS = ("facade.js", "keyboard.js")


class TalksiteConfig(base.Config):
    talk_file = c.Type(str, default="talk/talk.yml")
    snippets_dir = c.Type(str, default="snippets")


class TalksitePlugin(BasePlugin[TalksiteConfig]):
    """Registered as ``talksite`` in the ``mkdocs.plugins`` entry point group."""

    talk: Talk
    #: The slide deck's part of the build (talk/slides.md): see talksite.deck.hooks.
    deck: DeckHooks

    def _project_dir(self, config: MkDocsConfig) -> Path:
        # Paths in the plugin's options are relative to mkdocs.yml, like MkDocs' own.
        return Path(config.config_file_path).resolve().parent

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        project_dir = self._project_dir(config)
        try:
            self.talk = load_talk(project_dir / self.config.talk_file, source=self.config.talk_file)
        except TalkConfigError as error:
            raise PluginError(str(error)) from None

        # talk.yml is the single source of truth: the site is named after the talk.
        config.site_name = self.talk.title
        config.site_description = self.talk.abstract.lead
        config.site_author = self.talk.speaker.name

        macros = config.plugins.get("macros")
        if macros is None:
            raise PluginError(
                "talksite: pages need the macros plugin; add `- macros` after `- talksite`"
                " under `plugins:` in mkdocs.yml"
            )
        macros.register_variables({"talk": self.talk})
        macros.register_macros(
            page_macros(self.talk, snippets_dir=project_dir / self.config.snippets_dir)
        )

        config.extra_css.extend(f"{ASSETS_DIR}/{name}" for name in _STYLESHEETS)
        config.extra_javascript.extend(f"{ASSETS_DIR}/{name}" for name in _SCRIPTS)

        self.deck = DeckHooks()
        self.deck.on_config(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assets = resources.files("talksite") / "assets"
        for name in (*_STYLESHEETS, *_SCRIPTS):
            files.append(
                File.generated(config, f"{ASSETS_DIR}/{name}", content=(assets / name).read_bytes())
            )
        return self.deck.on_files(files, config)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        return self.deck.on_page_markdown(markdown, page)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.deck.on_post_build(config)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer:
        # Editing talk.yml should refresh the page like editing a page does.
        server.watch(str(self._project_dir(config) / self.config.talk_file))
        return server
