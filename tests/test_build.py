"""End to end: the real site and a second, made-up talk build strictly and hold what they should."""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from browser_support import REPO, BuiltSite, build, build_site

from talksite.site.home import when
from talksite.talk import Talk

FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"


def text_of(page: str) -> str:
    """A page's visible text, whitespace collapsed, for "does it say X" checks."""
    without_tags = re.sub(r"<[^>]+>", "", page)
    return " ".join(html.unescape(without_tags).split())


def plain(markdown: str) -> list[str]:
    """The paragraphs and list items of a short Markdown text, as plain text."""
    pieces = []
    for block in markdown.strip().split("\n\n"):
        lines = block.splitlines()
        if all(line.startswith(("* ", "- ")) for line in lines):
            pieces.extend(line[2:] for line in lines)
        else:
            pieces.append(" ".join(block.split()))
    return pieces


@pytest.fixture(scope="module")
def home(built_site: BuiltSite) -> str:
    return (built_site.root / "index.html").read_text(encoding="utf-8")


def test_the_site_has_every_page(built_site: BuiltSite, this_talk: Talk) -> None:
    pages = ["index.html", "outage/index.html", "about/index.html"]
    pages += [f"{layer.slug}/index.html" for layer in this_talk.layers]
    assert [page for page in pages if not (built_site.root / page).is_file()] == []


def test_home_page_holds_the_whole_abstract(home: str, this_talk: Talk) -> None:
    shown = text_of(home)
    expected = [this_talk.title, " ".join(this_talk.abstract.lead.split())]
    for section in this_talk.abstract.sections:
        expected.append(section.heading)
        expected.extend(plain(section.text))
    assert [piece for piece in expected if piece not in shown] == []


def test_home_page_says_when_and_where(home: str, this_talk: Talk) -> None:
    shown = text_of(home)
    assert "Tuesday 30 May 2023, 14:35–15:05 BST (Europe/London)" in shown
    assert "Music Hall, Edinburgh" in shown
    assert f'<time datetime="{when(this_talk.event).start_iso}">' in home
    assert 'datetime="2023-05-30T14:35+01:00"' in home


def test_home_page_links_the_talk_page_the_video_and_every_layer(
    home: str, this_talk: Talk
) -> None:
    assert f'href="{this_talk.talk_page}"' in home
    assert 'href="https://www.youtube.com/watch?v=aQSe5QjLGuo">Watch on YouTube</a>' in home
    for layer in this_talk.layers:
        assert f'href="{layer.slug}/"' in home
        assert layer.summary in home
    assert 'href="slides/index.html">Slides</a>' in home


def test_home_page_has_the_video_facade_and_no_player(home: str) -> None:
    button = re.search(r'<button [^>]*class="ts-video__play"[^>]*>', home)
    assert button is not None
    assert 'type="button"' in button.group()
    assert 'aria-label="Play video: Do the holes in Swiss cheese leak abstractions?"' in (
        button.group()
    )
    assert 'data-embed="https://www.youtube-nocookie.com/embed/aQSe5QjLGuo?autoplay=1"' in (
        button.group()
    )
    assert "<iframe" not in home
    assert 'src="assets/talksite/facade.js"' in home


def test_nothing_loads_from_another_host(built_site: BuiltSite) -> None:
    site = built_site.root
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css"}:
            continue
        content = path.read_text(encoding="utf-8")
        for pattern in (
            r"fonts\.googleapis",
            r"fonts\.gstatic",
            r"""https?://[^"'\s)]*cdn""",
            r"""\ssrc=["']?(?:https?:)?//""",
            # A stylesheet, icon or preload from elsewhere; a canonical link loads nothing.
            r"""<link\b(?![^>]*rel="canonical")[^>]*\shref=["']?(?:https?:)?//""",
            r"""url\(\s*["']?(?:https?:)?//""",
            r"""@import\s+["'](?:https?:)?//""",
        ):
            offenders += [f"{path.relative_to(site)}: {m}" for m in re.findall(pattern, content)]
    assert offenders == []


def test_a_second_talk_builds_with_nothing_of_this_one(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", project=FIXTURE).root
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Small fixtures make sturdy generators</title>" in home
    assert "Ada Example" in home
    assert 'href="only-layer/"' in home
    assert "Friday 14 February 2031, 09:00–09:25 EST (America/New_York)" in text_of(home)
    leaks = [
        f"{path.relative_to(site)}: {word}"
        for path in sorted(site.rglob("*"))
        if path.is_file()
        for word in ("Swiss cheese", "Tim Bell", "DjangoCon", "aQSe5QjLGuo")
        if word in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert leaks == []


def test_the_themes_templates_are_compiled_once_into_a_private_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # jinja2 keeps its bytecode cache in the temporary folder: here, one of this test's own.
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    build_site(tmp_path / "site", project=FIXTURE)
    cache = tmp_path / "tmp" / f"_jinja2-cache-{os.getuid()}"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    # Material's main.html, base.html, their partials, 404.html, sitemap.xml and more.
    assert len(list(cache.glob("__jinja2_*.cache"))) >= 20


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    talk_file = project / "talk" / "talk.yml"
    text = talk_file.read_text(encoding="utf-8")
    talk_file.write_text(text.replace("id: fixture0001", "id: too-short"), encoding="utf-8")
    return project


def test_a_broken_talk_file_stops_the_build_before_anything_is_written(
    broken_project: Path,
) -> None:
    site_dir = broken_project / "site"
    result = build(broken_project, site_dir)
    assert result.returncode != 0
    talk_text = (broken_project / "talk" / "talk.yml").read_text(encoding="utf-8")
    line = talk_text[: talk_text.index("id: too-short")].count("\n") + 1
    assert f"talk/talk.yml:{line}: video.id: expected an 11-character YouTube video id" in (
        result.stderr
    )
    # Neither the site nor the folder it is built in before it takes the site's place.
    assert [path.name for path in broken_project.iterdir() if path.name.startswith("site")] == []
