"""The routing page's promises about its snippets, beyond "each prints its recorded output"."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from talksite import snippets
from talksite.postgres import DatabaseSource

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS_DIR = ROOT / "snippets"
PAGE = ROOT / "docs" / "routing.md"
ROUTING = [s for s in snippets.discover(SNIPPETS_DIR) if s.path.parent.name == "routing"]
IDS = [s.id for s in ROUTING]
#: What every output shows: the server that answered, as the snippet asked it.
SERVER_NAMED = re.compile(r"\b(primary|replica)\b.*\(?port <(replica-)?port>")
#: Snippets that pause WAL replay on the replica to make the lag certain.
PAUSING = [s for s in ROUTING if "pg_wal_replay_pause()" in s.path.read_text(encoding="utf-8")]


def section(path: Path, name: str) -> str:
    """The section as the page shows it (talksite's reading, as pymdownx.snippets includes it)."""
    found, problems = snippets.sections(path)
    assert problems == [], problems
    if name not in found:
        pytest.fail(f"{path}: no section {name!r}")
    return found[name]


def test_the_routing_layer_has_its_snippets() -> None:
    assert len(ROUTING) >= 8, IDS


@pytest.mark.parametrize("snippet", ROUTING, ids=IDS)
def test_snippet_starts_with_the_setup_the_page_shows_once(snippet: snippets.Snippet) -> None:
    """The page shows the setup only with the first snippet and says the others share it."""
    assert snippet.directives.replica, f"{snippet.id} must declare `# talksite: replica`"
    shown = section(SNIPPETS_DIR / "routing" / "router_reads.py", "setup")
    assert section(snippet.path, "setup") == shown


@pytest.mark.parametrize("snippet", ROUTING, ids=IDS)
def test_recorded_output_names_the_server_that_answered(snippet: snippets.Snippet) -> None:
    expected = snippet.recording()
    assert expected is not None, f"{snippet.id} has no recorded output"
    assert SERVER_NAMED.search(expected), f"{snippet.id} never says which server answered"


def test_page_shows_every_routing_snippet_through_the_macro() -> None:
    page = PAGE.read_text(encoding="utf-8")
    shown = dict(re.findall(r'\{\{ snippet\("routing/([\w.]+)", "([\w-]+)"\) \}\}', page))
    assert sorted(shown) == sorted(s.path.name for s in ROUTING)
    for name, section_name in shown.items():
        section(SNIPPETS_DIR / "routing" / name, section_name)


@pytest.mark.parametrize("snippet", PAUSING, ids=[s.id for s in PAUSING])
def test_snippet_leaves_replay_running(
    snippet: snippets.Snippet, talksite_databases: DatabaseSource
) -> None:
    """A reader's replica must not stay paused after the demo, even though the runner would
    resume it before the next run."""
    with talksite_databases.database(snippet.needs) as database:
        result = snippets.run(snippet, database)
        assert result.ok, result.problem()
        assert database.replica_url is not None
        with psycopg.connect(database.replica_url, autocommit=True) as replica:
            row = replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()
    assert row == ("not paused",)
