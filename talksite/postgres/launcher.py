"""Start and stop real PostgreSQL servers: primaries from a cached initdb, and streaming
replicas cloned with ``pg_basebackup -R``.

Every server is a direct child of this process, leading a process group of its own and started
with a parent-death signal (:func:`talksite.processes.spawn`), so even if this process is
SIGKILLed the kernel stops its servers; data directories live in one
work folder that :meth:`Launcher.close` removes, and that the next launcher removes if its
owner was killed before it could.

Only talksite's own runs can use these servers, though ``talksite present`` keeps them up for
hours on a machine other people may log in to:

- **TCP** (127.0.0.1, and the addresses of the network labs that snippets wire) asks for a
  password, with SCRAM-SHA-256: a random one for each primary (its replica, a copy, shares
  it), in the URL a run gets as ``DATABASE_URL``. It is set after the server starts, so the
  cached initdb template, shared by every run of these binaries, holds none; the server gets
  only its verifier (:mod:`~talksite.postgres.credentials`).
- **The Unix socket** is in the launcher's work folder, mode 0700 and owned by the servers'
  user, and it is ``trust``: whoever can reach it is that user, who owns the data files
  anyway, or root. Not ``peer``: that needs a map from root to ``postgres``, and a passwd
  entry for the uid, which a container may not have. The launcher uses the socket to set
  the password, and each replica to stream from its primary, so no password is on disk.
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
from typing import TYPE_CHECKING

from talksite.errors import ServerError
from talksite.postgres import workdirs
from talksite.postgres.binaries import bin_dir, make_traversable, service_user_ids
from talksite.postgres.credentials import new_password, scram_verifier
from talksite.processes import kill_group, signals_deferred, spawn, wait_unreaped
from talksite.processes import run as run_to_end

if TYPE_CHECKING:
    from psycopg import sql

__all__ = ["HOST", "SUPERUSER", "Launcher", "Server"]

SUPERUSER = "postgres"
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 3.0

# Speed over durability: these servers hold nothing worth keeping.
THROWAWAY_SETTINGS: Mapping[str, str] = {
    "listen_addresses": HOST,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "60",
    "logging_collector": "off",
}

#: Where a Unix socket's path must fit (``sun_path``, less its terminating NUL).
MAX_SOCKET_PATH = 107
# TCP asks for the server's password; the Unix socket's folder lets in only its own user (and
# root): see the module's docstring.
PG_HBA = """\
local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
host all all 198.51.100.0/24 scram-sha-256
"""


@dataclass
class Server:
    """A running PostgreSQL server that this process started and will stop."""

    name: str
    port: int
    datadir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    #: The superuser's password over TCP; a replica shares its primary's.
    password: str
    #: The folder of its Unix socket (``trust``, for the launcher and the replicas).
    socket_dir: Path
    is_replica: bool = False

    def url(self, dbname: str = "postgres") -> str:
        """The superuser's URL over TCP, password included: what a run gets."""
        return f"postgresql://{SUPERUSER}:{self.password}@{HOST}:{self.port}/{dbname}"

    def socket_conninfo(self) -> dict[str, str]:
        """Connection parameters for its Unix socket, as ``psycopg.connect`` takes them."""
        return {
            "host": str(self.socket_dir),
            "port": str(self.port),
            "user": SUPERUSER,
            "dbname": "postgres",
        }

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
        self.workdir = workdirs.new_workdir()  # 0700: it holds the servers' Unix sockets
        socket_path = self.workdir / ".s.PGSQL.65535"
        if len(os.fsencode(socket_path)) > MAX_SOCKET_PATH:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise ServerError(
                f"{socket_path}: longer than a Unix socket's path may be ({MAX_SOCKET_PATH}"
                " bytes); set TMPDIR to a shorter folder"
            )
        self._ids = service_user_ids()
        if self._ids is not None:
            make_traversable(self.workdir.parent)  # the service user owns the folder itself
            make_traversable(bin_dir())
            os.chown(self.workdir, *self._ids)

    def start(self, name: str, settings: Mapping[str, str] | None = None) -> Server:
        """Start a fresh primary server with the given extra settings."""
        from psycopg import sql  # on first use: see the package docstring

        datadir = self._new_datadir(name)
        # Copied by the service user, so that it owns the copy.
        self._run_command(["cp", "-a", str(self._initdb_template()), str(datadir)])
        password = new_password()
        # Over the socket, before any TCP client can log in: until then none can.
        set_password = sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(SUPERUSER), sql.Literal(scram_verifier(password))
        )
        return self._spawn(name, datadir, settings or {}, password, set_password, is_replica=False)

    def start_replica(
        self, primary: Server, name: str, settings: Mapping[str, str] | None = None
    ) -> Server:
        """Start a streaming replica of `primary`, cloned with ``pg_basebackup -R``.

        Cloned over the primary's Unix socket, which ``-R`` then names in the replica's
        ``primary_conninfo``: it streams from there, with no password to keep. Its copy of the
        primary's roles gives it the primary's password.
        """
        from psycopg import sql  # on first use: see the package docstring

        datadir = self._new_datadir(name)
        self._run_tool(
            "pg_basebackup",
            ["-D", str(datadir), "-R", "-X", "stream", "-c", "fast"]
            + ["-h", str(primary.socket_dir), "-p", str(primary.port), "-U", SUPERUSER],
        )
        return self._spawn(
            name, datadir, settings or {}, primary.password, sql.SQL("SELECT 1"), is_replica=True
        )

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
        cached = workdirs.template(bin_dir() / "postgres", PG_HBA)
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
        self,
        name: str,
        datadir: Path,
        settings: Mapping[str, str],
        password: str,
        first_statement: sql.Composable,
        *,
        is_replica: bool,
    ) -> Server:
        """Start the server in `datadir`; once it answers on its socket, run `first_statement`
        there."""
        for _attempt in range(3):
            options = {
                **THROWAWAY_SETTINGS,
                **settings,
                # After a snippet's settings: no run may move or open up the socket.
                "unix_socket_directories": str(self.workdir),
                "unix_socket_permissions": "0700",
                "port": str(_free_port()),
            }
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
                server = Server(
                    name,
                    port,
                    datadir,
                    log_path,
                    process,
                    password,
                    self.workdir,
                    is_replica=is_replica,
                )
                self.servers.append(server)  # on the list before a signal can unwind us
            if _wait_until_ready(server, first_statement):
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


def _wait_until_ready(server: Server, first_statement: sql.Composable) -> bool:
    """Whether the server came up; if it did, `first_statement` has run on its socket."""
    import psycopg  # on first use: see the package docstring

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if wait_unreaped(server.process, 0):  # it ended: unreaped, for kill_group to end its group
            return False
        try:
            with psycopg.connect(**server.socket_conninfo(), connect_timeout=2) as conn:
                conn.execute(first_statement)
            return True
        except psycopg.OperationalError:
            time.sleep(0.02)
    return False
