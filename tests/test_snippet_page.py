"""The snippet() macro on a real page: code, recorded output and how to run it; errors fail."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from browser_support import REPO, build, build_site

from talksite.errors import MacroError
from talksite.site.snippet_macro import render_snippet
from talksite.snippets import Provenance, provenance

FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
MADE = Provenance(
    (("postgresql", "18.1"), ("psycopg", "3.2.13"), ("django", "5.2.9"), ("python", "3.11.2")),
    date(2030, 6, 14),
)

SNIPPET = '''\
"""A demo snippet."""

print("before")
# --8<-- [start:greet]
def greet():
    print("hello")  # indented in the file, dedented on the page
# --8<-- [end:greet]
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal fixture talk, with one snippet (its mkdocs.yml reads snippets/)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "snippets" / "demo").mkdir(parents=True)
    (project / "snippets" / "demo" / "hello.py").write_text(SNIPPET)
    (project / "snippets" / "demo" / "hello.out").write_text("recorded <port>\n")
    provenance.write(project / "snippets" / "demo" / "hello.out", MADE)
    return project


def show(project: Path, call: str) -> int:
    """Add the call to the layer's page; returns the line it is on."""
    page = project / "docs" / "only-layer.md"
    text = page.read_text() + "\n\n"
    page.write_text(f"{text}{call}\n")
    return text.count("\n") + 1


def test_the_page_shows_the_section_its_output_and_the_command(
    project: Path, tmp_path: Path
) -> None:
    show(project, '{{ snippet("demo/hello.py", "greet") }}')
    site = build_site(tmp_path / "site", project=project)
    page = (site.root / "only-layer" / "index.html").read_text()
    assert "snippets/demo/hello.py" in page
    assert "hello" in page and "indented in the file" in page
    assert "before" not in page  # only the section
    assert "--8&lt;--" not in page and "[start:greet]" not in page  # no markers
    assert "recorded &lt;port&gt;" in page  # the .out, as recorded
    assert ".venv/bin/talksite run snippets/demo/hello.py" in re.sub(r"<[^>]+>", "", page)
    # What printed the output, in small print under it.
    small_print = (
        '<p class="snippet-provenance">Recorded on 2030-06-14 with PostgreSQL 18.1,'
        " psycopg 3.2.13, Django 5.2.9 and Python 3.11.2.</p>"
    )
    assert page.index("recorded &lt;port&gt;") < page.index(small_print)


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (
            '{{ snippet("demo/absent.py", "greet") }}',
            "snippets/demo/absent.py does not exist; expected a file there",
        ),
        (
            '{{ snippet("demo/hello.py", "absent") }}',
            "snippets/demo/hello.py has no section 'absent'; expected one of: greet",
        ),
    ],
    ids=["missing file", "missing section"],
)
def test_a_missing_snippet_or_section_fails_the_build(
    project: Path, tmp_path: Path, call: str, problem: str
) -> None:
    line = show(project, call)
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert f"docs/only-layer.md:{line}: {problem}" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_snippet_without_recorded_output_cannot_be_shown(project: Path) -> None:
    (project / "snippets" / "demo" / "hello.out").unlink()
    with pytest.raises(MacroError, match=r"no recorded output; .*`talksite record snippets/demo/"):
        render_snippet(
            "demo/hello.py", "greet", snippets_dir=project / "snippets", folder="snippets"
        )
