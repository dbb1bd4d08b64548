"""talksite's own stylesheet, scripts and favicon (``talksite/site/assets/``): written into
the built site under :data:`ASSETS_DIR`, and named in the MkDocs config so that every page
loads them."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

__all__ = ["ASSETS_DIR", "asset_files", "use_assets"]

#: Where talksite's own assets go in the built site.
ASSETS_DIR = "assets/talksite"
_STYLESHEETS = ("talksite.css",)
_SCRIPTS = ("facade.js", "keyboard.js", "excerpts.js")
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
        for name in (*_STYLESHEETS, *_SCRIPTS, _FAVICON)
    ]
