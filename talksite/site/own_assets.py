"""talksite's own stylesheet, scripts and favicon (``talksite/site/assets/``): written into
the built site under :data:`ASSETS_DIR`, and named in the MkDocs config so that every page
loads them; the few that must run before Material's bundle are put just ahead of it in each
page (:func:`load_early`)."""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

__all__ = ["ASSETS_DIR", "asset_files", "load_early", "use_assets"]

#: Where talksite's own assets go in the built site.
ASSETS_DIR = "assets/talksite"
_STYLESHEETS = ("talksite.css",)
_SCRIPTS = ("facade.js", "keyboard.js", "excerpts.js")
#: Scripts that must run before Material's bundle: each goes in just ahead of it.
_EARLY_SCRIPTS = ("search-on-use.js",)
_BUNDLE = re.compile(r'<script src="(?P<root>[^"]*)assets/javascripts/bundle\.')
_FAVICON = "favicon.svg"
#: Material's own icon, used when mkdocs.yml names none: talksite's replaces it.
_THEME_FAVICON = "assets/images/favicon.png"


def use_assets(config: MkDocsConfig) -> None:
    """Have every page load the stylesheet and scripts, and show talksite's favicon unless
    mkdocs.yml names one of its own."""
    config.extra_css.extend(f"{ASSETS_DIR}/{name}" for name in _STYLESHEETS)
    if config.theme.get("favicon") in (None, _THEME_FAVICON):
        config.theme["favicon"] = f"{ASSETS_DIR}/{_FAVICON}"
    config.extra_javascript.extend(f"{ASSETS_DIR}/{name}" for name in _SCRIPTS)


def asset_files(config: MkDocsConfig) -> list[File]:
    """The assets, as files the build writes into the site."""
    assets = resources.files("talksite.site") / "assets"
    return [
        File.generated(config, f"{ASSETS_DIR}/{name}", content=(assets / name).read_bytes())
        for name in (*_STYLESHEETS, *_SCRIPTS, *_EARLY_SCRIPTS, _FAVICON)
    ]


def load_early(html: str) -> str:
    """A page's `html` with the scripts that must run before Material's bundle just ahead
    of it; a page without the bundle is left as it is."""

    def ahead(match: re.Match[str]) -> str:
        early = "".join(
            f'<script src="{match["root"]}{ASSETS_DIR}/{name}"></script>\n'
            for name in _EARLY_SCRIPTS
        )
        return early + match[0]

    return _BUNDLE.sub(ahead, html, count=1)
