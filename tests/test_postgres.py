"""Throwaway servers are real, configurable, replicated, and leave nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from snippet_support import live_command_lines, talksite_run

from talksite import environment, postgres, snippets
from talksite.errors import NotApplicable, SetupError
from talksite.postgres import Database, Launcher, Needs, Pool, UsersServer, workdirs
from talksite.postgres.credentials import redacted


def scalar(url: str, sql: str) -> object:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def postgres_processes_using(workdir: Path) -> list[str]:
    """Command lines of live processes whose arguments mention `workdir`."""
    return live_command_lines(str(workdir))


def test_server_listens_on_loopback_tcp_with_per_demo_settings() -> None:
    settings = Needs.of(settings={"client_connection_check_interval": "500ms"})
    with Pool() as pool, pool.database(settings) as db:
        assert db.url.startswith("postgresql://postgres:")
        assert urlsplit(db.url).hostname == "127.0.0.1"
        assert scalar(db.url, "SELECT inet_server_addr()::text") == "127.0.0.1/32"
        assert scalar(db.url, "SHOW client_connection_check_interval") == "500ms"
        assert str(scalar(db.url, "SHOW server_version")).startswith("18.")


def as_nobody(*psql_args: str) -> subprocess.CompletedProcess[str]:
    """psql, run as another local user: ``nobody``, with no password file to fall back on."""
    if os.geteuid() != 0:
        message = "logging in as another local user needs root (runuser)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(
        ["runuser", "-u", "nobody", "--", "env", "PGPASSFILE=/dev/null", "PGCONNECT_TIMEOUT=5"]
        + [str(postgres.bin_dir() / "psql"), "-X", "-w", "-At", *psql_args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_another_local_user_cannot_log_in_without_the_password() -> None:
    """Issue 30: the servers trusted every local user over TCP, as superuser (and so could run
    programs as the servers' user, with COPY … TO PROGRAM)."""
    with Pool() as pool, pool.database(Needs.of(replica=True)) as db:
        assert db.replica_url is not None
        for server in pool.servers:
            hba = (server.datadir / "pg_hba.conf").read_text().splitlines()
            tcp = [line.split() for line in hba if line.startswith("host")]
            assert tcp and all(fields[-1] == "scram-sha-256" for fields in tcp), hba
        assert pool.launcher is not None
        socket_dir = pool.launcher.workdir
        assert socket_dir.stat().st_mode & 0o777 == 0o700
        for url in (db.url, db.replica_url):
            parts = urlsplit(url)
            assert parts.password
            tcp_login = [
                "-h",
                "127.0.0.1",
                "-p",
                str(parts.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ]
            refused = as_nobody(*tcp_login, "-c", "SELECT 1")
            assert refused.returncode == 2 and "no password supplied" in refused.stderr
            guessed = as_nobody(
                url.replace(parts.password, "0" * len(parts.password)), "-c", "SELECT 1"
            )
            assert guessed.returncode == 2
            assert 'password authentication failed for user "postgres"' in guessed.stderr
            socket = as_nobody("-h", str(socket_dir), *tcp_login[2:], "-c", "SELECT 1")
            assert socket.returncode == 2 and "Permission denied" in socket.stderr
            allowed = as_nobody(url, "-c", "SELECT current_user, inet_server_addr()")
            assert (allowed.returncode, allowed.stdout) == (0, "postgres|127.0.0.1\n")


def test_a_url_is_shown_without_its_password() -> None:
    url = "postgresql://postgres:s3cret@127.0.0.1:5432/talk"
    assert redacted(url) == "postgresql://postgres:***@127.0.0.1:5432/talk"
    assert redacted("postgresql://postgres@127.0.0.1:5432/talk") == (
        "postgresql://postgres@127.0.0.1:5432/talk"
    )
    with pytest.raises(SetupError) as refused:
        snippets.normalise("output\n", Database(url="postgresql://postgres:s3cret@db/talk"))
    assert "s3cret" not in str(refused.value) and "postgres:***@db/talk" in str(refused.value)


def test_each_database_is_fresh_and_separate() -> None:
    with Pool() as pool, pool.database(Needs()) as first, pool.database(Needs()) as second:
        assert first.name != second.name
        with psycopg.connect(first.url, autocommit=True) as conn:
            conn.execute("CREATE TABLE only_here (x int)")
        assert scalar(second.url, "SELECT to_regclass('only_here') IS NULL") is True


def port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def test_the_pool_starts_one_server_per_need_and_reuses_it() -> None:
    keepalive = Needs.of(settings={"tcp_keepalives_idle": "1"})
    with Pool() as pool:
        assert pool.warm([Needs(), keepalive, Needs.of(replica=True)]) == 3
        assert pool.warm([Needs.of(replica=True), keepalive]) == 0
        with pool.database(keepalive) as first, pool.database(keepalive) as second:
            assert first.name != second.name and port(first.url) == port(second.url)
            assert scalar(second.url, "SHOW tcp_keepalives_idle") == "1"
        with pool.database(Needs()) as plain:
            assert port(plain.url) != port(first.url)
            assert scalar(plain.url, "SHOW tcp_keepalives_idle") != "1"
        assert len(pool.servers) == 3


def test_replica_streams_and_replay_can_be_paused() -> None:
    with Pool() as pool, pool.database(Needs.of(replica=True)) as db:
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


def test_a_run_on_a_paused_replica_still_starts_level() -> None:
    with Pool() as pool:
        with pool.database(Needs.of(replica=True)) as first:
            assert first.replica_url is not None
            postgres.pause_replay(first.replica_url)  # as a routing demo leaves it
        with pool.database(Needs.of(replica=True)) as second:
            assert second.replica_url is not None
            assert scalar(second.replica_url, "SELECT current_database()") == second.name


def test_named_server_gets_a_fresh_database_dropped_afterwards() -> None:
    launcher = Launcher()
    try:
        server = launcher.start("named")
        with UsersServer(server.url()) as users, users.database(Needs()) as db:
            assert server.port == port(db.url)
            name = db.name
            assert scalar(
                server.url(), f"SELECT count(*) FROM pg_database WHERE datname = '{name}'"
            )
        assert (
            scalar(server.url(), f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == 0
        )
        assert [s.name for s in launcher.servers] == ["named"]  # nothing else was started
    finally:
        launcher.close()


def test_named_server_without_replica_is_a_clear_error() -> None:
    # Not a failure of the server: the snippet does not apply to it (see test_own_server.py).
    users = UsersServer("postgresql://postgres@127.0.0.1:1/x")
    with (
        pytest.raises(NotApplicable, match="set TALKSITE_REPLICA_DATABASE_URL to one"),
        users.database(Needs.of(replica=True)),
    ):
        pass


def test_the_environment_chooses_the_source_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in environment.spellings(environment.DATABASE_URL):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(postgres.from_environment(), Pool)
    monkeypatch.setenv(environment.DATABASE_URL, "postgresql://postgres@127.0.0.1:1/x")
    monkeypatch.setenv(environment.REPLICA_DATABASE_URL, "postgresql://postgres@127.0.0.1:2/x")
    chosen = postgres.from_environment()
    assert isinstance(chosen, UsersServer)
    assert (chosen.url, chosen.replica_url) == (
        "postgresql://postgres@127.0.0.1:1/x",
        "postgresql://postgres@127.0.0.1:2/x",
    )


def test_nothing_left_after_close_or_failure() -> None:
    with (
        pytest.raises(RuntimeError, match="boom"),
        Pool() as pool,
        pool.database(Needs.of(replica=True)),
    ):
        workdir = pool.launcher.workdir if pool.launcher is not None else None
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
        with Pool():
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


def test_the_template_is_named_by_the_binarys_content_and_its_pg_hba_not_path_or_date(
    tmp_path: Path,
) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    first.write_bytes(b"postgres 18.6")
    second.write_bytes(b"postgres 18.6")
    os.utime(second, (0, 0))
    other.write_bytes(b"postgres 18.7")
    hba = "local all all trust\n"
    assert workdirs.template(first, hba) == workdirs.template(second, hba)
    assert workdirs.template(first, hba) != workdirs.template(other, hba)
    # Another talksite's pg_hba.conf (an older one's trust, say): a template of its own.
    assert workdirs.template(first, hba) != workdirs.template(
        first, hba + "host all all ::1/128 trust\n"
    )
