"""The example talks in examples/ (made by `talksite new`) build strictly and print exactly
their recordings, as this talk does: CI keeps them honest.

Each example is built once, from a copy whose node_modules is this checkout's (the example
pins the same reveal.js); its snippets run through the same check() as this talk's, on this
worker's servers.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from command_support import run_talksite

from talksite import snippets
from talksite.postgres import DatabaseSource
from talksite.project import load_project
from talksite.services import ServicePool
from talksite.talk import load_talk
from talksite.testing import check_snippet

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(path.parent for path in (REPO / "examples").glob("*/mkdocs.yml"))
CACHE_STAMPEDE = REPO / "examples" / "cache-stampede"


def _snippets() -> list[object]:
    params = []
    for example in EXAMPLES:
        project = load_project(example / "mkdocs.yml")
        for snippet in snippets.discover(project.snippets_dir, project.snippet_settings):
            params.append(pytest.param(snippet, id=f"{example.name}/{snippet.id}"))
    return params


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda path: path.name)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's site, built strictly by `talksite build` from a copy of its folder."""
    example: Path = request.param
    copy = tmp_path_factory.mktemp("example") / example.name
    shutil.copytree(example, copy, ignore=shutil.ignore_patterns("node_modules", "site*", ".*"))
    (copy / "node_modules").symlink_to(REPO / "node_modules")
    built = run_talksite("build", cwd=copy, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, f"talksite build failed:\n{built.stdout}\n{built.stderr}"
    return copy / "site"


def test_the_example_builds_strictly_with_its_pages_deck_and_outputs(built: Path) -> None:
    talk = load_talk(load_project(built.parent / "mkdocs.yml").talk_file)
    for layer in talk.layers:
        assert (built / layer.slug / "index.html").is_file()
    assert (built / "slides" / "index.html").is_file()
    if built.parent.name == CACHE_STAMPEDE.name:
        herd = (built / "stampede" / "index.html").read_text()
        assert "8 readers, 8 of them recomputed the report in the database" in herd
        assert "Valkey 9" in herd  # the provenance under the output names the server
        defences = (built / "defences" / "index.html").read_text()
        assert "8 readers, 1 of them recomputed the report" in defences


@pytest.mark.parametrize("snippet", _snippets())
def test_each_example_snippet_prints_its_recording(
    snippet: snippets.Snippet,
    talksite_databases: DatabaseSource,
    talksite_services: ServicePool,
) -> None:
    check_snippet(snippet, talksite_databases, services=talksite_services)


def test_the_cache_stampede_example_shows_kinds_and_services() -> None:
    """Three kinds or more; one snippet with Redis, one with no database at all."""
    project = load_project(CACHE_STAMPEDE / "mkdocs.yml")
    found = snippets.discover(project.snippets_dir, project.snippet_settings)
    assert len({snippet.kind.extension for snippet in found}) >= 3
    assert any("redis" in snippet.directives.services for snippet in found)
    assert any(not snippet.directives.services for snippet in found)
    redis_only = [s for s in found if s.directives.services == {"redis"}]
    assert redis_only, "a snippet that needs Redis and no PostgreSQL"
