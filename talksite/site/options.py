"""The talksite plugin's options, declared once, and the Markdown set-up the site needs.

Every option lives in ``mkdocs.yml`` under ``plugins: - talksite:``; paths are relative to
``mkdocs.yml``. The environment variable ``TALKSITE_SLIDES_PDF=1`` (or ``0``) overrides
``slides_pdf`` for one build. (Which Chromium prints the PDF is a fact about the machine, not
the talk: ``TALKSITE_CHROMIUM``, read by :mod:`talksite.deck.pdf`.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from talksite.errors import SetupError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

__all__ = ["PDF_VARIABLE", "Options", "PluginConfig", "check_markdown_setup"]

PDF_VARIABLE = "TALKSITE_SLIDES_PDF"


class PluginConfig(base.Config):
    """The options as ``mkdocs.yml`` gives them; MkDocs checks their types."""

    #: The talk's metadata: title, abstract, speaker, event, video, layers.
    talk_file = c.Type(str, default="talk/talk.yml")
    #: The snippets, one folder per layer, each ``.py`` with its recorded ``.out``.
    snippets_dir = c.Type(str, default="snippets")
    #: The deck's Markdown source.
    slides_file = c.Type(str, default="talk/slides.md")
    #: Also print the deck to ``site/slides/slides.pdf`` (needs Chromium).
    slides_pdf = c.Type(bool, default=False)
    #: The PostgreSQL major versions every test run checks the snippets on (the pages say so).
    verified_on = c.ListOfItems(c.Type(int), default=[])
    #: Where drawn social cards are kept between builds, so that unchanged ones are copied.
    cards_cache_dir = c.Type(str, default=".cache/talksite/cards")


@dataclass(frozen=True)
class Options:
    """The options resolved for one build: absolute paths, overrides applied."""

    project_dir: Path
    talk_file: str
    snippets_dir: str
    slides_file: str
    slides_pdf: bool
    verified_on: tuple[int, ...]
    cards_cache_dir: str

    @classmethod
    def resolve(cls, config: PluginConfig, *, config_file: str | os.PathLike[str]) -> Options:
        pdf = os.environ.get(PDF_VARIABLE)
        return cls(
            project_dir=Path(config_file).resolve().parent,
            talk_file=config.talk_file,
            snippets_dir=config.snippets_dir,
            slides_file=config.slides_file,
            slides_pdf=pdf == "1" if pdf else config.slides_pdf,
            verified_on=tuple(config.verified_on),
            cards_cache_dir=config.cards_cache_dir,
        )

    def path(self, relative: str) -> Path:
        """An option's path, relative to mkdocs.yml, made absolute."""
        return self.project_dir / relative


# What each required extension needs, and the YAML that provides it.
_REQUIRED: dict[str, tuple[dict[str, Any], str]] = {
    "attr_list": ({}, "- attr_list"),
    "md_in_html": ({}, "- md_in_html"),
    "pymdownx.highlight": ({"use_pygments": True}, "- pymdownx.highlight: {use_pygments: true}"),
    "pymdownx.superfences": ({}, "- pymdownx.superfences"),
    "pymdownx.snippets": (
        {"check_paths": True, "dedent_subsections": True},
        "- pymdownx.snippets: {base_path: [SNIPPETS], check_paths: true, dedent_subsections: true}",
    ),
}


def check_markdown_setup(config: MkDocsConfig, options: Options) -> None:
    """Stop at once, with the fix, if mkdocs.yml lacks what talksite's pages need."""
    for name, (settings, fix) in _REQUIRED.items():
        fix = fix.replace("SNIPPETS", options.snippets_dir)
        if name not in config.markdown_extensions:
            raise SetupError(
                f"talksite needs the Markdown extension {name}: add `{fix}`"
                " under `markdown_extensions:` in mkdocs.yml"
            )
        given = config.mdx_configs.get(name, {})
        for key, value in settings.items():
            if given.get(key) != value:
                raise SetupError(
                    f"talksite needs {name} with {key}: {str(value).lower()}; write `{fix}`"
                    " under `markdown_extensions:` in mkdocs.yml"
                )
    base_paths = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    base_paths = [base_paths] if isinstance(base_paths, str) else base_paths
    if options.snippets_dir not in [os.path.normpath(path) for path in base_paths]:
        raise SetupError(
            f"pymdownx.snippets must read the snippets folder: give it"
            f" `base_path: [{options.snippets_dir}]` in mkdocs.yml, as the talksite plugin's"
            f" snippets_dir is {options.snippets_dir!r}"
        )
    names = list(config.plugins)
    if "macros" not in names or names.index("macros") < names.index("talksite"):
        raise SetupError(
            "talksite: pages need the macros plugin after talksite; list `- macros` after"
            " `- talksite` under `plugins:` in mkdocs.yml"
        )
