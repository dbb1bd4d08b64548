"""Every snippet runs against a real PostgreSQL and prints exactly its recorded output.

``pytest --record`` rewrites the recordings from a fresh run instead (review the diff after);
snippets that declare ``privileged`` carry the ``privileged`` marker.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from talksite.postgres import DatabaseSource
from talksite.services import ServicePool
from talksite.snippets import Snippet
from talksite.testing import check_snippet, snippet_params

# The talk's snippets folder (mkdocs.yml's snippets_dir), or another: the harness tests point
# the suite at one to prove it fails.
OTHER_SNIPPETS_DIR = os.environ.get("TALKSITE_SNIPPETS_DIR")


@pytest.mark.parametrize(
    "snippet", snippet_params(Path(OTHER_SNIPPETS_DIR) if OTHER_SNIPPETS_DIR else None)
)
def test_snippet_prints_its_recorded_output(
    snippet: Snippet,
    talksite_databases: DatabaseSource,
    talksite_services: ServicePool,
    talksite_record: bool,
) -> None:
    check_snippet(snippet, talksite_databases, record=talksite_record, services=talksite_services)
