"""Every snippet runs against a real PostgreSQL and prints exactly its recorded output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from talksite import snippets
from talksite.postgres import Servers

# The suite can be pointed at another folder: the harness tests use that to prove it fails.
SNIPPETS_DIR = Path(
    os.environ.get("TALKSITE_SNIPPETS_DIR") or Path(__file__).resolve().parent.parent / "snippets"
)
ALL_SNIPPETS = snippets.discover(SNIPPETS_DIR)


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    with Servers() as shared:
        yield shared


def require_privilege(snippet: snippets.Snippet) -> None:
    """Privileged snippets need root; only outside CI may their absence be forgiven."""
    if not snippet.directives.privileged or os.geteuid() == 0:
        return
    reason = f"{snippet.id} needs root for network namespaces"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI must run it")
    pytest.skip(reason)


@pytest.mark.parametrize("snippet", ALL_SNIPPETS, ids=[s.id for s in ALL_SNIPPETS])
def test_snippet_prints_its_recorded_output(snippet: snippets.Snippet, servers: Servers) -> None:
    expected = snippet.expected()
    if expected is None:
        pytest.fail(
            f"{snippet.id} has no recorded output: run `talksite record {snippet.id}`"
            f" and review {snippet.expected_path.name}"
        )
    require_privilege(snippet)
    with snippets.database_for(snippet, servers) as database:
        result = snippets.run(snippet, database)
        actual = snippets.normalise(result.output, database)
    if not result.ok:
        pytest.fail(f"{snippet.id} {result.problem()}; its output:\n{actual}", pytrace=False)
    if actual != expected:
        diff = snippets.output_diff(snippet, expected, actual)
        pytest.fail(
            f"{snippet.id} printed something else than recorded"
            f" (run `talksite record {snippet.id}` if the change is right):\n{diff}",
            pytrace=False,
        )
