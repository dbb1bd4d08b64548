"""From every snippet a reader can reach code that runs: the whole file as the site serves it,
the repository at the commit built, how to run it, the placeholders in its output explained;
and the pages on a phone (390x844): diagrams whose text stays legible, code that scrolls
with a cue.

The site is this repository's, built once for the session (``built_site``); one more build,
of the fixture talk in a git checkout with ``repo_url``, is shared by this module's tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from datetime import date
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, BuiltSite, build_site, goto, wait_until

from talksite.errors import ContentError
from talksite.site.figure_scroll import MIN_TEXT_PX
from talksite.site.running import OPT_IN, run_advice
from talksite.site.snippet_files import copy_snippet_files
from talksite.snippets import Directives, Provenance, Snippet, discover, provenance
from talksite.snippets.compare import PLACEHOLDERS
from talksite.snippets.kinds import PYTHON

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from talksite.talk import Talk

FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
PHONE = {"width": 390, "height": 844}
MADE = Provenance(
    (("postgresql", "18.1"), ("psycopg", "3.2.13"), ("django", "5.2.9"), ("python", "3.11.2")),
    date(2030, 6, 14),
)
SNIPPET = '''"""A demo snippet."""

print("before")
# --8<-- [start:greet]
def greet():
    print("hello")
# --8<-- [end:greet]
'''
_SOURCE_LINK = re.compile(r'<div class="ts-source"[^>]*>\s*<p class="ts-source__links">(.*?)</p>')
_HREF = re.compile(r'href="([^"]+)" download=')


def _pages(site: BuiltSite) -> dict[str, str]:
    return {site.url_path(page): page.read_text(encoding="utf-8") for page in site.pages()}


def test_every_whole_file_link_serves_a_file_identical_to_the_snippet(
    built_site: BuiltSite, site_url: str
) -> None:
    served = 0
    for path, page in _pages(built_site).items():
        for links in _SOURCE_LINK.findall(page):
            found = _HREF.search(links)
            assert found is not None, links
            href = unescape(found[1])
            url = urllib.request.urljoin(site_url + path, href)
            assert url.startswith(site_url + "snippets/"), url
            with urllib.request.urlopen(url, timeout=30) as response:
                body = response.read()
            assert body == (REPO / url.removeprefix(site_url)).read_bytes(), url
            served += 1
    # Every snippet shown on the layer pages, and the slides' as text.
    assert served >= len(re.findall(r"\{\{ snippet\(", _all_docs()))


def _all_docs() -> str:
    return "".join(page.read_text(encoding="utf-8") for page in (REPO / "docs").glob("*.md"))


def test_an_excerpt_is_titled_with_its_lines_and_the_whole_file_with_its_path(
    built_site: BuiltSite,
) -> None:
    titles = re.findall(r'<span class="filename">([^<]*)</span>', _all_pages(built_site))
    named = [title for title in titles if "snippets/" in title and "Output" not in title]
    assert "snippets/termination/python_cleanup.py" in named  # shown whole
    excerpts = [t for t in named if t.startswith("lines ")]
    assert "lines 63\u2013103 of snippets/locking/lock_queue.py" in excerpts
    for title in excerpts:
        match = re.fullmatch(r"lines (\d+)\u2013(\d+) of (\S+)", title)
        assert match is not None, title
        first, last, path = match.groups()
        assert int(last) < len((REPO / path).read_text(encoding="utf-8").splitlines())
        assert int(first) > 1


def _all_pages(site: BuiltSite) -> str:
    return "".join(_pages(site).values())


@pytest.mark.parametrize("snippet", discover(REPO / "snippets"), ids=lambda snippet: snippet.id)
def test_how_to_run_follows_the_snippets_directives(snippet: Snippet) -> None:
    advice = run_advice(
        snippet.path,
        shown=snippet.id,
        kind=snippet.kind,
        directives=snippet.directives,
        clone_url=None,
    ).markdown()
    assert f".venv/bin/talksite run {snippet.id}" in advice
    needs = snippet.directives
    own_server = "DATABASE_URL=" in advice
    alone = not (needs.throwaway_server or needs.companion or needs.services - {"database"})
    assert own_server == (alone and snippet.uses_database)
    # Whatever runs it directly is its kind's own command.
    assert ("**Directly**" in advice) == (alone and not snippet.uses_database)
    if own_server:
        assert (f"{OPT_IN}=1" in advice) == (OPT_IN in snippet.path.read_text(encoding="utf-8"))
        assert ("REPLICA_DATABASE_URL=" in advice) == needs.replica
    for setting, value in needs.server_settings.items():
        assert f"`{setting} = {value}`" in advice
    assert ("It needs root" in advice) == needs.privileged


def test_a_snippet_that_needs_its_own_server_is_not_offered_for_yours(tmp_path: Path) -> None:
    script = tmp_path / "x.py"
    script.write_text(f"import os\nos.environ.get('{OPT_IN}')\n")
    advice = run_advice(
        script,
        shown="snippets/a/x.py",
        kind=PYTHON,
        directives=Directives(throwaway_server=True, replica=True),
        clone_url="https://example.org/talk",
    ).markdown()
    assert "DATABASE_URL=" not in advice
    assert "cannot run **on a PostgreSQL of your own**" in advice
    assert "`git clone https://example.org/talk`" in advice
    assert "and a streaming replica of it" in advice


def test_the_placeholders_of_a_pages_outputs_are_explained_once(built_site: BuiltSite) -> None:
    explained = 0
    for path, page in _pages(built_site).items():
        if path == "slides/":
            continue  # the deck: a slide has no room; "Slides as text" explains them
        notes = [m.start() for m in re.finditer('<p class="ts-placeholders">', page)]
        blocks = [m for m in re.finditer(r"<pre\b.*?</pre>", page, re.DOTALL)]
        escaped = {name: name.replace("<", "&lt;").replace(">", "&gt;") for name in PLACEHOLDERS}
        shown = [name for name in PLACEHOLDERS if any(escaped[name] in b[0] for b in blocks)]
        if not shown:
            assert notes == [], path
            continue
        assert len(notes) == 1, path
        note = page[notes[0] : page.index("</p>", notes[0])]
        assert [name for name in PLACEHOLDERS if f"<code>{escaped[name]}</code>" in note] == shown
        # Before the first output that shows one.
        first = next(b.start() for b in blocks if any(escaped[name] in b[0] for name in shown))
        assert notes[0] < first, path
        explained += 1
    assert explained >= 3


@pytest.fixture(scope="module")
def checkout_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The fixture talk with one snippet, in a git checkout, with mkdocs.yml's repo_url."""
    project = tmp_path_factory.mktemp("checkout") / "talk"
    shutil.copytree(FIXTURE, project)
    (project / "snippets" / "demo").mkdir(parents=True)
    (project / "snippets" / "demo" / "hello.py").write_text(SNIPPET)
    (project / "snippets" / "demo" / "hello.out").write_text("recorded <port>\n")
    provenance.write(project / "snippets" / "demo" / "hello.out", MADE)
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text("repo_url: https://github.com/someone/a-talk\n" + mkdocs.read_text())
    page = project / "docs" / "only-layer.md"
    page.write_text(page.read_text() + '\n\n{{ snippet("demo/hello.py", "greet") }}\n')
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the talk"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    site = build_site(project.parent / "site", project=project)
    return site.root, commit


def test_a_snippet_links_to_its_file_on_the_repository_at_the_commit_built(
    checkout_site: tuple[Path, str],
) -> None:
    site, commit = checkout_site
    page = (site / "only-layer" / "index.html").read_text(encoding="utf-8")
    url = f"https://github.com/someone/a-talk/blob/{commit}/snippets/demo/hello.py"
    assert f'<a href="{url}">see it on the repository at {commit[:7]}</a>' in page
    assert "git clone https://github.com/someone/a-talk" in page
    assert (site / "snippets" / "demo" / "hello.py").read_text() == SNIPPET
    assert "lines 5\u20136 of snippets/demo/hello.py" in page


def test_a_linked_file_that_leads_out_of_the_project_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "talk"
    (project / "snippets").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("not the talk's")
    (project / "snippets" / "leak.py").symlink_to(secret)
    with pytest.raises(ContentError, match=r"^snippets/leak\.py:1: links outside the project"):
        copy_snippet_files(
            {"snippets/leak.py": project / "snippets" / "leak.py"},
            site_dir=tmp_path / "site",
            folders=[project, project / "snippets"],
            relative=lambda path: path.relative_to(project).as_posix(),
        )
    assert not (tmp_path / "site").exists()


# --- On a phone --------------------------------------------------------------------------------

#: Each diagram text's rendered size in CSS px, and whether its figure can scroll to it.
_DIAGRAM_TEXT = """() => [...document.querySelectorAll(".md-content svg[role=img] text")]
  .filter((text) => text.textContent.trim())
  .map((text) => {
    const size = parseFloat(getComputedStyle(text).fontSize) * text.closest("svg").getScreenCTM().a;
    const scroller = text.closest(".ts-figure-scroll");
    return [text.textContent.slice(0, 30), size, scroller !== null
      && (scroller.scrollWidth <= scroller.clientWidth
          || getComputedStyle(scroller).overflowX === "auto")];
  })"""


@pytest.mark.browser
def test_every_diagram_on_the_pages_is_legible_on_a_phone(
    browser: Browser, built_site: BuiltSite, site_url: str
) -> None:
    pages = [path for path, html in _pages(built_site).items() if "ts-figure-scroll" in html]
    assert pages
    page = browser.new_page(viewport=PHONE)
    measured = 0
    for path in pages:
        goto(page, site_url + path, wait_until="load")
        texts = page.evaluate(_DIAGRAM_TEXT)
        small = [(path, text, round(px, 1)) for text, px, _ in texts if px < MIN_TEXT_PX - 0.05]
        assert small == []
        assert all(reachable for _, _, reachable in texts), path
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        measured += len(texts)
    assert measured > 50


#: Code blocks wider than their box: whether each scrolls, and shows the shadow cue.
_WIDE_CODE = """() => [...document.querySelectorAll(".md-content pre > code")]
  .filter((code) => code.scrollWidth > code.clientWidth + 1)
  .map((code) => {
    const style = getComputedStyle(code);
    return [["auto", "scroll"].includes(style.overflowX), style.backgroundAttachment];
  })"""


@pytest.mark.browser
def test_wide_code_on_a_phone_scrolls_with_a_visible_cue(
    browser: Browser, site_url: str, this_talk: Talk
) -> None:
    page = browser.new_page(viewport=PHONE)
    goto(page, f"{site_url}{this_talk.layers[1].slug}/", wait_until="load")
    wide = page.evaluate(_WIDE_CODE)
    assert len(wide) > 3
    for scrolls, attachment in wide:
        assert scrolls
        assert attachment.startswith("local, local, scroll, scroll"), attachment


#: On the deck's current slide: each text's rendered size in CSS px (hidden steps left out).
_SLIDE_TEXT = """() => {
  const scale = Reveal.getScale();
  const section = Reveal.getCurrentSlide();
  return [...section.querySelectorAll("h1, h2, h3, p, li, td, th, code, .filename, figcaption, text")]
    .filter((element) => element.textContent.trim() && element.getClientRects().length)
    .filter((element) => !element.closest(".qr"))
    .map((element) => {
      const size = parseFloat(getComputedStyle(element).fontSize);
      const svg = element.closest("svg");
      return [element.textContent.trim().slice(0, 30),
              svg ? size * svg.getScreenCTM().a : size * scale];
    });
}"""


@pytest.mark.browser
def test_the_deck_in_portrait_shows_one_legible_slide_and_leads_to_it_as_text(
    browser: Browser, site_url: str
) -> None:
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    goto(page, f"{site_url}slides/", wait_until="load")
    wait_until(page, "window.Reveal && Reveal.isReady()")
    assert not page.evaluate("Reveal.isScrollView()")  # one slide at a time
    total = page.evaluate("Reveal.getTotalSlides()")
    small = []
    for index in range(total):
        page.evaluate("index => Reveal.slide(index)", index)
        shown = page.evaluate(
            "[...document.querySelectorAll('.reveal .slides > section')]"
            ".filter((s) => s.checkVisibility({opacityProperty: true, visibilityProperty: true}))"
            ".length"
        )
        assert shown == 1
        number = page.evaluate("Reveal.getCurrentSlide().getAttribute('data-slide')")
        small += [(number, text, round(px, 1)) for text, px in page.evaluate(_SLIDE_TEXT)]
        link = page.locator(".deck-as-text")
        assert link.is_visible()
        assert link.get_attribute("href") == f"../slides-text/index.html#slide-{number}"
    assert [entry for entry in small if entry[2] < MIN_TEXT_PX - 0.05] == []
    # Wide code scrolls inside its block.
    page.evaluate(
        "Reveal.slide([...document.querySelectorAll('.reveal .slides > section')]"
        ".findIndex((s) => s.querySelector('.highlight pre')))"
    )
    overflow = page.evaluate(
        "getComputedStyle(Reveal.getCurrentSlide().querySelector('.highlight pre')).overflowX"
    )
    assert overflow == "auto"
    # The link leads to the same slide as text.
    number = page.evaluate("Reveal.getCurrentSlide().getAttribute('data-slide')")
    page.locator(".deck-as-text").click()
    page.wait_for_url(f"**/slides-text/index.html#slide-{number}")
    assert page.locator(f"#slide-{number}").count() == 1


def test_a_linked_file_where_the_docs_have_a_file_of_their_own_is_refused(tmp_path: Path) -> None:
    snippet = tmp_path / "snippets" / "a.py"
    snippet.parent.mkdir()
    snippet.write_text("print(1)\n")
    with pytest.raises(
        ContentError, match=r"^snippets/a\.py:1: the docs have a file at snippets/a"
    ):
        copy_snippet_files(
            {"snippets/a.py": snippet},
            site_dir=tmp_path / "site",
            folders=[tmp_path],
            relative=lambda path: path.relative_to(tmp_path).as_posix(),
            taken={"snippets/a.py"}.__contains__,
        )


@pytest.mark.browser
def test_the_search_index_is_fetched_on_first_use_of_search(
    browser: Browser, site_url: str
) -> None:
    page = browser.new_page(viewport=PHONE)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    goto(page, site_url, wait_until="networkidle")
    page.wait_for_timeout(500)
    assert not [url for url in asked if "search_index" in url]
    with page.expect_request("**/search/search_index.json"):
        page.keyboard.press("/")  # Material's shortcut to the search box
    page.keyboard.type("lock")
    page.locator(".md-search-result__item").first.wait_for()
