"""pytest support for a talk's own tests: every snippet prints exactly its recorded output.

A talk made by ``talksite new`` loads this module as a pytest plugin (``-p talksite.testing``
in its pytest.ini), which provides the ``talksite_servers`` fixture; its
``tests/test_snippets.py`` parametrizes one test over :func:`snippet_params` and calls
:func:`check_snippet`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from talksite import snippets
from talksite.postgres import Servers

__all__ = ["check_snippet", "snippet_params", "talksite_servers"]


@pytest.fixture(scope="session")
def talksite_servers() -> Iterator[Servers]:
    """PostgreSQL servers shared by the session; each snippet gets a fresh database on them."""
    with Servers() as shared:
        yield shared


def snippet_params(root: Path) -> list[object]:
    """Every snippet under ``root``, as ``pytest.mark.parametrize`` values named by path."""
    return [pytest.param(snippet, id=snippet.id) for snippet in snippets.discover(root)]


def check_snippet(snippet: snippets.Snippet, servers: Servers) -> None:
    """Run the snippet on a fresh database; fail with a diff unless it prints its .out file."""
    expected = snippet.expected()
    if expected is None:
        pytest.fail(
            f"{snippet.id} has no recorded output: run `talksite record {snippet.id}`"
            f" and review {snippet.expected_path.name}",
            pytrace=False,
        )
    if snippet.directives.privileged and os.geteuid() != 0:
        reason = f"{snippet.id} needs root for network namespaces"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run it", pytrace=False)
        pytest.skip(reason)
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
