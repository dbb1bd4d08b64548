"""Every snippet prints exactly the output recorded beside it, run against a real PostgreSQL.

The snippets are those in the folder mkdocs.yml names (the talksite plugin's `snippets_dir`).
`pytest --record` rewrites the recordings from a fresh run instead; review the diff after.
"""

import pytest

from talksite.postgres import DatabaseSource
from talksite.services import ServicePool
from talksite.snippets import Snippet
from talksite.testing import check_snippet, snippet_params


@pytest.mark.parametrize("snippet", snippet_params())
def test_snippet_prints_its_recorded_output(
    snippet: Snippet,
    talksite_databases: DatabaseSource,
    talksite_services: ServicePool,
    talksite_record: bool,
) -> None:
    check_snippet(snippet, talksite_databases, record=talksite_record, services=talksite_services)
