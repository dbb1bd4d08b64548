"""The deck takes the site's look: theme.palette's colours (light and dark), the logo, and
talk.yml's speaker.photo on the title slide and the home page, with nothing fetched from
elsewhere. One new talk (``talksite new``), its palette and photo changed, is built once for
the module. The browser tests use the ``browser`` fixture (conftest.py): they skip without
Chromium locally, and fail under ``CI=true``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, wait_until
from command_support import run_talksite
from PIL import Image
from shared_support import made_once

from talksite.cards.palette import ACCENT, PRIMARY
from talksite.deck import theme

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CREDIT = "Photo: A. Photographer, CC BY 4.0"
_PALETTE = {
    "      scheme: default\n": "      scheme: default\n      primary: deep orange\n      accent: lime\n",
    "      scheme: slate\n": "      scheme: slate\n      primary: teal\n      accent: pink\n",
}


def _with_photo(folder: Path, photo: str) -> None:
    """talk.yml's speaker gets ``photo``, no text alternative of its own, and a credit."""
    talk_yml = folder / "talk" / "talk.yml"
    text = talk_yml.read_text(encoding="utf-8")
    for key, value in (("photo", photo), ("picture_credit", f'"{CREDIT}"')):
        text, count = re.subn(rf"\n  {key}:[^\n]*", f"\n  {key}: {value}", text, count=1)
        assert count == 1, f"the new talk's talk.yml has no speaker.{key}: update this test"
    text, count = re.subn(r"\n  photo_alt:[^\n]*", "", text, count=1)
    assert count == 1, "the new talk's talk.yml has no speaker.photo_alt: update this test"
    talk_yml.write_text(text, encoding="utf-8")


def _speaker_name(folder: Path) -> str:
    talk_yml = (folder / "talk" / "talk.yml").read_text(encoding="utf-8")
    name = next(line for line in talk_yml.splitlines() if line.startswith("  name:"))
    return name.split(":", 1)[1].strip().strip('"')


@pytest.fixture(scope="session")
def themed_talk(pytestconfig: pytest.Config) -> Path:
    """A new talk in deep orange and lime (teal and pink when dark), with a speaker photo,
    built once for all workers. Tests change copies of it, never the talk itself."""
    return made_once(pytestconfig, "themed-talk", _themed_and_built)


def _themed_and_built(folder: Path) -> None:
    created = run_talksite("new", str(folder), cwd=folder.parent)
    assert created.returncode == 0, created.stderr
    (folder / "node_modules").symlink_to(REPO / "node_modules")
    mkdocs_yml = folder / "mkdocs.yml"
    config = mkdocs_yml.read_text(encoding="utf-8")
    for old, new in _PALETTE.items():
        assert old in config, "the new talk's palette changed: update this test"
        config = config.replace(old, new, 1)
    mkdocs_yml.write_text(config, encoding="utf-8")
    Image.new("RGB", (64, 64), "#8a5a44").save(folder / "docs" / "speaker.png")
    _with_photo(folder, "speaker.png")
    built = run_talksite("build", cwd=folder)
    assert built.returncode == 0, built.stderr


def test_the_deck_css_has_the_palettes_colours(themed_talk: Path) -> None:
    css = (themed_talk / "site" / "slides" / "theme.css").read_text(encoding="utf-8")
    light, dark = css.split("@media", 1)
    assert f"--deck-title-bg: {PRIMARY['deep-orange'][0]};" in light
    assert f"--deck-accent: {ACCENT['lime']};" in light
    assert f"--deck-title-bg: {PRIMARY['teal'][0]};" in dark
    assert f"--deck-accent: {ACCENT['pink']};" in dark
    assert "#4051b5" not in css  # no indigo left


def test_links_take_the_primary_colour_where_it_stands_out() -> None:
    yellow = theme.deck_theme({"primary": "yellow"}, dark=False)
    assert yellow.primary == PRIMARY["yellow"][0] and yellow.link != yellow.primary
    assert theme.deck_theme({"primary": "indigo"}, dark=False).link == PRIMARY["indigo"][0]


#: The deck's colours as the browser draws them, on a section-like title card and in links.
_COLOURS = """() => {
  const probe = document.createElement("div");
  document.querySelector(".reveal .slides section").append(probe);
  const read = (name) => { probe.style.color = `var(${name})`; return getComputedStyle(probe).color; };
  const found = [read("--deck-title-bg"), read("--deck-accent")];
  probe.remove();
  return found;
}"""


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.browser
def test_the_deck_draws_the_palette_light_and_dark(browser: Browser, themed_talk: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((themed_talk / "site" / "slides" / "index.html").as_uri())
    wait_until(page, "window.Reveal && Reveal.isReady()")
    assert page.evaluate(_COLOURS) == [_rgb(PRIMARY["deep-orange"][0]), _rgb(ACCENT["lime"])]
    page.evaluate("document.documentElement.setAttribute('data-scheme', 'dark')")
    assert page.evaluate(_COLOURS) == [_rgb(PRIMARY["teal"][0]), _rgb(ACCENT["pink"])]
    # The title slide: the speaker's photo, named by the speaker's name, with its credit.
    photo = page.locator("section.title .deck-speaker img")
    assert photo.get_attribute("alt") == _speaker_name(themed_talk)
    assert page.evaluate("document.querySelector('.deck-speaker img').naturalWidth") == 64
    assert CREDIT in page.locator("section.title .deck-speaker").inner_text()
    # The logo, and fonts: nothing from another host.
    assert page.locator(".deck-logo").count() == 1
    assert [url for url in requests if not url.startswith("file://")] == []


def test_the_home_page_shows_the_photo_with_its_credit(themed_talk: Path) -> None:
    home = (themed_talk / "site" / "index.html").read_text(encoding="utf-8")
    speaker = _speaker_name(themed_talk)
    assert f'<img src="speaker.png" alt="{speaker}"' in home
    assert CREDIT in home
    deck = (themed_talk / "site" / "slides" / "index.html").read_text(encoding="utf-8")
    assert f'<img src="../speaker.png" alt="{speaker}">' in deck


def test_a_photo_that_is_not_in_docs_stops_the_build_at_its_line(
    themed_talk: Path, tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(themed_talk, tmp_path / "talk", symlinks=True))
    talk_yml = folder / "talk" / "talk.yml"
    text = talk_yml.read_text(encoding="utf-8").replace("photo: speaker.png", "photo: me.jpg")
    talk_yml.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "photo: me.jpg" in t)
    built = run_talksite("build", cwd=folder)
    assert built.returncode != 0
    assert f"talk/talk.yml:{line}: speaker.photo: there is no file 'me.jpg' in docs/" in (
        built.stderr
    )
