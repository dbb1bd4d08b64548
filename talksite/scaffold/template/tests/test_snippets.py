"""Every snippet prints exactly the output recorded beside it, run against a real PostgreSQL.

`pytest --record` rewrites the recordings from a fresh run instead; review the diff after.
"""

from pathlib import Path

import pytest

from talksite.postgres import DatabaseSource
from talksite.snippets import Snippet
from talksite.testing import check_snippet, snippet_params

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"


@pytest.mark.parametrize("snippet", snippet_params(SNIPPETS))
def test_snippet_prints_its_recorded_output(
    snippet: Snippet, talksite_databases: DatabaseSource, talksite_record: bool
) -> None:
    check_snippet(snippet, talksite_databases, record=talksite_record)
