"""Hostile input to a talk's build: text from talk.yml is shown as text, never markup or a
template; nothing outside the project is published; every refusal is one line.

Each test takes a copy of a talk made by ``talksite new`` and built once (the fixtures of
``test_content_errors``), changes it as an attacker or a careless contributor would, and
builds it again.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from command_support import run_talksite
from test_content_errors import (  # the fixtures are used by name
    assert_failed_cleanly,
    problems,
    talk,  # noqa: F401
)

SCRIPT = "<script>alert('title')</script>"
TITLE = f"{SCRIPT} & {{{{ 7*7 }}}} A<B"
SPEAKER = "Eve <img src=x onerror=alert('speaker')> & {{ 6*6 }}"
LAYER = "Layer <b>bold</b> & {{ 5*5 }} *not emphasis*"
SUMMARY = "[a link](javascript:alert('summary')){: onclick=\"alert('attr')\" }"
CHAPTER = "{{ lipsum.__globals__.os.popen('id').read() }}"
SECOND_CHAPTER = "Start <i>here</i> & {% raw %}"


def set_talk_value(folder: Path, old: str, new: str) -> int:
    """Replace the line ``old`` of the talk's talk.yml; returns its line number."""
    path = folder / "talk/talk.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.rstrip("\n") == old]
    lines[index] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return index + 1


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Elements(HTMLParser):
    """Every element of a page, with its attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: Path) -> _Elements:
    elements = _Elements()
    elements.feed(page.read_text(encoding="utf-8"))
    return elements


@pytest.fixture
def hostile(talk: Path) -> Path:  # noqa: F811
    """The talk with a hostile title, speaker, layer and video chapters, built."""
    set_talk_value(talk, "title: The title of your talk", f"title: {quoted(TITLE)}")
    set_talk_value(talk, "  name: Your Name", f"  name: {quoted(SPEAKER)}")
    set_talk_value(talk, "    title: The first layer", f"    title: {quoted(LAYER)}")
    set_talk_value(
        talk,
        "    summary: One line on what goes wrong at this layer, shown on the home page's card.",
        f"    summary: {quoted(SUMMARY)}",
    )
    set_talk_value(
        talk,
        "talk_page: https://example.org/your-talk/",
        "talk_page: https://example.org/your-talk/\n"
        "video:\n  provider: youtube\n  id: abcdefghijk\n  chapters:\n"
        f'    - at: "0:00"\n      title: {quoted(SECOND_CHAPTER)}\n'
        f'    - at: "1:00"\n      title: {quoted(CHAPTER)}\n      slide: first-layer',
    )
    result = run_talksite("build", cwd=talk)
    assert result.returncode == 0, result.stderr
    return talk


def test_talk_text_is_shown_as_text_on_every_page(hostile: Path) -> None:
    site = hostile / "site"
    pages = [site / "index.html", site / "first-layer/index.html", site / "slides/index.html"]
    pages.append(site / "slides-text/index.html")
    for page in pages:
        elements = parsed(page)
        # No element and no attribute came from talk.yml's text...
        scripts = [attrs for tag, attrs in elements.elements if tag == "script"]
        assert all("alert" not in (attrs.get("src") or "") for attrs in scripts)
        assert not [tag for tag, _ in elements.elements if tag in ("b", "i")]
        # The one image is the speaker's photo (talk.yml's speaker.photo), named as text.
        images = [a.get("src") or "" for tag, a in elements.elements if tag == "img"]
        assert all(src.endswith("speaker.svg") for src in images), images
        assert not [a for _, a in elements.elements if any(k.startswith("on") for k in a)]
        assert not [a for _, a in elements.elements if "javascript:" in (a.get("href") or "")]
        raw = page.read_text(encoding="utf-8")
        assert SCRIPT not in raw, page
        assert "uid=" not in raw, page
    home = parsed(site / "index.html")
    text = html.unescape(" ".join(home.text))
    # ...and all of it reads as written, templates included.
    for written in (TITLE, SPEAKER, LAYER, SUMMARY, SECOND_CHAPTER):
        assert " ".join(written.split()) in " ".join(text.split()), written
    head = dict(
        (attrs.get("name") or attrs.get("property"), attrs.get("content"))
        for tag, attrs in home.elements
        if tag == "meta"
    )
    assert head["author"] == SPEAKER
    assert head["og:site_name"] == TITLE
    title = re.search(r"<title>(.*?)</title>", (site / "index.html").read_text()).group(1)
    assert html.unescape(title) == TITLE
    layer_page = html.unescape(" ".join(parsed(site / "first-layer/index.html").text))
    assert CHAPTER in layer_page  # the chapter's title, not what running it would print


def test_a_page_including_a_link_to_etc_shadow_is_refused(talk: Path) -> None:  # noqa: F811
    (talk / "snippets/first-layer/shadow.txt").symlink_to("/etc/shadow")
    page = talk / "docs/first-layer.md"
    page.write_text(page.read_text() + '\n```text\n--8<-- "first-layer/shadow.txt"\n```\n')
    line = page.read_text().count("\n") - 1
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert problems(result) == [
        (
            "docs/first-layer.md",
            line,
            "snippets/first-layer/shadow.txt links outside the project (-> /etc/shadow);"
            " expected a file inside the project, not a link out of it",
        )
    ]


def test_a_slide_including_through_a_link_to_etc_is_refused(talk: Path) -> None:  # noqa: F811
    (talk / "snippets/etc").symlink_to("/etc")
    slides = talk / "talk/slides.md"
    text = slides.read_text()
    slides.write_text(
        text.replace("???\nCode on a slide", '--8<-- "etc/hostname"\n\n???\nCode on a slide')
    )
    line = slides.read_text().splitlines().index('--8<-- "etc/hostname"') + 1
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert problems(result) == [
        (
            "talk/slides.md",
            line,
            "slide 2 ('The first layer'): snippets/etc links outside the project (-> /etc);"
            " expected a file inside the project, not a link out of it",
        )
    ]


def test_a_file_in_docs_linking_out_of_the_project_is_refused(talk: Path) -> None:  # noqa: F811
    (talk / "docs/leak.txt").symlink_to("/etc/shadow")
    (talk / "docs/etc").symlink_to("/etc")
    # A link that stays inside the project is the project's own file, and a folder linked
    # from inside is read as MkDocs reads it, through the link (a loop, once).
    (talk / "docs/ask.py").symlink_to(talk / "snippets/first-layer/ask.py")
    (talk / "docs/inner").symlink_to("../snippets/first-layer")
    (talk / "docs/loop").symlink_to(".")
    (talk / "snippets/first-layer/shadow.txt").symlink_to("/etc/shadow")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    expected = "expected a file inside the project, not a link out of it"
    assert problems(result) == [
        ("docs/etc", 1, f"links outside the project (-> {os.path.realpath('/etc')}); {expected}"),
        ("docs/inner/shadow.txt", 1, f"links outside the project (-> /etc/shadow); {expected}"),
        ("docs/leak.txt", 1, f"links outside the project (-> /etc/shadow); {expected}"),
    ]


def test_an_include_climbing_out_of_the_snippets_folder_is_one_line(talk: Path) -> None:  # noqa: F811
    page = talk / "docs/first-layer.md"
    page.write_text(page.read_text() + '\n--8<-- "../../../../etc/passwd"\n')
    line = page.read_text().count("\n")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert "SnippetMissingError" not in result.stderr
    assert problems(result) == [
        (
            "docs/first-layer.md",
            line,
            "../../../../etc/passwd is outside snippets/; expected a path inside snippets/",
        )
    ]


def test_a_page_including_etc_passwd_as_a_template_is_one_line(talk: Path) -> None:  # noqa: F811
    page = talk / "docs/first-layer.md"
    # Front matter: the line named is the file's, not the template's.
    page.write_text(
        "---\ndescription: A page\n---\n" + page.read_text() + "{% include '/etc/passwd' %}\n"
    )
    line = page.read_text().count("\n")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert result.returncode == 1
    assert problems(result) == [
        (
            "docs/first-layer.md",
            line,
            "no template '/etc/passwd' in the docs folder; expected the path of a file inside it",
        )
    ]


@pytest.mark.parametrize(
    ("content", "line", "what"),
    [
        (
            "title: " + "[" * 100_000 + "]" * 100_000 + "\n",
            1,
            "(file): expected at most 20 levels of mappings and lists, found more",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{n}: &a{n} [{', '.join(['*a'] * 10)}]\n" for n in range(3000)),
            1,
            "(file): expected every value written out (no anchors or aliases), found the anchor &a",
        ),
        (os.urandom(4096).replace(b"\n", b"\xff") + b"\xff", 1, "(file): expected UTF-8 text"),
        (b"title: Caf\xe9\n", 1, "(file): expected UTF-8 text, found the byte 0xe9"),
        (None, 1, "(file): expected a talk file, found a folder"),
    ],
    ids=["nested-100000-deep", "aliases", "random-bytes", "latin-1", "a-folder"],
)
def test_a_hostile_talk_yml_is_one_line(
    talk: Path,  # noqa: F811
    content: str | bytes | None,
    line: int,
    what: str,
) -> None:
    talk_file = talk / "talk/talk.yml"
    if content is None:
        talk_file.unlink()
        talk_file.mkdir()
    elif isinstance(content, bytes):
        talk_file.write_bytes(content)
    else:
        talk_file.write_text(content, encoding="utf-8")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    ((source, at, said),) = problems(result)
    assert (source, at) == ("talk/talk.yml", line)
    assert said.startswith(what)


def test_a_1_mb_title_is_one_line(talk: Path) -> None:  # noqa: F811
    line = set_talk_value(talk, "title: The title of your talk", f"title: {'x' * 1_000_000}")
    result = run_talksite("build", cwd=talk)
    assert_failed_cleanly(result, talk)
    assert problems(result) == [
        (
            "talk/talk.yml",
            line,
            "title: expected text of at most 20000 characters, found 1000000 characters",
        )
    ]


@pytest.mark.parametrize("kind", ["binary", "unreadable"])
def test_talksite_run_on_a_binary_or_unreadable_file_is_one_line(
    talk: Path,  # noqa: F811
    kind: str,
) -> None:
    snippet = talk / "snippets/first-layer/bad.py"
    if kind == "binary":
        snippet.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
        said = "snippets/first-layer/bad.py:1: is not UTF-8 text (the byte 0x89); expected a script"
    else:
        # Root reads any file; this one refuses reads even to root.
        snippet.symlink_to("/proc/sys/vm/drop_caches")
        said = (
            "snippets/first-layer/bad.py:1: cannot be read (Permission denied);"
            " expected a readable file"
        )
    result = run_talksite("run", "snippets/first-layer/bad.py", cwd=talk)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"talksite: {said}"]
