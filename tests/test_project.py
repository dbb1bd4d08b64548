"""The Project: read from mkdocs.yml, and the one place every command finds the talk's files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_support import REPO, build
from command_support import run_talksite
from mkdocs.config import load_config

from talksite.errors import SetupError
from talksite.project import Project, find_config_file, load_project

FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
TEMPLATE_CONFIG = REPO / "talksite" / "scaffold" / "template" / "mkdocs.yml"
PDF_VARIABLE = "TALKSITE_SLIDES_PDF"


def test_the_project_holds_absolute_paths_from_mkdocs_yml() -> None:
    project = load_project(REPO / "mkdocs.yml")
    assert project.folder == REPO
    assert project.talk_file == REPO / "talk" / "talk.yml"
    assert project.snippets_dir == REPO / "snippets"
    assert project.slides_file == REPO / "talk" / "slides.md"
    assert project.cards_cache_dir == REPO / ".cache" / "talksite" / "cards"
    assert project.verified_on == (18, 15)
    assert project.relative(project.slides_file) == "talk/slides.md"


def test_mkdocs_yml_is_found_from_a_folder_below_it() -> None:
    assert find_config_file(REPO / "snippets" / "locking") == REPO / "mkdocs.yml"


def test_without_mkdocs_yml_the_error_says_to_give_one(tmp_path: Path) -> None:
    with pytest.raises(SetupError, match=r"no mkdocs\.yml in .* give its mkdocs\.yml with -f"):
        find_config_file(tmp_path)


@pytest.mark.parametrize("config_file", [REPO / "mkdocs.yml", TEMPLATE_CONFIG], ids=["repo", "new"])
@pytest.mark.parametrize(
    ("value", "pdf"),
    [("true", True), ("1", True), ("false", False), ("0", False), ("", False), (None, False)],
)
def test_talksite_slides_pdf_means_what_it_says(
    config_file: Path, value: str | None, pdf: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both this talk's mkdocs.yml and a new talk's declare the override with !ENV.
    if value is None:
        monkeypatch.delenv(PDF_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(PDF_VARIABLE, value)
    # The build's project (the plugin's, from all of mkdocs.yml) and the commands' agree.
    assert Project.from_config(load_config(str(config_file))).slides_pdf is pdf
    assert load_project(config_file).slides_pdf is pdf


def test_a_slides_pdf_that_is_not_on_or_off_names_the_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PDF_VARIABLE, "sometimes")
    with pytest.raises(SetupError) as raised:
        load_project(REPO / "mkdocs.yml")
    assert str(raised.value) == (
        f"{REPO / 'mkdocs.yml'}: plugins.talksite.slides_pdf: expected true or false"
        " (or 1 or 0), not 'sometimes'"
    )


@pytest.mark.parametrize(
    "config_file",
    [REPO / "mkdocs.yml", TEMPLATE_CONFIG, FIXTURE / "mkdocs.yml"],
    ids=["repo", "new", "fixture"],
)
def test_the_commands_read_the_same_project_as_the_build(config_file: Path) -> None:
    assert load_project(config_file) == Project.from_config(load_config(str(config_file)))


@pytest.mark.parametrize(
    ("plugins", "problem"),
    [
        (
            "  - search\n",
            "the talksite plugin is not listed under plugins:; add `- talksite` there",
        ),
        ("  - talksite:\n      snipets_dir: x\n", "plugins.talksite.snipets_dir: Unrecognised"),
        ("  - talksite: [x]\n", "plugins.talksite: expected its options, a mapping"),
        ("  talksite:\n    verified_on: [x]\n", "plugins.talksite.verified_on: Expected type"),
    ],
    ids=["missing", "unknown-option", "not-a-mapping", "mapping-form"],
)
def test_a_wrong_talksite_plugin_entry_is_one_line(
    tmp_path: Path, plugins: str, problem: str
) -> None:
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(f"site_name: x\nplugins:\n{plugins}", encoding="utf-8")
    with pytest.raises(SetupError) as raised:
        load_project(config_file)
    assert str(raised.value).startswith(f"{config_file}: {problem}"), raised.value


@pytest.fixture
def own_snippets_folder(tmp_path: Path) -> Path:
    """The made-up talk with its snippets in `examples/`, as its mkdocs.yml says."""
    project = tmp_path / "talk"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  - talksite\n", "  - talksite:\n      snippets_dir: examples\n")
    config.write_text(text.replace("base_path: [snippets]", "base_path: [examples]"), "utf-8")
    (project / "examples" / "only").mkdir(parents=True)
    (project / "examples" / "only" / "fails.py").write_text(
        'import sys\nprint("hello")\nsys.exit(3)\n', encoding="utf-8"
    )
    return project


def test_run_names_a_snippet_from_the_projects_snippets_folder(own_snippets_folder: Path) -> None:
    result = run_talksite("run", "examples/only/fails.py", cwd=own_snippets_folder)
    assert result.returncode == 3
    assert result.stdout == "hello\n"
    assert result.stderr == "talksite: examples/only/fails.py exited with status 3\n"


def test_run_names_a_snippet_outside_any_project_by_its_whole_path(
    own_snippets_folder: Path, tmp_path: Path
) -> None:
    loose = tmp_path / "loose.py"
    shutil.copy(own_snippets_folder / "examples" / "only" / "fails.py", loose)
    result = run_talksite("run", str(loose), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr == f"talksite: {loose} exited with status 3\n"


def test_record_defaults_to_the_projects_snippets_folder(own_snippets_folder: Path) -> None:
    result = run_talksite("record", cwd=own_snippets_folder / "docs")
    assert result.returncode == 1
    assert result.stdout.startswith("FAILED examples/only/fails.py exited with status 3")


def test_pdf_on_the_command_line_wins_over_the_environment(tmp_path: Path) -> None:
    project = tmp_path / "talk"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    pdf_option = f"  - talksite:\n      slides_pdf: !ENV [{PDF_VARIABLE}, false]\n"
    config.write_text(text.replace("  - talksite\n", pdf_option), encoding="utf-8")
    site = tmp_path / "site"
    result = run_talksite(
        "build",
        "--pdf",
        "--site-dir",
        str(site),
        cwd=project,
        env={**os.environ, PDF_VARIABLE: "false", "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (site / "slides" / "slides.pdf").read_bytes().startswith(b"%PDF")
    # Without --pdf (and the variable unset), slides_pdf's default leaves it out.
    assert build(project, site).returncode == 0
    assert not (site / "slides" / "slides.pdf").exists()
