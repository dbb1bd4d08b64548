"""Social cards, piece by piece: drawing, fitting text, the cache, the palette, the tags, and
the build stopping on a bad setting. (The built site's cards: tests/test_social.py.)"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from browser_support import build
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page
from PIL import Image

from talksite import cards
from talksite.cards import cache as card_cache
from talksite.cards.draw import LINE_SPACING, MARGIN, STRIPE, TITLE_SIZES, fit, font, render, wrap
from talksite.cards.palette import ACCENT, PRIMARY
from talksite.errors import SetupError
from talksite.site.built import BuiltPage
from talksite.site.social import page_social

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal_talk"
PALETTE = cards.card_palette([{"primary": "teal", "accent": "deep-orange"}])
LONG = "An uncommonly long page title that keeps going " * 6


def a_card(title: str = "Locks queue", **changes: object) -> cards.Card:
    fields = {"kicker": "A talk", "byline": "Ada Example · Conf 2031, Boston", "palette": PALETTE}
    return cards.Card(title=title, **{**fields, **changes})  # type: ignore[arg-type]


def image_of(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def hex_colour(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


# -- drawing ----------------------------------------------------------------------------------


def test_a_card_is_a_1200_by_630_png_in_the_palette() -> None:
    image = image_of(render(a_card()))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    rgb = image.convert("RGB")
    assert hex_colour(rgb.getpixel((STRIPE // 2, 300))) == ACCENT["deep-orange"]
    assert hex_colour(rgb.getpixel((1199, 629))) == PRIMARY["teal"][0]
    # The text is drawn in the palette's text colour.
    colours = {hex_colour(colour) for _, colour in rgb.getcolors(maxcolors=1 << 16)}
    assert PRIMARY["teal"][1] in colours


def test_the_same_card_draws_the_same_bytes_and_another_draws_others() -> None:
    assert render(a_card()) == render(a_card())
    assert render(a_card()) != render(a_card("Another title"))


def test_a_long_title_wraps_onto_lines_that_fit_the_width() -> None:
    size, lines = fit(LONG, width=900, height=400, sizes=TITLE_SIZES)
    assert len(lines) > 1
    assert all(font(size).getlength(line) <= 900 for line in lines)
    assert " ".join(line.removesuffix("…") for line in lines).split()[0] == "An"


def test_a_longer_title_is_drawn_smaller() -> None:
    short_size, short_lines = fit("Locks", width=900, height=300, sizes=TITLE_SIZES)
    long_size, _ = fit(LONG[:120], width=900, height=300, sizes=TITLE_SIZES)
    assert short_size == TITLE_SIZES[0] and short_lines == ["Locks"]
    assert long_size < short_size


def test_a_title_too_long_for_any_size_ends_in_an_ellipsis_inside_its_box() -> None:
    size, lines = fit(LONG * 4, width=900, height=300, sizes=TITLE_SIZES)
    assert size == TITLE_SIZES[-1]
    assert lines[-1].endswith("…")
    assert len(lines) * round(size * LINE_SPACING) <= 300


def test_a_word_wider_than_the_box_is_cut_rather_than_overflowing() -> None:
    lines = wrap("x" * 200, font(60), 500)
    assert len(lines) > 1 and "".join(lines) == "x" * 200
    assert all(font(60).getlength(line) <= 500 for line in lines)


@pytest.mark.parametrize(
    "title",
    ["x" * 1_000_000, "word " * 200_000, "\u200b" * 1_000_000],
    ids=["one-1-mb-word", "1-mb-of-words", "1-mb-of-zero-width-spaces"],
)
def test_a_1_mb_title_wraps_into_its_box_reading_only_what_fits(title: str) -> None:
    # Before, a 20 KB word took 24 s and 1 MB never finished: if this test seems to hang,
    # wrapping has gone back to cost growing with the title's length squared.
    size, lines = fit(title, width=900, height=300, sizes=TITLE_SIZES)
    assert size == TITLE_SIZES[-1]
    assert len(lines) * round(size * LINE_SPACING) <= 300
    assert lines[-1].endswith("…")
    assert all(font(size).getlength(line) <= 900 for line in lines)
    assert all(len(line) <= 201 for line in lines)  # MAX_LINE_CHARS, and the ellipsis


def test_no_text_is_drawn_in_the_right_margin_however_long_the_texts() -> None:
    card = a_card(LONG * 3, kicker=LONG, byline=LONG)
    rgb = image_of(render(card)).convert("RGB")
    background = rgb.getpixel((1199, 0))
    margin = rgb.crop((1200 - MARGIN + 4, 0, 1200, 630))
    assert margin.getcolors() == [(margin.width * margin.height, background)]


# -- the cache --------------------------------------------------------------------------------


def test_a_cached_card_is_copied_not_drawn_again(tmp_path: Path) -> None:
    cache_dir, site = tmp_path / "cache", tmp_path / "site"
    assert cards.write_card(a_card(), site / "one.png", cache_dir=cache_dir) is True
    cached = cache_dir / f"{cards.card_key(a_card())}.png"
    assert cached.read_bytes() == (site / "one.png").read_bytes()
    # Put another picture under the card's name: a second build copies it, proving no redraw.
    other = render(a_card("Something else entirely"))
    cached.write_bytes(other)
    assert cards.write_card(a_card(), site / "two.png", cache_dir=cache_dir) is False
    assert (site / "two.png").read_bytes() == other


def test_a_changed_card_is_drawn_under_a_new_name(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cards.write_card(a_card(), tmp_path / "a.png", cache_dir=cache_dir)
    assert cards.write_card(a_card("Changed"), tmp_path / "b.png", cache_dir=cache_dir) is True
    assert len(list(cache_dir.glob("*.png"))) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Other"},
        {"kicker": "Other"},
        {"byline": "Other"},
        {"palette": cards.card_palette({"primary": "red"})},
    ],
    ids=lambda change: next(iter(change)),
)
def test_the_key_changes_with_every_input(change: dict[str, object]) -> None:
    assert cards.card_key(a_card(**change)) != cards.card_key(a_card())


def test_the_key_changes_with_the_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cards.card_key(a_card())
    monkeypatch.setattr(card_cache, "RENDERER", card_cache.RENDERER + 1)
    assert cards.card_key(a_card()) != before


# -- palette and settings ---------------------------------------------------------------------


def test_the_palette_follows_mkdocs_yml_and_defaults_to_materials() -> None:
    assert cards.card_palette(None) == cards.card_palette([{"primary": "indigo"}])
    # As in mkdocs.yml: an automatic entry names no colours; the first entry that does counts.
    amber = cards.card_palette(
        [
            {"media": "(prefers-color-scheme)"},
            {"scheme": "default", "primary": "Amber", "accent": "lime"},
            {"scheme": "slate", "primary": "red", "accent": "red"},
        ]
    )
    assert (amber.background, amber.text, amber.accent) == ("#ffc105", "#212121", "#b0eb00")


def test_an_unknown_palette_colour_is_a_clear_error() -> None:
    with pytest.raises(SetupError) as raised:
        cards.card_palette([{"primary": "mauve"}])
    message = str(raised.value)
    assert message.startswith("mkdocs.yml: theme.palette primary: 'mauve' is not a Material")
    assert "expected one of: red, pink" in message and "\n" not in message


def test_a_cache_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("not a folder")
    with pytest.raises(SetupError, match=r"^where: expected a folder .* is a file"):
        cards.check_cache_dir(tmp_path / "taken" / "cards", option="where")
    cards.check_cache_dir(tmp_path / "new" / "cards", option="where")  # absent: made later


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    return project


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            "  palette:\n    primary: mauve\n",
            "mkdocs.yml: theme.palette primary: 'mauve' is not a Material colour",
        ),
        (None, "mkdocs.yml: plugins: talksite: cards_cache_dir: expected a folder"),
    ],
    ids=["palette", "cache_dir"],
)
def test_a_bad_setting_stops_the_build_with_one_line_and_no_site(
    project: Path, setting: str | None, expected: str
) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if setting is None:
        (project / "taken").write_text("a file\n")
        text = text.replace("  - talksite\n", "  - talksite:\n      cards_cache_dir: taken/cards\n")
    else:
        text = text.replace("  font: false\n", "  font: false\n" + setting)
    config.write_text(text, encoding="utf-8")
    result = build(project, project / "site")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if expected in line]
    assert len(errors) == 1, result.stderr
    assert [p.name for p in project.iterdir() if p.name.startswith("site")] == []


# -- the tags, from the hook ------------------------------------------------------------------


def page_tags(site_url: str | None) -> tuple[str, str]:
    """The layer page's card path and tags, from a configured plugin, with ``site_url``."""
    config = load_config(config_file=str(FIXTURE / "mkdocs.yml"), site_url=site_url)
    config = config.plugins.on_config(config)
    plugin = config.plugins["talksite"]
    files = get_files(config)
    page = BuiltPage.of(Page("The only layer", files.get_file_from_path("only-layer.md"), config))
    social = page_social(page, talk=plugin.talk, palette=plugin.card_palette, site_url=site_url)
    return social.card_path, social.tags


def test_with_a_site_url_the_tags_are_absolute() -> None:
    card_path, tags = page_tags("https://example.org/talk/")
    assert card_path == "assets/cards/only-layer.png"
    assert '<meta property="og:url" content="https://example.org/talk/only-layer/">' in tags
    image = "https://example.org/talk/assets/cards/only-layer.png"
    assert f'<meta property="og:image" content="{image}">' in tags
    assert f'<meta name="twitter:image" content="{image}">' in tags
    assert '<meta name="twitter:card" content="summary_large_image">' in tags
    assert '<meta property="og:title" content="The only layer">' in tags


def test_without_a_site_url_there_is_no_og_url_and_the_image_is_relative() -> None:
    _, tags = page_tags(None)
    assert "og:url" not in tags
    assert '<meta property="og:image" content="../assets/cards/only-layer.png">' in tags
