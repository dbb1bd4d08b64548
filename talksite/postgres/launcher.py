"""Start and stop real PostgreSQL servers (:mod:`~talksite.postgres.server`): primaries
copied from a cached initdb (:mod:`~talksite.postgres.template`), and streaming replicas
cloned with ``pg_basebackup -R``.

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
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from talksite.errors import ServerError
from talksite.postgres import workdirs
from talksite.postgres.binaries import bin_dir, make_traversable, service_user_ids
from talksite.postgres.credentials import new_password, scram_verifier
from talksite.postgres.server import (
    START_TIMEOUT_S,
    SUPERUSER,
    Server,
    start_options,
    wait_until_ready,
)
from talksite.postgres.template import initdb_template
from talksite.processes import kill_group, signals_deferred, spawn, wait_unreaped
from talksite.processes import run as run_to_end

if TYPE_CHECKING:
    from psycopg import sql

__all__ = ["Launcher"]

STOP_TIMEOUT_S = 3.0

#: Where a Unix socket's path must fit (``sun_path``, less its terminating NUL).
MAX_SOCKET_PATH = 107


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
        """The template this launcher's servers are copies of; looked up once."""
        if self._template is None:
            self._template = initdb_template(
                owner=self._ids[0] if self._ids is not None else os.geteuid(),
                building=self._new_datadir("template"),
                run_tool=self._run_tool,
            )
        return self._template

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
            options = start_options(settings, socket_dir=self.workdir)
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
            if wait_until_ready(server, first_statement):
                return server
            log_tail = server.log_tail()
            self.servers.remove(server)
            kill_group(process)
            if "could not bind" not in log_tail:  # only a port race is worth another try
                break
        shutil.rmtree(datadir, ignore_errors=True)
        raise ServerError(f"PostgreSQL server {name!r} did not start:\n{log_tail}")
