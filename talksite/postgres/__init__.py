"""Real PostgreSQL for the snippets: throwaway servers of our own, or the user's.

:mod:`~talksite.postgres.binaries` finds the binaries and runs them as the right user,
:mod:`~talksite.postgres.launcher` starts and stops servers and replicas,
:mod:`~talksite.postgres.replication` follows a replica, and
:mod:`~talksite.postgres.servers` hands out a fresh database per run.
"""

from talksite.errors import ServerError
from talksite.postgres.binaries import bin_dir, default_major
from talksite.postgres.launcher import Launcher, Server
from talksite.postgres.replication import (
    current_lsn,
    pause_replay,
    resume_replay,
    wait_for_replay,
)
from talksite.postgres.servers import (
    DATABASE_URL_VARIABLE,
    REPLICA_URL_VARIABLE,
    Database,
    Servers,
    throwaway_database,
)

__all__ = [
    "DATABASE_URL_VARIABLE",
    "REPLICA_URL_VARIABLE",
    "Database",
    "Launcher",
    "Server",
    "ServerError",
    "Servers",
    "bin_dir",
    "default_major",
    "current_lsn",
    "pause_replay",
    "resume_replay",
    "throwaway_database",
    "wait_for_replay",
]
