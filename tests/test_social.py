"""The built site's social cards: every page's Open Graph and Twitter tags name its canonical
URL and a 1200x630 PNG that is really there, and Chromium loads the home page's card."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, build_site, open_page, serve
from mkdocs.config import load_config
from PIL import Image

from talksite.checks.cards import meta_pairs
from talksite.talk import Talk

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SITE_URL_VARIABLE = "TALKSITE_SITE_URL"
#: Every tag a page's preview needs, each exactly once.
REQUIRED = (
    "og:type", "og:site_name", "og:title", "og:description", "og:url", "og:image",
    "og:image:type", "og:image:width", "og:image:height", "og:image:alt", "twitter:card",
    "twitter:title", "twitter:description", "twitter:image", "twitter:image:alt",
)  # fmt: skip


def meta_of(page: Path) -> dict[str, str]:
    tags = meta_pairs(page)
    found = [key for key, _ in tags if key in REQUIRED]
    assert sorted(found) == sorted(REQUIRED), f"{page}: tags {found}"
    return dict(tags)


def shared_pages(site: BuiltSite) -> list[Path]:
    """The pages a reader can share: all but the 404 page."""
    return [page for page in site.pages() if page.name != "404.html"]


def test_every_page_has_tags_naming_its_url_and_an_existing_1200x630_card(
    built_site: BuiltSite,
) -> None:
    site_url = load_config(str(REPO / "mkdocs.yml")).site_url
    assert site_url
    pages = shared_pages(built_site)
    assert len(pages) >= 9  # home, outage, four layers, slides as text, about, the deck
    images = set()
    for page in pages:
        meta = meta_of(page)
        assert meta["og:url"] == site_url + built_site.url_path(page)
        image = meta["og:image"]
        assert image.startswith(site_url + "assets/cards/") and image.endswith(".png")
        assert meta["twitter:image"] == image
        assert meta["twitter:card"] == "summary_large_image"
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:title"] == meta["twitter:title"] and meta["og:title"]
        assert meta["og:description"] == meta["twitter:description"] and meta["og:description"]
        with Image.open(built_site.root / image.removeprefix(site_url)) as card:
            assert (card.format, card.size) == ("PNG", (1200, 630)), image
        images.add(image)
    assert len(images) == len(pages), "each page has a card of its own"
    cards = {p.name for p in (built_site.root / "assets" / "cards").rglob("*.png")}
    assert cards == {image.rsplit("/", 1)[1] for image in images}


def test_a_layer_page_is_described_by_its_summary(built_site: BuiltSite, this_talk: Talk) -> None:
    layer = this_talk.layers[0]
    meta = meta_of(built_site.root / layer.slug / "index.html")
    assert meta["og:description"] == " ".join(layer.summary.split())
    assert meta["og:type"] == "article"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built with TALKSITE_SITE_URL set to the local server that serves it."""
    site_dir = tmp_path_factory.mktemp("published") / "site"
    with serve(site_dir) as url:
        saved = os.environ.get(SITE_URL_VARIABLE)
        os.environ[SITE_URL_VARIABLE] = url
        try:
            build_site(site_dir)
        finally:
            if saved is None:
                os.environ.pop(SITE_URL_VARIABLE)
            else:
                os.environ[SITE_URL_VARIABLE] = saved
        yield url


@pytest.mark.browser
def test_chromium_loads_the_home_pages_card_at_1200x630(browser: Browser, published: str) -> None:
    page, log = open_page(browser, published)
    # TALKSITE_SITE_URL made the site's address, so the tags name this server.
    assert page.get_attribute('meta[property="og:url"]', "content") == published
    image = page.get_attribute('meta[property="og:image"]', "content")
    assert image == published + "assets/cards/index.png"
    size = page.evaluate(
        """async (source) => {
            const image = new Image();
            image.src = source;
            await image.decode();
            return [image.naturalWidth, image.naturalHeight];
        }""",
        image,
    )
    assert size == [1200, 630]
    assert image in log.requests
    assert log.elsewhere() == []
    page.context.close()
