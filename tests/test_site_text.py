"""talk.yml's text in Markdown: whatever it holds, the page shows it as written."""

from __future__ import annotations

import html
import re

import markdown
import pytest

from talksite.site.text import MarkdownView, inline, paragraphs
from talksite.talk import Layer

# The site's own Markdown set-up (mkdocs.yml), where syntax could hide.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "toc", "def_list", "pymdownx.superfences"]
WRITTEN = [
    "Locks & <tables>",
    "C++ {{ templates }} and {% raw %}",
    "*args, **kwargs and __init__",
    "[a link](javascript:alert(1))",
    'Title {: onclick="alert(1)" }',
    "<script>alert(1)</script>",
    "1986. A year",
    "- not a list",
    "---",
    "# not a heading",
    '--8<-- "/etc/passwd"',
    "`code` ~~struck~~ ==marked== ^^inserted^^ $x$ @mention",
    "Tim's talk: https://example.org/a_b?c=1&d=2",
]


def shown(source: str) -> str:
    """The text a reader sees of ``source`` rendered as a paragraph."""
    rendered = markdown.markdown(source, extensions=EXTENSIONS)
    assert re.fullmatch(r"<p>[^<>]*</p>", rendered), rendered  # no element but the paragraph
    return html.unescape(rendered.removeprefix("<p>").removesuffix("</p>"))


@pytest.mark.parametrize("text", WRITTEN)
def test_inline_text_reads_as_written(text: str) -> None:
    assert shown(inline(text)) == text


def test_paragraphs_and_lists_keep_their_shape_and_nothing_else() -> None:
    rendered = markdown.markdown(
        paragraphs("First <b>one</b>\nwraps.\n\n* an *item*\n  wraps\n- [x](javascript:y)\n"),
        extensions=EXTENSIONS,
    )
    assert rendered == (
        "<p>First &lt;b&gt;one&lt;/b&gt; wraps.</p>\n<ul>\n<li>an &#42;item&#42; wraps</li>\n"
        "<li>&#91;x&#93;&#40;javascript:y&#41;</li>\n</ul>"
    )


def test_pages_see_the_talk_escaped() -> None:
    layer = MarkdownView(Layer(slug="a", title="A <b>", summary="{{ x }}", outline=("*y*",)))
    assert layer.slug == "a"
    assert shown(layer.title) == "A <b>"
    assert shown(layer.label) == "A <b>"
    assert shown(layer.summary) == "{{ x }}"
    assert [shown(item) for item in layer.outline] == ["*y*"]
