"""`talksite new`: a new talk that builds strictly, passes its own tests, and holds nothing of
this one; its talk.yml and the README's reference both come from the schema."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from command_support import run_talksite
from mkdocs.config import load_config
from PIL import Image
from shared_support import made_once

import talksite
from talksite import scaffold
from talksite.talk import parse_talk
from talksite.talk.example import LEFT_OUT, commented_talk_yml
from talksite.talk.reference import (
    REFERENCE_END,
    REFERENCE_START,
    reference_markdown,
    schema_keys,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "talksite" / "scaffold" / scaffold.TEMPLATE_DIR
#: Words that would mean this repository's talk leaked into a new one.
THIS_TALK = ("Swiss cheese", "Tim Bell", "DjangoCon", "aQSe5QjLGuo", "Kraken")
TIMEOUT_S = 300


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=TIMEOUT_S,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def talksite_new(directory: Path) -> subprocess.CompletedProcess[str]:
    return run_talksite("new", str(directory), cwd=directory.parent)


def leaks(folder: Path) -> list[str]:
    """Where any of this talk's words appear under ``folder`` (reveal.js's own files aside)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "node_modules" in path.relative_to(folder).parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        found += [f"{path.relative_to(folder)}: {w}" for w in THIS_TALK if w.lower() in text]
    return found


# -- the new talk, built and tested ----------------------------------------------------------


def _made_and_built(folder: Path) -> None:
    ok(talksite_new(folder))
    ok(run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"], cwd=folder))
    ok(
        run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
            folder,
        )
    )


@pytest.fixture(scope="session")
def new_talk(pytestconfig: pytest.Config) -> Path:
    """A new talk, made by the command, with reveal.js installed as its Makefile would, and
    built; once for all workers, so tests that run anything in it work on a copy."""
    return made_once(pytestconfig, "my-talk", _made_and_built)


@pytest.fixture
def new_site(new_talk: Path) -> Path:
    return new_talk / "site"


def copy_of(new_talk: Path, folder: Path) -> Path:
    """The new talk's files, without its installed reveal.js and its site."""
    shutil.copytree(new_talk, folder, ignore=shutil.ignore_patterns("node_modules", "site"))
    return folder


def test_new_makes_every_file_a_talk_needs(new_talk: Path) -> None:
    made = sorted(
        path.relative_to(new_talk).as_posix()
        for path in new_talk.rglob("*")
        # Not what `npm ci` and the build wrote.
        if path.is_file() and not {"node_modules", "site", ".cache"} & set(path.parts)
    )
    assert made == [
        ".github/dependabot.yml",
        ".github/workflows/pages.yml",
        ".github/workflows/tests.yml",
        ".github/workflows/weekly.yml",
        ".gitignore",
        "Makefile",
        "README.md",
        "docs/first-layer.md",
        "docs/index.md",
        "docs/speaker.svg",
        "mkdocs.yml",
        "package-lock.json",
        "package.json",
        "pytest.ini",
        "snippets/first-layer/ask.out",
        "snippets/first-layer/ask.out.json",
        "snippets/first-layer/ask.py",
        "talk/slides.md",
        "talk/talk.yml",
        "tests/test_snippets.py",
    ]


def test_the_new_talk_builds_strictly_with_its_deck(new_site: Path) -> None:
    for page in ("index.html", "first-layer/index.html", "slides-text/index.html"):
        assert (new_site / page).is_file(), page
    home = (new_site / "index.html").read_text(encoding="utf-8")
    assert "<title>The title of your talk</title>" in home
    # No video yet: the home page says so, and shows no player and no "Watch the talk".
    assert "The title of your talk has not been recorded yet" in home
    assert "ts-video__play" not in home and "Watch the talk" not in home
    layer = (new_site / "first-layer" / "index.html").read_text(encoding="utf-8")
    # The snippet's recorded output, shown on its page.
    assert "6 * 7 = 42" in layer
    assert '<p class="snippet-provenance">Recorded on ' in layer
    assert "after SET: lock_timeout = 1s" in layer


def test_the_new_talks_pages_have_social_cards(new_talk: Path, new_site: Path) -> None:
    site_url = load_config(str(new_talk / "mkdocs.yml")).site_url
    home = (new_site / "index.html").read_text(encoding="utf-8")
    image = f"{site_url}assets/cards/index.png"
    assert f'<meta property="og:image" content="{image}">' in home
    with Image.open(new_site / "assets" / "cards" / "index.png") as card:
        assert card.size == (1200, 630)
    layer = (new_site / "first-layer" / "index.html").read_text(encoding="utf-8")
    assert f'content="{site_url}assets/cards/first-layer.png"' in layer
    # Drawn cards are kept between builds, and out of the talk's repository.
    assert list((new_talk / ".cache" / "talksite" / "cards").glob("*.png"))
    assert ".cache/" in (new_talk / ".gitignore").read_text(encoding="utf-8").splitlines()
    deck = (new_site / "slides" / "index.html").read_text(encoding="utf-8")
    assert deck.count("<section") == 3
    assert (new_site / "slides" / "reveal" / "reveal.js").is_file()
    assert (new_site / "slides" / "reveal" / "plugin" / "notes.js").is_file()


def test_the_new_talks_test_fails_when_the_output_is_not_what_was_recorded(
    new_talk: Path, tmp_path: Path
) -> None:
    copy = copy_of(new_talk, tmp_path / "changed")
    recorded = copy / "snippets" / "first-layer" / "ask.out"
    recorded.write_text(recorded.read_text().replace("42", "41"), encoding="utf-8")
    result = run([sys.executable, "-m", "pytest", "tests"], cwd=copy)
    assert result.returncode == 1, result.stdout
    assert "-6 * 7 = 41\n+6 * 7 = 42" in result.stdout


def test_the_new_talks_test_fails_when_the_output_has_no_provenance(
    new_talk: Path, tmp_path: Path
) -> None:
    copy = copy_of(new_talk, tmp_path / "unsourced")
    (copy / "snippets" / "first-layer" / "ask.out.json").unlink()
    result = run([sys.executable, "-m", "pytest", "tests"], cwd=copy)
    assert result.returncode == 1, result.stdout
    assert "ask.out has no provenance; expected ask.out.json beside it" in result.stdout


def test_nothing_of_this_talk_leaks_into_the_new_one(new_talk: Path, new_site: Path) -> None:
    assert leaks(new_talk) == []  # the talk's files and its built site, deck included
    assert (new_site / "slides" / "index.html").is_file()


# -- talksite new's rules --------------------------------------------------------------------


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = talksite_new(folder)
    assert result.returncode == 2
    assert result.stderr == (
        f"talksite: {folder} is not empty: talksite new writes only into a new or empty folder\n"
    )
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]


def test_new_refuses_a_file(tmp_path: Path) -> None:
    file = tmp_path / "talk"
    file.write_text("", encoding="utf-8")
    result = talksite_new(file)
    assert result.returncode == 2
    assert result.stderr == f"talksite: {file} exists and is not a folder\n"


def test_new_fills_an_empty_folder(tmp_path: Path) -> None:
    result = ok(talksite_new(tmp_path))
    assert result.stdout.startswith(f"Created a new talk in {tmp_path} (20 files). Next:\n")
    assert (tmp_path / "talk" / "talk.yml").is_file()


def test_the_makefile_installs_talksite_from_where_it_came_from() -> None:
    origin = scaffold.Origin(f"talksite=={talksite.__version__}")
    makefile = scaffold.template_files(origin)["Makefile"].decode("utf-8")
    assert f"\nTALKSITE ?= talksite=={talksite.__version__}\n" in makefile
    assert scaffold.TALKSITE_MARKER not in makefile


def test_new_names_where_this_talksite_came_from(tmp_path: Path) -> None:
    """Run from this git checkout, the talk installs its commit, and is told CI cannot."""
    head = ok(run(["git", "rev-parse", "HEAD"], cwd=ROOT)).stdout.strip()
    made = talksite_new(tmp_path / "from-a-checkout")
    requirement = scaffold.this_origin().requirement
    assert requirement.startswith("talksite @ git+") and requirement.endswith(f"@{head}")
    makefile = (tmp_path / "from-a-checkout" / "Makefile").read_text(encoding="utf-8")
    assert f"\nTALKSITE ?= {requirement}\n" in makefile
    assert f"install talksite as this one was: {requirement}\n" in ok(made).stdout
    if not scaffold.this_origin().reachable:  # a checkout without a remote
        assert made.stderr.startswith(f"talksite: its workflows cannot install {requirement},")


def test_the_new_talk_pins_the_reveal_js_that_talksite_pins() -> None:
    ours = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    theirs = json.loads((TEMPLATE / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((TEMPLATE / "package-lock.json").read_text(encoding="utf-8"))
    pinned = ours["dependencies"]["reveal.js"]
    assert theirs["dependencies"]["reveal.js"] == pinned
    assert lock["packages"][""]["dependencies"]["reveal.js"] == pinned
    assert lock["packages"]["node_modules/reveal.js"]["version"] == pinned
    assert lock["name"] == lock["packages"][""]["name"] == theirs["name"]


# -- talk.yml and its reference, from the schema ---------------------------------------------


def comments_by_key(text: str) -> list[tuple[str, str]]:
    """``(key, the comment lines just above it, joined)`` for every key line of a YAML file."""
    found = []
    comment: list[str] = []
    left_out = False  # in a block written commented out: read it as if it were not
    for line in text.splitlines():
        if line == f"# {LEFT_OUT}":
            left_out = True
            continue
        left_out = left_out and line.startswith("#")
        if left_out:
            line = line.removeprefix("#").removeprefix(" ")
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"(?:- )?([a-z_]+):", stripped)
        if match:
            found.append((match.group(1), " ".join(comment)))
        comment = []
    return found


def test_talk_yml_explains_every_key_of_the_schema() -> None:
    talk_yml = scaffold.template_files()["talk/talk.yml"].decode("utf-8")
    commented = comments_by_key(talk_yml)
    missing = [
        key.path
        for key in schema_keys()
        if not any(name == key.name and comment.startswith(key.doc) for name, comment in commented)
    ]
    assert missing == []
    for key in schema_keys():
        if key.check is not None:
            assert any(key.check.expected in comment for name, comment in commented), key.path
        if not key.required:
            assert any(name == key.name and "Optional" in comment for name, comment in commented), (
                key.path
            )


def test_talk_yml_holds_exactly_the_example_values() -> None:
    values_text = (TEMPLATE / scaffold.VALUES_FILE).read_text(encoding="utf-8")
    talk_yml = scaffold.template_files()["talk/talk.yml"].decode("utf-8")
    example = parse_talk(values_text, source="values")
    # The video is there, commented out: a new talk has none until it is recorded.
    assert example.video is not None
    assert parse_talk(talk_yml, source="talk.yml") == replace(example, video=None)
    shown = talk_yml.split(f"# {LEFT_OUT}\n", 1)[1].split("\n\n", 1)[0]
    uncommented = "\n".join(line.removeprefix("# ") for line in shown.splitlines())
    assert yaml.safe_load(uncommented)["video"]["id"] == example.video.id


def test_this_talks_file_survives_being_rewritten_with_comments() -> None:
    """The generator on a large real file: the text it writes reads back as the same talk."""
    original = (ROOT / "talk" / "talk.yml").read_text(encoding="utf-8")
    rewritten = commented_talk_yml(yaml.safe_load(original))
    assert parse_talk(rewritten, source="rewritten") == parse_talk(original, source="original")


def test_the_readme_reference_is_the_one_the_schema_generates() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.find(REFERENCE_START), readme.find(REFERENCE_END)
    assert 0 <= start < end, "README.md lost the talk.yml reference's markers"
    shown = readme[start : end + len(REFERENCE_END)]
    assert shown == reference_markdown(), (
        "README.md's talk.yml reference differs from the schema in talksite/talk/schema.py:"
        " run `python -m talksite.talk.reference README.md`"
    )
    for key in schema_keys():
        assert f"| `{key.path}` |" in shown
