"""Throwaway servers are real, configurable, replicated, and leave nothing behind."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from snippet_support import live_command_lines, talksite_run

from talksite import postgres
from talksite.errors import NotApplicable
from talksite.postgres import Servers, workdirs


def scalar(url: str, sql: str) -> object:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def postgres_processes_using(workdir: Path) -> list[str]:
    """Command lines of live processes whose arguments mention `workdir`."""
    return live_command_lines(str(workdir))


def test_server_listens_on_loopback_tcp_with_per_demo_settings() -> None:
    with Servers() as servers:
        db = servers.database(settings={"client_connection_check_interval": "500ms"})
        assert db.url.startswith("postgresql://postgres@127.0.0.1:")
        assert scalar(db.url, "SELECT inet_server_addr()::text") == "127.0.0.1/32"
        assert scalar(db.url, "SHOW client_connection_check_interval") == "500ms"
        assert str(scalar(db.url, "SHOW server_version")).startswith("18.")


def test_each_database_is_fresh_and_separate() -> None:
    with Servers() as servers:
        first, second = servers.database(), servers.database()
        assert first.name != second.name
        with psycopg.connect(first.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE only_here (x int)")
        assert scalar(second.url, "SELECT to_regclass('only_here') IS NULL") is True


def test_replica_streams_and_replay_can_be_paused() -> None:
    with Servers() as servers:
        db = servers.database(replica=True)
        assert db.replica_url is not None
        assert scalar(db.replica_url, "SELECT pg_is_in_recovery()") is True
        assert scalar(db.url, "SELECT pg_is_in_recovery()") is False

        postgres.pause_replay(db.replica_url)
        with psycopg.connect(db.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE written_during_pause (x int)")
        time.sleep(0.5)  # ample time for an unpaused replica to replay one table
        assert scalar(db.replica_url, "SELECT to_regclass('written_during_pause')") is None

        postgres.resume_replay(db.replica_url)
        postgres.wait_for_replay(db.url, db.replica_url)
        assert scalar(db.replica_url, "SELECT to_regclass('written_during_pause')::text") == (
            "written_during_pause"
        )


def test_named_server_gets_a_fresh_database_dropped_afterwards() -> None:
    with Servers() as owner:
        server = owner.start("named")
        with Servers(external_url=server.url()) as servers:
            db = servers.database()
            assert server.port == int(db.url.rsplit(":", 1)[1].split("/")[0])
            assert servers.servers == []  # nothing of our own was started
            name = db.name
            assert scalar(
                server.url(),
                f"SELECT count(*) FROM pg_database WHERE datname = '{name}'",
            )
        assert (
            scalar(
                server.url(),
                f"SELECT count(*) FROM pg_database WHERE datname = '{name}'",
            )
            == 0
        )


def test_named_server_without_replica_is_a_clear_error() -> None:
    # Not a failure of the server: the snippet does not apply to it (see test_own_server.py).
    with (
        Servers(external_url="postgresql://postgres@127.0.0.1:1/x") as servers,
        pytest.raises(NotApplicable, match="set TALK_REPLICA_DATABASE_URL to one"),
    ):
        servers.database(replica=True)


def test_nothing_left_after_close_or_failure() -> None:
    with pytest.raises(RuntimeError, match="boom"), Servers() as servers:
        servers.database(replica=True)
        workdir = servers.workdir
        assert workdir is not None and postgres_processes_using(workdir)
        raise RuntimeError("boom")
    assert not workdir.exists()
    assert postgres_processes_using(workdir) == []


SLOW_SNIPPET = """\
import time
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=str)
def test_talksite_run_leaves_nothing_when_interrupted(tmp_path: Path, sig: signal.Signals) -> None:
    snippet = tmp_path / "snippets" / "slow.py"
    snippet.parent.mkdir()
    snippet.write_text(SLOW_SNIPPET)
    with talksite_run(snippet) as (runner, _):
        assert runner.stdout is not None
        assert runner.stdout.readline() == "ready\n"
        folders = workdirs.owned_by(runner.pid)
        assert len(folders) == 1 and postgres_processes_using(folders[0])

        runner.send_signal(sig)
        runner.wait(timeout=30)

    deadline = time.monotonic() + 10
    while postgres_processes_using(folders[0]) and time.monotonic() < deadline:
        time.sleep(0.1)  # after SIGKILL the kernel's parent-death signal stops the servers
    assert postgres_processes_using(folders[0]) == []
    if sig == signal.SIGKILL:
        # Nothing can run inside a SIGKILLed process: the next run sweeps its data away.
        with Servers():
            pass
    assert not folders[0].exists()


def test_servers_keep_their_data_in_memory_unless_tmpdir_names_a_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    workdirs.root.cache_clear()
    try:
        shm = os.statvfs("/dev/shm")
        roomy = shm.f_bavail * shm.f_frsize >= workdirs.MIN_FREE_BYTES
        assert workdirs.root() == (Path("/dev/shm") if roomy else Path(tempfile.gettempdir()))
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
        workdirs.root.cache_clear()
        assert workdirs.root() == tmp_path
        made = workdirs.new_workdir()
        assert workdirs.owned_by(os.getpid()) == [made] and made.parent == tmp_path
    finally:
        workdirs.root.cache_clear()


def test_the_template_is_named_by_the_binarys_content_not_its_path_or_date(
    tmp_path: Path,
) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    first.write_bytes(b"postgres 18.6")
    second.write_bytes(b"postgres 18.6")
    os.utime(second, (0, 0))
    other.write_bytes(b"postgres 18.7")
    assert workdirs.template(first) == workdirs.template(second)
    assert workdirs.template(first) != workdirs.template(other)
