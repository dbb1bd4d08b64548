"""A PostgreSQL server that a :class:`~talksite.postgres.Launcher` starts: the settings it
starts with, how to reach it (its superuser's URL over TCP, its Unix socket), its log, and
whether it is up yet."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from talksite.processes import wait_unreaped

if TYPE_CHECKING:
    from psycopg import sql

__all__ = [
    "HOST",
    "START_TIMEOUT_S",
    "SUPERUSER",
    "THROWAWAY_SETTINGS",
    "Server",
    "start_options",
    "wait_until_ready",
]

SUPERUSER = "postgres"
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0

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


def start_options(settings: Mapping[str, str], *, socket_dir: Path) -> dict[str, str]:
    """A new server's settings: the throwaway ones, a run's `settings`, then its socket in
    `socket_dir` and a free port."""
    return {
        **THROWAWAY_SETTINGS,
        **settings,
        # After a snippet's settings: no run may move or open up the socket.
        "unix_socket_directories": str(socket_dir),
        "unix_socket_permissions": "0700",
        "port": str(_free_port()),
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_ready(server: Server, first_statement: sql.Composable) -> bool:
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
