"""The slide deck: parsing, rendering through the site's pipeline, the built deck, and Chromium.

Browser tests drive Debian's Chromium (its headless shell where installed) with Playwright through the
``browser`` fixture (conftest.py); outside CI they skip when it is missing, under ``CI=true``
they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import markdown
import pytest
from browser_support import REPO, BuiltSite, goto, wait_until
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from talksite import deck
from talksite.errors import SetupError
from talksite.snippets import sections

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from playwright.sync_api import Browser
    from playwright.sync_api import Page as BrowserPage

SLIDES_MD = REPO / "talk" / "slides.md"
FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
#: The talk's slides (the issue asks for about 25 to 40); update when slides.md changes.
EXPECTED_SLIDES = 43
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$', re.MULTILINE)


# --- A small DOM, enough to read the built HTML without third-party parsers -------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str, cls: str | None = None) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag and (cls is None or cls in child.classes()):
                    yield child
                yield from child.find_all(tag, cls)


class _TreeBuilder(HTMLParser):
    VOID: ClassVar[set[str]] = {
        "area",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --- The built site ------------------------------------------------------------------------------


def deck_sections(site: BuiltSite) -> list[Element]:
    """The built deck's slides: the ``<section>`` elements, in order."""
    page = parse_html(site.deck_html.read_text(encoding="utf-8"))
    slides = next(page.find_all("div", "slides"))
    return [c for c in slides.children if isinstance(c, Element) and c.tag == "section"]


@pytest.fixture(scope="session")
def slides() -> list[deck.Slide]:
    return deck.load_slides(SLIDES_MD, source="talk/slides.md")


def included_text(path: str, section: str | None) -> str:
    """What a ``--8<--`` include of a snippet file shows: the named section (markers out,
    dedented, as mkdocs.yml's ``dedent_subsections`` has it), or the whole file (on the
    slides, only recorded outputs are included whole)."""
    file = REPO / "snippets" / path
    if section is None:
        return file.read_text(encoding="utf-8").strip("\n")
    found, problems = sections(file)
    assert problems == [], problems
    assert section in found, f"{path} has no section {section!r}"
    return found[section].strip("\n")


# --- Parsing -------------------------------------------------------------------------------------


def test_separators_notes_and_attributes_are_parsed() -> None:
    source = textwrap.dedent(
        """\
        {: #intro .title page="index.md" }
        # Hello

        ???
        Say hello.
        ---
        ## Code

        ```python
        ---
        ???
        ```
        """
    )
    first, second = deck.parse_slides(source, source="s.md")
    assert (first.id, first.classes, first.page, first.title) == (
        "intro",
        ("title",),
        "index.md",
        "Hello",
    )
    assert first.notes == "Say hello."
    assert first.anchor == "intro"
    assert (second.number, second.line, second.title, second.notes) == (
        2,
        7,
        "Code",
        "",
    )
    assert "---\n???" in second.body, "separators inside a fenced block are code"
    assert second.anchor == "1"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "## A\n---\n---\n## C\n",
            "s.md:3: slide 2 is empty;"
            " expected content between the two separators (two `---` in a row?)",
        ),
        (
            "## A\n---\nno heading\n",
            "s.md:3: slide 2 has no title; expected a heading such as '## Title' to start it",
        ),
        (
            "{: #a }\n## A\n---\n{: #a }\n## B\n",
            "s.md:4: slide 2 ('B'): id #a is already used by slide 1; expected an id of its own",
        ),
        (
            "{: #a data=1 }\n## A\n",
            "s.md:1: slide 1: unknown slide attribute 'data=1';"
            ' expected #id, .class or page="path/to/page.md"',
        ),
    ],
)
def test_malformed_decks_fail_naming_file_line_and_slide(source: str, message: str) -> None:
    with pytest.raises(deck.DeckError) as caught:
        deck.parse_slides(source, source="s.md")
    assert str(caught.value) == message


# --- Rendering -----------------------------------------------------------------------------------


def _render(tmp_path: Path, body: str) -> list[deck.RenderedSlide]:
    (tmp_path / "layer").mkdir(parents=True)
    (tmp_path / "layer" / "demo.py").write_text(
        "print('setup')\n# --8<-- [start:shown]\nprint('shown')\n# --8<-- [end:shown]\n"
    )
    setup = deck.MarkdownSetup(
        extensions=["fenced_code", "pymdownx.highlight", "pymdownx.snippets"],
        configs={"pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": True}},
    )
    return deck.render_slides(
        deck.parse_slides(body, source="talk/slides.md"),
        setup=setup,
        site_url="https://example.org/talk/",
        source="talk/slides.md",
        page_url={"layer/index.md": "layer/", "index.md": ""}.get,
    )


def test_a_slide_includes_a_snippet_section(tmp_path: Path) -> None:
    (rendered,) = _render(tmp_path, '## Demo\n\n```python\n--8<-- "layer/demo.py:shown"\n```\n')
    assert "shown" in rendered.html and "setup" not in rendered.html


@pytest.mark.parametrize("include", ["layer/demo.py:missing", "layer/absent.py:shown"])
def test_a_missing_snippet_or_section_fails_naming_the_slide(tmp_path: Path, include: str) -> None:
    body = f'## Intro\n---\n## Demo\n\n```python\n--8<-- "{include}"\n```\n'
    with pytest.raises(deck.DeckError, match=r"^talk/slides\.md:3: slide 2 \('Demo'\): Snippet"):
        _render(tmp_path, body)


def test_page_links_point_at_built_pages_and_unknown_pages_fail(tmp_path: Path) -> None:
    (rendered,) = _render(tmp_path, "## Links\n\n[layer](layer/index.md#x) [home](index.md)\n")
    assert 'href="../layer/#x"' in rendered.html and 'href="../"' in rendered.html
    with pytest.raises(
        deck.DeckError,
        match=r"^talk/slides\.md:1: slide 1 \('Gone'\): links to gone\.md, which is not a page;"
        r" expected a page of the site$",
    ):
        _render(tmp_path / "again", "## Gone\n\n[gone](gone.md)\n")


def test_placeholders_give_the_site_url_and_its_qr_code(tmp_path: Path) -> None:
    (rendered,) = _render(tmp_path, "## End\n\n{{ qr_code }}\n\n{{ site_url }}\n")
    assert deck.qr_svg("https://example.org/talk/") in rendered.html
    assert "<p>https://example.org/talk/</p>" in rendered.html
    with pytest.raises(deck.DeckError, match=r"unknown placeholder '\{\{ qr \}\}'"):
        _render(tmp_path / "again", "## End\n\n{{ qr }}\n")


# --- The plugin's deck hooks, called directly on the fixture talk -----------------------------


def _project(tmp_path: Path, slides_md: str | None) -> Path:
    """A copy of the minimal fixture talk with these slides (or none)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    slides_file = project / "talk" / "slides.md"
    if slides_md is None:
        slides_file.unlink()
    else:
        slides_file.write_text(slides_md)
    return project.resolve()


def _configured(project: Path) -> MkDocsConfig:
    config = load_config(str(project / "mkdocs.yml"))
    return config.plugins.on_config(config)


def _logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]


def test_on_config_requires_the_deck_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = _project(tmp_path, None)
    with pytest.raises(PluginError, match=r"^talksite: 1 problem in the talk's files"):
        _configured(project)
    assert _logged(caplog) == [
        "talk/slides.md:1: the deck's source is missing;"
        f" expected the file {project / 'talk' / 'slides.md'}"
    ]


def test_a_slide_naming_a_missing_page_fails_the_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = _project(tmp_path, '## Title\n---\n{: page="nope.md" }\n## A\n')
    with pytest.raises(PluginError, match=r"^talksite: 1 problem in the talk's files"):
        _configured(project)
    assert _logged(caplog) == [
        "talk/slides.md:3: slide 2 ('A'): page='nope.md' is not a page; expected a file in docs/"
    ]


def test_hooks_add_the_text_page_and_link_the_named_page(tmp_path: Path) -> None:
    config = _configured(_project(tmp_path, '{: #hi page="index.md" }\n# Hi\n???\nSay hi.\n'))
    plugin = config.plugins["talksite"]
    files = plugin.on_files(get_files(config), config=config)
    text_page = files.get_file_from_path(deck.TEXT_PAGE)
    assert text_page is not None and text_page.url == "slides-text/"
    assert "## 1. Hi { #slide-1 }" in text_page.content_string
    assert "Say hi." in text_page.content_string
    home = Page(None, files.get_file_from_path("index.md"), config)
    linked = plugin.on_page_markdown("# Home\n", page=home, config=config, files=files)
    assert '<a href="slides/index.html#/hi">Hi</a> ([as text](slides-text.md#slide-1))' in linked
    # Only a build that prints the PDF links it.
    assert "as a PDF" not in linked and "as a PDF" not in text_page.content_string


def test_reveal_js_must_be_installed_as_pinned(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"reveal.js": "6.0.1"}}')
    with pytest.raises(SetupError, match=r"reveal\.js is not installed: run `npm ci` in "):
        deck.reveal_dist(tmp_path)
    installed = tmp_path / "node_modules" / "reveal.js"
    installed.mkdir(parents=True)
    (installed / "package.json").write_text('{"version": "6.0.2"}')
    with pytest.raises(SetupError, match=r"6\.0\.2 is installed but package\.json pins 6\.0\.1"):
        deck.reveal_dist(tmp_path)


# --- The talk's deck, as built -------------------------------------------------------------------


def test_the_deck_has_the_expected_number_of_slides(
    built_site: BuiltSite, slides: list[deck.Slide]
) -> None:
    assert len(slides) == EXPECTED_SLIDES
    assert [s.attrs.get("data-slide") for s in deck_sections(built_site)] == [
        str(n) for n in range(1, EXPECTED_SLIDES + 1)
    ]


def test_each_code_slide_shows_the_snippet_section(
    built_site: BuiltSite, slides: list[deck.Slide]
) -> None:
    shown = deck_sections(built_site)
    checked = 0
    for slide in slides:
        includes = list(INCLUDE.finditer(slide.body))
        blocks = list(shown[slide.number - 1].find_all("div", "highlight"))
        assert len(blocks) == len(includes), f"slide {slide.number}: one code block per include"
        for include, block in zip(includes, blocks):
            code = next(block.find_all("code")).text().strip("\n")
            want = included_text(include.group("path"), include.group("section"))
            assert code == want, f"slide {slide.number}: {include.group(0).strip()}"
            checked += 1
    assert checked >= 1, "the deck should show verified code"


def test_title_and_closing_slides_carry_the_site_url_and_its_qr_code(
    built_site: BuiltSite,
) -> None:
    site_url = load_config(str(REPO / "mkdocs.yml")).site_url
    shown = deck_sections(built_site)
    for section in (shown[0], shown[-1]):
        assert "qr" in {c for div in section.find_all("div", "qr") for c in div.classes()}
        assert site_url in section.text()
    assert deck.qr_svg(site_url) in built_site.deck_html.read_text(encoding="utf-8")


def test_the_deck_is_self_contained(built_site: BuiltSite) -> None:
    page = parse_html(built_site.deck_html.read_text(encoding="utf-8"))
    loaded = [e.attrs["src"] for e in page.find_all("script") if "src" in e.attrs]
    loaded += [e.attrs["href"] for e in page.find_all("link") if e.attrs.get("rel") == "stylesheet"]
    assert loaded and all("//" not in url for url in loaded), loaded
    copied = sorted(
        p.relative_to(built_site.root / "slides/reveal").as_posix()
        for p in (built_site.root / "slides/reveal").rglob("*")
        if p.is_file()
    )
    assert copied == sorted(deck.REVEAL_FILES)
    text = built_site.deck_html.read_text(encoding="utf-8")
    assert "hljs" not in text and "RevealHighlight" not in text and "RevealMath" not in text


def test_the_text_version_has_every_title_content_and_note(
    built_site: BuiltSite, slides: list[deck.Slide]
) -> None:
    page = parse_html((built_site.root / "slides-text" / "index.html").read_text(encoding="utf-8"))
    article = next(page.find_all("article"))
    text = " ".join(article.text().split())
    headings = [" ".join(h.text().split()) for h in article.find_all("h2")]
    assert [h.rstrip("¶") for h in headings] == [
        f"{s.number}. {s.title.replace('`', '')}" for s in slides
    ]
    for slide in slides:
        first_note = parse_html(markdown.markdown(slide.notes)).text().split("\n")[0]
        assert " ".join(first_note.split()) in text, f"slide {slide.number}'s notes"


# --- In Chromium ---------------------------------------------------------------------------------


@pytest.fixture(params=["http", "file"])
def deck_url(request: pytest.FixtureRequest, built_site: BuiltSite) -> str:
    """The built deck's address, over http://127.0.0.1 and from file://."""
    if request.param == "file":
        return built_site.deck_html.as_uri()
    site_url = request.getfixturevalue("site_url")
    return f"{site_url}{deck.DECK_DIR}/index.html"


def open_deck(browser: Browser, url: str) -> BrowserPage:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    goto(page, url)
    wait_until(page, "window.Reveal && Reveal.isReady()")
    assert errors == []
    return page


def notes_text(built_site: BuiltSite, number: int) -> str:
    aside = next(deck_sections(built_site)[number - 1].find_all("aside", "notes"))
    return " ".join(aside.text().split())


@pytest.mark.browser
def test_keys_move_through_the_deck_and_change_the_hash(
    browser: Browser, deck_url: str, slides: list[deck.Slide]
) -> None:
    page = open_deck(browser, deck_url)
    hashes = [f"#/{slide.anchor}" for slide in slides]
    for key, index in [
        ("ArrowRight", 1),
        ("PageDown", 2),
        ("PageUp", 1),
        ("ArrowLeft", 0),
    ]:
        page.keyboard.press(key)
        wait_until(page, "want => location.hash === want", arg=hashes[index])
    page.keyboard.press("o")
    assert page.evaluate("Reveal.isOverview()")
    page.keyboard.press("Escape")
    assert not page.evaluate("Reveal.isOverview()")
    page.close()


@pytest.mark.browser
def test_the_speaker_view_shows_the_current_slides_notes(
    browser: Browser, deck_url: str, built_site: BuiltSite, slides: list[deck.Slide]
) -> None:
    page = open_deck(browser, f"{deck_url}#/{slides[2].anchor}")
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    value = speaker.locator(".speaker-controls-notes .value")
    want = notes_text(built_site, 3)
    wait_until(
        speaker,
        "want => (document.querySelector('.speaker-controls-notes .value') || {}).textContent"
        " && document.querySelector('.speaker-controls-notes .value').textContent"
        ".replace(/\\s+/g, ' ').trim() === want",
        arg=want,
        timeout=10_000,
    )
    assert " ".join(value.inner_text().split()) == want
    assert speaker.locator("#upcoming-slide iframe").count() == 1  # the next-slide preview
    assert speaker.locator(".speaker-controls-time").is_visible()  # the timer
    page.close()


def print_pdf(
    deck_html: Path, pdf: Path, *, chromium: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """As `make slides-pdf` prints it: in a process of its own (one Playwright per process)."""
    env = dict(os.environ)
    if chromium is not None:
        env["TALKSITE_CHROMIUM"] = str(chromium)
    return subprocess.run(
        [sys.executable, "-m", "talksite.deck.pdf", str(deck_html), str(pdf)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.mark.browser
def test_print_pdf_gives_one_page_per_slide(
    browser: Browser, built_site: BuiltSite, tmp_path: Path
) -> None:
    page = open_deck(browser, built_site.deck_html.as_uri() + "?print-pdf")
    assert page.locator(".pdf-page").count() == EXPECTED_SLIDES
    page.close()
    pdf = tmp_path / "slides.pdf"
    printed = print_pdf(built_site.deck_html, pdf)
    assert printed.returncode == 0, printed.stderr
    assert f"({EXPECTED_SLIDES} pages)" in printed.stdout
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes())) == EXPECTED_SLIDES


def test_print_pdf_with_a_chromium_that_is_not_there_says_so_in_one_line(
    built_site: BuiltSite, tmp_path: Path
) -> None:
    pdf = tmp_path / "slides.pdf"
    missing = tmp_path / "no-chromium"
    printed = print_pdf(built_site.deck_html, pdf, chromium=missing)
    assert printed.returncode == 1
    assert printed.stderr == (
        f"talksite: cannot start Chromium to print the PDF: {missing}: No such file or"
        " directory (set TALKSITE_CHROMIUM to the path of a Chromium)\n"
    )
    assert not pdf.exists()
