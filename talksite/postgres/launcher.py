"""Start and stop real PostgreSQL servers: primaries from a cached initdb, and streaming
replicas cloned with ``pg_basebackup -R``.

Every server is a direct child of this process, leading a process group of its own and started
with a parent-death signal (:func:`talksite.processes.spawn`), so even if this process is
SIGKILLed the kernel stops its servers; data directories live in one
work folder that :meth:`Launcher.close` removes, and that the next launcher removes if its
owner was killed before it could.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from talksite.errors import ServerError
from talksite.postgres import workdirs
from talksite.postgres.binaries import bin_dir, make_traversable, service_user_ids
from talksite.processes import kill_group, signals_deferred, spawn, wait_unreaped
from talksite.processes import run as run_to_end

__all__ = ["HOST", "SUPERUSER", "Launcher", "Server"]

SUPERUSER = "postgres"
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 3.0

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


@dataclass
class Launcher:
    """Owns a work folder and every server started in it."""

    workdir: Path = field(init=False)
    servers: list[Server] = field(default_factory=list)
    _ids: tuple[int, int] | None = None
    _template: Path | None = None

    def __post_init__(self) -> None:
        workdirs.remove_stale()
        self.workdir = workdirs.new_workdir()
        self._ids = service_user_ids()
        if self._ids is not None:
            make_traversable(self.workdir)
            make_traversable(bin_dir())
            os.chown(self.workdir, *self._ids)

    def start(self, name: str, settings: Mapping[str, str] | None = None) -> Server:
        """Start a fresh primary server with the given extra settings."""
        datadir = self._new_datadir(name)
        # Copied by the service user, so that it owns the copy.
        self._run_command(["cp", "-a", str(self._initdb_template()), str(datadir)])
        return self._spawn(name, datadir, settings or {}, is_replica=False)

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
        return self._spawn(name, datadir, settings or {}, is_replica=True)

    def stop(self, server: Server) -> None:
        """Immediate shutdown, then SIGKILL if the server does not go in time; remove its data.

        Immediate (SIGQUIT), not fast: the data is thrown away, so the shutdown checkpoint
        would only cost time, and on a busy machine it can cost seconds per server.
        """
        if not wait_unreaped(server.process, 0):
            os.kill(server.process.pid, signal.SIGQUIT)  # unreaped: the pid is still its own
            wait_unreaped(server.process, STOP_TIMEOUT_S)
        # A killed postmaster can leave backends behind; they are in its process group.
        kill_group(server.process)
        shutil.rmtree(server.datadir, ignore_errors=True)
        if server in self.servers:
            self.servers.remove(server)

    def close(self) -> None:
        """Stop every server, newest first, and remove the work folder."""
        for server in reversed(list(self.servers)):
            self.stop(server)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _new_datadir(self, name: str) -> Path:
        return self.workdir / f"{name}-{len(self.servers)}-{secrets.token_hex(2)}"

    def _initdb_template(self) -> Path:
        """A freshly initdb'd data directory that each new server starts from as a copy.

        Copying takes a tenth of initdb's time, so the template is kept between runs (see
        :func:`workdirs.template`; initdb output, no data).
        """
        if self._template is not None:
            return self._template
        cached = workdirs.template(bin_dir() / "postgres")
        owner = self._ids[0] if self._ids is not None else os.geteuid()

        def usable() -> bool:
            return (cached / "PG_VERSION").is_file() and cached.stat().st_uid == owner

        if not usable():
            building = self._new_datadir("template")
            self._run_tool(
                "initdb",
                ["-D", str(building), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
                + ["--locale=C", "--no-sync", "--no-instructions"],
            )
            (building / "pg_hba.conf").write_text(PG_HBA)
            # Only a stale template goes (say, the service user's uid changed): a usable one
            # that a concurrent run put there meanwhile may be being copied right now.
            if cached.exists() and not usable():
                shutil.rmtree(cached, ignore_errors=True)
            try:
                building.rename(cached)  # atomic: a concurrent run sees all of it or none
            except OSError:
                cached = building  # another run got there first; use our own copy
        self._template = cached
        return cached

    def _run_tool(self, tool: str, args: list[str]) -> None:
        self._run_command([str(bin_dir() / tool), *args])

    def _run_command(self, command: list[str]) -> None:
        """Run a short command as the service user; raise with its stderr if it fails."""
        result = run_to_end(
            command,
            timeout_s=START_TIMEOUT_S,
            parent_death_signal=signal.SIGQUIT,
            user=self._ids,
            cwd=self.workdir,
        )
        if result.returncode != 0:
            raise ServerError(
                f"{Path(command[0]).name} failed ({result.returncode}):\n{result.stderr.strip()}"
            )

    def _spawn(
        self, name: str, datadir: Path, settings: Mapping[str, str], *, is_replica: bool
    ) -> Server:
        for _attempt in range(3):
            options = {**THROWAWAY_SETTINGS, **settings, "port": str(_free_port())}
            log_path = datadir.parent / f"{datadir.name}.log"
            with open(log_path, "wb") as log, signals_deferred():
                # Its own process group: a Ctrl-C in the terminal does not reach it, and we
                # stop the servers in order. If we die, even by SIGKILL, it gets SIGQUIT
                # (immediate shutdown).
                process = spawn(
                    [str(bin_dir() / "postgres"), "-D", str(datadir)]
                    + [arg for key, value in options.items() for arg in ("-c", f"{key}={value}")],
                    parent_death_signal=signal.SIGQUIT,
                    user=self._ids,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
                port = int(options["port"])
                server = Server(name, port, datadir, log_path, process, is_replica=is_replica)
                self.servers.append(server)  # on the list before a signal can unwind us
            if _wait_until_ready(server):
                return server
            log_tail = server.log_tail()
            self.servers.remove(server)
            kill_group(process)
            if "could not bind" not in log_tail:  # only a port race is worth another try
                break
        shutil.rmtree(datadir, ignore_errors=True)
        raise ServerError(f"PostgreSQL server {name!r} did not start:\n{log_tail}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_until_ready(server: Server) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if wait_unreaped(server.process, 0):  # it ended: unreaped, for kill_group to end its group
            return False
        try:
            with psycopg.connect(server.url(), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.OperationalError:
            time.sleep(0.02)
    return False
