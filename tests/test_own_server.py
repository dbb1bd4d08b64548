"""With a server of the user's own (TALKSITE_DATABASE_URL), a snippet that needs what that server
cannot give is reported as not applicable, with the reason, by every front end of check();
everything else runs there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from command_support import run_talksite
from shared_support import USERS_OWN_SERVER

from talksite import snippets
from talksite.errors import NotApplicable
from talksite.postgres import UsersServer
from talksite.testing import check_snippet

REPO = Path(__file__).resolve().parent.parent
SNIPPETS = REPO / "snippets"
REPLICA_NEEDED = "it needs a streaming replica: set TALKSITE_REPLICA_DATABASE_URL to one"

#: One worker starts the server that stands in for the user's own (conftest.py).
pytestmark = pytest.mark.xdist_group(USERS_OWN_SERVER)


def users_server(url: str) -> UsersServer:
    return UsersServer(url)


def snippet(path: str) -> snippets.Snippet:
    return snippets.load(SNIPPETS / path, SNIPPETS)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("routing/router_reads.py", REPLICA_NEEDED),
        ("tcp/server_keepalive.py", "it needs its own server settings (tcp_keepalives_count"),
        ("outage/matrix.py", "it needs its own server settings (max_connections)"),
    ],
)
def test_a_snippet_the_server_cannot_serve_is_skipped_with_the_reason(
    users_own_server_url: str, path: str, reason: str
) -> None:
    with (
        users_server(users_own_server_url) as databases,
        pytest.raises(pytest.skip.Exception) as skipped,
    ):
        check_snippet(snippet(path), databases)
    message = str(skipped.value)
    assert message.startswith("not applicable on the server in TALKSITE_DATABASE_URL: ")
    assert reason in message


def test_a_snippet_that_needs_a_server_of_our_own_is_not_applicable(
    users_own_server_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "snippets" / "lab.py"
    path.parent.mkdir()
    path.write_text("# talksite: throwaway-server\nprint('never run')\n")
    lab = snippets.load(path, path.parent)
    with users_server(users_own_server_url) as databases, pytest.raises(NotApplicable) as raised:
        snippets.check(lab, databases)
    assert raised.value.users_choice
    assert str(raised.value) == (
        f"{lab.id} is not applicable on the server in TALKSITE_DATABASE_URL: it needs a"
        " server talksite starts itself (one that admits its network lab)"
    )


def test_other_snippets_run_on_the_users_server_and_leave_no_database(
    users_own_server_url: str,
) -> None:
    import psycopg

    def databases_there() -> set[str]:
        with psycopg.connect(users_own_server_url, autocommit=True) as conn:
            return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}

    before = databases_there()
    with users_server(users_own_server_url) as databases:
        check_snippet(snippet("locking/lock_queue.py"), databases)
    assert databases_there() == before


def run_cli(command: str, path: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env["TALKSITE_DATABASE_URL"] = url
    return run_talksite(command, path, cwd=REPO, env=env, timeout=120)


@pytest.mark.parametrize("command", ["run", "record"])
def test_talksite_run_and_record_say_why_and_exit_2(
    users_own_server_url: str, command: str
) -> None:
    result = run_cli(command, "snippets/routing/router_reads.py", users_own_server_url)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "talksite: snippets/routing/router_reads.py is not applicable on the server in"
        f" TALKSITE_DATABASE_URL: {REPLICA_NEEDED}"
    )
    assert result.stdout == ""


#: `talksite run` as the user nobody: what it imports is loaded first (the project too, with
#: its MkDocs plugins), as nobody may not read the Python installation (under /root on CI).
AS_NOBODY = """
import os, sys
from pathlib import Path
import psycopg, talksite.cli, talksite.postgres, talksite.project, talksite.snippets
talksite.project.load_project(Path("mkdocs.yml"))
os.setgroups([]); os.setgid(65534); os.setuid(65534)
sys.exit(talksite.cli.main(["run", sys.argv[1]]))
"""


@pytest.mark.privileged(own_slot=True)  # root, to become another user
def test_a_privileged_snippet_without_root_is_not_applicable() -> None:
    result = subprocess.run(
        [sys.executable, "-c", AS_NOBODY, "snippets/tcp/silent_peer.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip() == (
        "talksite: snippets/tcp/silent_peer.py is not applicable without root: it is"
        " privileged (it makes network namespaces, or other machine-wide state)"
    )
