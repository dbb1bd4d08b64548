"""The snippet() macro on a real page: code, recorded output and run command; errors fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_build import FIXTURE, build, built

from talksite.snippet_page import SnippetPageError, render_snippet

SNIPPET = '''\
"""A demo snippet."""

print("before")
# --8<-- [start:greet]
def greet():
    print("hello")  # indented in the file, dedented on the page
# --8<-- [end:greet]
'''

SNIPPETS_CONFIG = """\
  - pymdownx.highlight:
      use_pygments: true
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
      dedent_subsections: true
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal fixture talk, with one snippet and the Markdown set-up the macro needs."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "snippets" / "demo").mkdir(parents=True)
    (project / "snippets" / "demo" / "hello.py").write_text(SNIPPET)
    (project / "snippets" / "demo" / "hello.out").write_text("recorded <port>\n")
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text() + SNIPPETS_CONFIG)
    return project


def show(project: Path, call: str) -> None:
    page = project / "docs" / "only-layer.md"
    page.write_text(page.read_text() + f"\n\n{call}\n")


def test_the_page_shows_the_section_its_output_and_the_command(
    project: Path, tmp_path: Path
) -> None:
    show(project, '{{ snippet("demo/hello.py", "greet") }}')
    page = (built(project, tmp_path / "site") / "only-layer" / "index.html").read_text()
    assert "snippets/demo/hello.py" in page
    assert "hello" in page and "indented in the file" in page
    assert "before" not in page  # only the section
    assert "--8&lt;--" not in page and "[start:greet]" not in page  # no markers
    assert "recorded &lt;port&gt;" in page  # the .out, as recorded
    assert "talksite run snippets/demo/hello.py" in page


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('{{ snippet("demo/absent.py", "greet") }}', "no such snippet file"),
        ('{{ snippet("demo/hello.py", "absent") }}', "Snippet section 'absent' could not be"),
    ],
    ids=["missing file", "missing section"],
)
def test_a_missing_snippet_or_section_fails_the_build(
    project: Path, tmp_path: Path, call: str, message: str
) -> None:
    show(project, call)
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_a_snippet_without_recorded_output_cannot_be_shown(project: Path) -> None:
    (project / "snippets" / "demo" / "hello.out").unlink()
    with pytest.raises(SnippetPageError, match="no recorded output hello.out"):
        render_snippet("demo/hello.py", "greet", snippets_dir=project / "snippets")
