"""The talksite plugin's options, declared once, and the Markdown set-up the site needs.

Every option lives in ``mkdocs.yml`` under ``plugins: - talksite:``; paths are relative to
``mkdocs.yml``. :class:`talksite.project.Project` is what a loaded config makes of them.

An option the environment may override says so in mkdocs.yml with MkDocs' ``!ENV`` tag, as
``slides_pdf: !ENV [TALKSITE_SLIDES_PDF, false]``: the variable's value is read as YAML, so
``true`` and ``1`` turn the PDF on, ``false`` and ``0`` off, and an unset or empty variable
leaves the default after the name. (Facts about the machine, such as which Chromium prints the
PDF, are not options: :mod:`talksite.environment`.)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from talksite.errors import SetupError
from talksite.snippets.kinds import DATABASE

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from talksite.project import Project

__all__ = ["PluginConfig", "Switch", "check_markdown_setup"]


class Switch(c.Type[bool]):
    """On or off: ``true``/``false``, and also ``1``/``0``, which is how a variable read with
    ``!ENV`` often says it (YAML reads ``1`` as a number)."""

    def __init__(self, *, default: bool) -> None:
        super().__init__(bool, default=default)

    def run_validation(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        if type(value) is int and value in (0, 1):
            return bool(value)
        raise c.ValidationError(f"expected true or false (or 1 or 0), not {value!r}")


class PluginConfig(base.Config):
    """The options as ``mkdocs.yml`` gives them; MkDocs checks their types."""

    #: The talk's metadata: title, abstract, speaker, event, video, layers.
    talk_file = c.Type(str, default="talk/talk.yml")
    #: The snippets, one folder per layer, each a file of a known kind (``.py``, ``.sql``,
    #: ``.sh``, ``.mjs`` or one of ``snippet_kinds``) with its recorded ``.out``.
    snippets_dir = c.Type(str, default="snippets")
    #: Kinds of snippet the talk adds: each ``{extension, run, version}``, and optionally
    #: ``comment`` (what starts a comment, default ``#``) and ``lexer`` (Pygments').
    snippet_kinds = c.ListOfItems(c.Type(dict), default=[])
    #: Services the talk adds to the built-in ones: each ``{name, start, ready, url, variable,
    #: version}`` (see :mod:`talksite.services.declared`).
    snippet_services = c.ListOfItems(c.Type(dict), default=[])
    #: The services a snippet needs unless it says otherwise: ``[database]``, or ``[]`` for a
    #: talk whose snippets mostly need none (one that does says ``talksite: database``); the
    #: names are checked against the services there are (:mod:`talksite.project`).
    snippet_needs = c.ListOfItems(c.Type(str), default=[DATABASE])
    #: The deck's Markdown source.
    slides_file = c.Type(str, default="talk/slides.md")
    #: Also print the deck to ``site/slides/slides.pdf`` (needs Chromium).
    slides_pdf = Switch(default=False)
    #: Also print the handout, ``site/slides/handout.pdf``: each slide with its notes and its
    #: snippets' verified code and output (needs Chromium).
    slides_handout = Switch(default=False)
    #: The PostgreSQL major versions every test run checks the snippets on (the pages say so).
    verified_on = c.ListOfItems(c.Type(int), default=[])
    #: Where drawn social cards are kept between builds, so that unchanged ones are copied.
    cards_cache_dir = c.Type(str, default=".cache/talksite/cards")
    #: Every slide has speaker notes (``talksite check`` and the pytest plugin check it).
    require_notes = Switch(default=True)


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


def check_markdown_setup(config: MkDocsConfig, project: Project) -> None:
    """Stop at once, with the fix, if mkdocs.yml lacks what talksite's pages need."""
    snippets_dir = project.relative(project.snippets_dir)
    for name, (settings, fix) in _REQUIRED.items():
        fix = fix.replace("SNIPPETS", snippets_dir)
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
    if snippets_dir not in [os.path.normpath(path) for path in base_paths]:
        raise SetupError(
            f"pymdownx.snippets must read the snippets folder: give it"
            f" `base_path: [{snippets_dir}]` in mkdocs.yml, as the talksite plugin's"
            f" snippets_dir is {snippets_dir!r}"
        )
    names = list(config.plugins)
    if "macros" not in names or names.index("macros") < names.index("talksite"):
        raise SetupError(
            "talksite: pages need the macros plugin after talksite; list `- macros` after"
            " `- talksite` under `plugins:` in mkdocs.yml"
        )
