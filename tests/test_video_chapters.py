"""The video's chapters, on a fixture talk that has them: listed under the player, each
starting it at its moment (and only on a click), linked from the slide it names and from that
slide's layer page. And a talk without a video: it says so, and shows no player."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, build, build_site, open_page, serve, wait_until
from shared_support import made_once

from talksite.site.video import embed_url, watch_url
from talksite.talk import TalkConfigError, load_talk, parse_talk

if TYPE_CHECKING:
    from playwright.sync_api import Browser

FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
VIDEO = """\
video:
  provider: youtube
  id: fixture0001
"""
CHAPTERS = """\
  chapters:
    - at: 0:00
      title: Welcome
      slide: title
    - at: "1:05"
      title: The only layer
      slide: only-layer
    - at: 1:02:03
      title: Questions
"""


def chaptered_talk(folder: Path, chapters: str = CHAPTERS) -> Path:
    """The minimal fixture talk, its video given these chapters."""
    shutil.copytree(FIXTURE, folder)
    talk_yml = folder / "talk" / "talk.yml"
    text = talk_yml.read_text(encoding="utf-8")
    assert VIDEO in text, "the fixture's video block changed"
    talk_yml.write_text(text.replace(VIDEO, VIDEO + chapters), encoding="utf-8")
    return folder


def _chaptered_and_built(folder: Path) -> None:
    build_site(folder / "site", project=chaptered_talk(folder / "talk"))


@pytest.fixture(scope="session")
def chaptered(pytestconfig: pytest.Config) -> Path:
    """The chaptered talk (talk/) and its site (site/), made once for all workers."""
    return made_once(pytestconfig, "chaptered-talk", _chaptered_and_built)


@pytest.fixture
def project(chaptered: Path) -> Path:
    return chaptered / "talk"


@pytest.fixture
def site(chaptered: Path) -> BuiltSite:
    return BuiltSite(chaptered / "site")


def read(site: BuiltSite, path: str) -> str:
    return (site.root / path).read_text(encoding="utf-8")


# --- talk.yml --------------------------------------------------------------------------------


def test_chapters_are_read_as_moments_of_the_video(project: Path) -> None:
    talk = load_talk(project / "talk" / "talk.yml")
    assert talk.video is not None
    assert [(c.at, c.title, c.slide) for c in talk.video.chapters] == [
        (timedelta(0), "Welcome", "title"),
        (timedelta(minutes=1, seconds=5), "The only layer", "only-layer"),
        (timedelta(hours=1, minutes=2, seconds=3), "Questions", None),
    ]


@pytest.mark.parametrize(
    ("chapters", "line", "problem"),
    [
        (
            CHAPTERS.replace("1:02:03", "0:30"),
            8,
            "video.chapters[2].at: expected a time after the chapter before it (1:05), found 0:30",
        ),
        (
            CHAPTERS.replace('"1:05"', "65 seconds"),
            5,
            "video.chapters[1].at: expected a time into the video as M:SS or H:MM:SS,"
            " found '65 seconds'",
        ),
        (
            CHAPTERS.replace("1:02:03", "1:62"),
            8,
            "video.chapters[2].at: expected a time into the video as M:SS or H:MM:SS, found '1:62'",
        ),
    ],
    ids=["out of order", "not a time", "no such second"],
)
def test_a_wrong_chapter_time_is_one_line_at_its_line(
    tmp_path: Path, chapters: str, line: int, problem: str
) -> None:
    talk_yml = chaptered_talk(tmp_path / "talk", chapters) / "talk" / "talk.yml"
    text = talk_yml.read_text(encoding="utf-8")
    with pytest.raises(TalkConfigError) as caught:
        parse_talk(text, source="talk/talk.yml")
    first_line = text[: text.index("  chapters:")].count("\n") + 1  # the line of "chapters:"
    assert str(caught.value) == f"talk/talk.yml:{first_line + line - 1}: {problem}"


def test_a_chapter_naming_no_slide_fails_the_build_at_its_line(tmp_path: Path) -> None:
    project = chaptered_talk(tmp_path / "talk", CHAPTERS.replace("slide: only-layer", "slide: x"))
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    text = (project / "talk" / "talk.yml").read_text(encoding="utf-8")
    line = text[: text.index("slide: x")].count("\n") + 1
    assert (
        f"talk/talk.yml:{line}: video.chapters[1].slide: no slide has the id 'x';"
        " expected one of the slides' ids: title, only-layer"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


# --- the built site --------------------------------------------------------------------------


def test_the_home_page_lists_every_chapter_with_its_moment(site: BuiltSite, project: Path) -> None:
    talk = load_talk(project / "talk" / "talk.yml")
    assert talk.video is not None
    home = read(site, "index.html")
    items = re.findall(
        r'<li id="(chapter-\d+)"><a class="ts-video__chapter" ([^>]*)>(.*?)</a>', home
    )
    assert [(anchor, re.sub(r"<[^>]+>", "", text)) for anchor, _, text in items] == [
        ("chapter-0", "0:00 Welcome"),
        ("chapter-65", "1:05 The only layer"),
        ("chapter-3723", "1:02:03 Questions"),
    ]
    for (_, attributes, _), chapter in zip(items, talk.video.chapters, strict=True):
        seconds = int(chapter.at.total_seconds())
        # Without JavaScript, the link opens the video's page at that moment.
        assert f'href="{watch_url(talk.video, chapter).replace("&", "&amp;")}"' in attributes
        assert f"t={seconds}s" in attributes
        assert f"start={seconds}" in attributes
    assert "<iframe" not in home


def test_the_slide_and_its_layer_page_link_to_their_chapter(site: BuiltSite) -> None:
    layer = read(site, "only-layer/index.html")
    assert re.search(r'<a href="\.\./#chapter-65">Watch this part of the talk</a>', layer)
    assert "chapter-3723" not in layer  # a chapter naming no slide is linked from no page
    deck = read(site, "slides/index.html")
    slide = re.search(r'<section id="only-layer".*?</section>', deck, re.DOTALL)
    assert slide is not None
    assert re.search(r'<a href="\.\./#chapter-65">Watch this part of the talk</a>', slide[0])
    text = read(site, "slides-text/index.html")
    assert re.search(r'<a href="\.\./#chapter-65">Watch this part of the talk</a>', text)


def test_a_talk_without_a_video_says_so_and_shows_no_player(tmp_path: Path) -> None:
    project = tmp_path / "talk"
    shutil.copytree(FIXTURE, project)
    talk_yml = project / "talk" / "talk.yml"
    talk_yml.write_text(talk_yml.read_text(encoding="utf-8").replace(VIDEO, ""))
    assert load_talk(talk_yml).video is None
    home = read(build_site(tmp_path / "site", project=project), "index.html")
    assert "has not been recorded yet: there is no video to watch." in home
    assert "ts-video__play" not in home and "youtube" not in home
    assert "Watch the talk" not in home


# --- in a browser ----------------------------------------------------------------------------


@pytest.fixture
def served(site: BuiltSite) -> Iterator[str]:
    with serve(site.root) as url:
        yield url


@pytest.mark.browser
def test_a_chapter_starts_the_no_cookie_player_at_its_moment_only_when_pressed(
    browser: Browser, served: str, project: Path
) -> None:
    talk = load_talk(project / "talk" / "talk.yml")
    assert talk.video is not None
    page, log = open_page(browser, served)
    assert page.locator("iframe").count() == 0
    assert log.elsewhere() == []
    page.locator("a.ts-video__chapter", has_text="The only layer").click()
    frame = page.locator(".ts-video iframe")
    frame.wait_for(state="attached")
    want = embed_url(talk.video, talk.video.chapters[1])
    assert want == "https://www.youtube-nocookie.com/embed/fixture0001?autoplay=1&start=65"
    assert frame.get_attribute("src") == want
    assert page.url == served  # the page stayed: the chapter played here, not on YouTube
    log.settle(page)
    assert log.elsewhere() == [want]
    # Another chapter moves the same player.
    page.locator("a.ts-video__chapter", has_text="Questions").click()
    wait_until(page, "document.querySelector('.ts-video iframe').src.endsWith('start=3723')")
    assert page.locator("iframe").count() == 1
    log.settle(page)
    assert log.elsewhere() == [want, embed_url(talk.video, talk.video.chapters[2])]
    page.context.close()
