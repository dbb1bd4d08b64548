"""Write the deck into the built site: ``slides/index.html``, reveal.js and the theme.

reveal.js comes from the npm registry (``package.json`` pins it exactly, ``npm ci`` installs
it into ``node_modules/``). Only the classic scripts and the core CSS are copied: the classic
``reveal.js`` and ``plugin/notes.js`` (globals ``Reveal`` and ``RevealNotes``) work from
``file://``, where the ES-module build is blocked; the bundled themes are left out because
most of them import web fonts, and the deck has a theme of its own that matches the site.
"""

from __future__ import annotations

import json
import posixpath
import shutil
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from talksite.deck.render import MarkdownSetup, RenderedSlide, render_slides
from talksite.deck.slides import DeckError, Slide, parse_slides
from talksite.deck.theme import logo_html, theme_css
from talksite.diagrams import Figure
from talksite.errors import Problem, SetupError
from talksite.talk import Speaker

__all__ = ["DECK_DIR", "REVEAL_FILES", "TEXT_PAGE", "build_deck", "load_slides", "reveal_dist"]

#: The deck's folder inside the built site.
DECK_DIR = "slides"
#: The generated "Slides as text" page, relative to docs/.
TEXT_PAGE = "slides-text.md"
#: The files of reveal.js's ``dist/`` folder that the deck needs, and nothing else.
REVEAL_FILES = ("reveal.js", "reveal.css", "reset.css", "plugin/notes.js")
_OWN_ASSETS = ("deck.css", "deck.js")
#: The deck's colours from the site's theme.palette, written by the build after deck.css.
THEME_CSS = "theme.css"
#: talksite's own checkout (package.json, node_modules/), two levels above this package.
_GENERATOR_ROOT = Path(__file__).resolve().parents[2]


def load_slides(path: Path, *, source: str) -> list[Slide]:
    """Parse the deck's Markdown file; ``source`` is how messages name it."""
    if not path.is_file():
        raise DeckError(
            Problem(source, 1, "the deck's source is missing", f"expected the file {path}")
        )
    return parse_slides(path.read_text(encoding="utf-8"), source=source)


def _pinned_reveal(directory: Path) -> str | None:
    """The reveal.js version ``directory/package.json`` pins, if it pins one."""
    package = directory / "package.json"
    if not package.is_file():
        return None
    return json.loads(package.read_text(encoding="utf-8")).get("dependencies", {}).get("reveal.js")


def reveal_dist(project_dir: Path) -> tuple[Path, str]:
    """reveal.js's ``dist/`` folder and version, as pinned and installed by ``npm ci``.

    The talk's own folder may pin reveal.js; otherwise talksite's checkout provides it, so a
    second talk needs nothing but its talk/, snippets/ and docs/.
    """
    candidates = (project_dir, _GENERATOR_ROOT)
    root = next((c for c in candidates if _pinned_reveal(c) is not None), None)
    if root is None:
        where = " or ".join(str(c / "package.json") for c in candidates)
        raise SetupError(f"reveal.js is not pinned: no package.json with it in {where}")
    pinned = _pinned_reveal(root)
    installed_json = root / "node_modules" / "reveal.js" / "package.json"
    fix = f"run `npm ci` in {root} (or `make install`)"
    if not installed_json.is_file():
        raise SetupError(f"reveal.js is not installed: {fix}")
    installed = json.loads(installed_json.read_text(encoding="utf-8"))["version"]
    if installed != pinned:
        raise SetupError(
            f"reveal.js {installed} is installed but package.json pins {pinned}: {fix}"
        )
    return installed_json.parent / "dist", installed


def _page(rendered: Sequence[RenderedSlide], **values: object) -> str:
    """The deck's HTML: the slides, and ``values`` (title, language, reveal_version,
    description, favicon, logo, speaker) for its head and title slide."""
    template = resources.files("talksite.deck").joinpath("assets/index.html").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return environment.from_string(template).render(slides=rendered, **values)


def _copy_assets(dist: Path, deck_dir: Path, *, palette: Any) -> None:
    """reveal.js's files, the deck's own stylesheet and script, and its colours (from
    mkdocs.yml's ``theme.palette``)."""
    for name in REVEAL_FILES:
        target = deck_dir / "reveal" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dist / name, target)
    assets = resources.files("talksite.deck").joinpath("assets")
    for name in _OWN_ASSETS:
        (deck_dir / name).write_bytes(assets.joinpath(name).read_bytes())
    (deck_dir / THEME_CSS).write_text(theme_css(palette), encoding="utf-8")


def _material_icons() -> Path:
    """Material's bundled icons (``theme.icon.logo`` names one of them)."""
    import material

    return Path(material.__file__).parent / "templates" / ".icons"


def _text_href(page_url: Callable[[str], str | None]) -> str | None:
    """The "Slides as text" page from the deck, naming its index.html so that it opens from file://."""
    url = page_url(TEXT_PAGE)
    if url is None:
        return None
    return posixpath.relpath(f"{url.rstrip('/')}/index.html", DECK_DIR)


def build_deck(
    slides: Sequence[Slide],
    *,
    setup: MarkdownSetup,
    project_dir: Path,
    site_dir: Path,
    site_url: str,
    title: str,
    language: str,
    source: str,
    page_url: Callable[[str], str | None],
    figures: Mapping[str, Callable[..., Figure]] | None = None,
    description: str = "",
    favicon: str | None = None,
    theme: Mapping[str, Any] | None = None,
    speaker: Speaker | None = None,
    retitle: Callable[[str], str] = lambda markdown: markdown,
) -> Path:
    """Render ``slides`` into ``site_dir/slides/`` with its assets; returns the HTML file.

    ``description``: the meta description; ``favicon``: the site's icon, relative to its
    root; ``theme``: mkdocs.yml's, whose palette colours the deck and whose logo marks each
    slide (:mod:`talksite.deck.theme`); ``speaker``: whose photo the title slide shows, if
    talk.yml gives one; ``retitle``: titles each excerpt with the lines it shows."""
    dist, version = reveal_dist(project_dir)
    rendered = render_slides(
        slides,
        setup=setup,
        site_url=site_url,
        source=source,
        page_url=page_url,
        figures=figures,
        retitle=retitle,
    )
    deck_dir = site_dir / DECK_DIR
    theme = theme or {}
    _copy_assets(dist, deck_dir, palette=theme.get("palette"))
    index = deck_dir / "index.html"
    index.write_text(
        _page(
            rendered,
            title=title,
            language=language,
            reveal_version=version,
            description=description,
            favicon=posixpath.relpath(favicon, DECK_DIR) if favicon else None,
            logo=logo_html(theme, icons=_material_icons()),
            speaker=speaker if speaker is not None and speaker.photo else None,
            text_href=_text_href(page_url),
        ),
        encoding="utf-8",
    )
    return index
