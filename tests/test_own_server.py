"""With a server of the user's own (TALK_DATABASE_URL), a snippet that needs what that server
cannot give is reported as not applicable, with the reason; everything else runs there."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from talksite import snippets
from talksite.postgres import Servers
from talksite.testing import check_snippet

REPO = Path(__file__).resolve().parent.parent
SNIPPETS = REPO / "snippets"


@pytest.fixture(scope="module")
def own_server_url() -> Iterator[str]:
    """A real server standing in for the user's own: talksite started it, but treats it as
    named by TALK_DATABASE_URL (no settings of its own, no replica)."""
    with Servers(external_url=None) as ours:
        yield ours.start("users-own").url()


def snippet(path: str) -> snippets.Snippet:
    return snippets.load(SNIPPETS / path, SNIPPETS)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("routing/router_reads.py", "it needs a streaming replica: set TALK_REPLICA_DATABASE_URL"),
        ("tcp/server_keepalive.py", "it needs its own server settings (tcp_keepalives_count"),
    ],
)
def test_a_snippet_the_server_cannot_serve_is_not_applicable(
    own_server_url: str, path: str, reason: str
) -> None:
    with (
        Servers(external_url=own_server_url, external_replica_url=None) as servers,
        pytest.raises(pytest.skip.Exception) as skipped,
    ):
        check_snippet(snippet(path), servers)
    message = str(skipped.value)
    assert message.startswith("not applicable on the server in TALK_DATABASE_URL: ")
    assert reason in message


def test_other_snippets_run_on_the_users_server(own_server_url: str) -> None:
    with Servers(external_url=own_server_url, external_replica_url=None) as servers:
        check_snippet(snippet("locking/lock_queue.py"), servers)


def test_talksite_run_says_why_and_exits_2(own_server_url: str) -> None:
    env = {**os.environ, "TALK_DATABASE_URL": own_server_url}
    env.pop("TALK_REPLICA_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "talksite.cli", "run", "snippets/routing/router_reads.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "talksite: snippets/routing/router_reads.py is not applicable on the server in"
        " TALK_DATABASE_URL: it needs a streaming replica: set TALK_REPLICA_DATABASE_URL to one"
    )
