"""Real PostgreSQL for the snippets: throwaway servers of our own, or the user's.

:mod:`~talksite.postgres.source` chooses between them once, from the environment;
:mod:`~talksite.postgres.pool` keeps the servers talksite starts, by what runs need;
:mod:`~talksite.postgres.users_server` creates each run's database on the user's server;
:mod:`~talksite.postgres.databases` says what a run needs and makes its fresh database;
:mod:`~talksite.postgres.binaries` finds the binaries and runs them as the right user,
:mod:`~talksite.postgres.launcher` starts and stops servers and replicas (each with a password
of its own, :mod:`~talksite.postgres.credentials`) as copies of the initdb template
(:mod:`~talksite.postgres.template`, kept where :mod:`~talksite.postgres.workdirs` says),
:mod:`~talksite.postgres.server` is one running server and how to reach it, and
:mod:`~talksite.postgres.replication` follows a replica.

psycopg is imported where a function connects, never at a module's top: it is a third of
talksite's start-up, and the commands that never connect (build, new, chapters) import this
package.
"""

from talksite.errors import ServerError
from talksite.postgres.binaries import bin_dir, default_major
from talksite.postgres.databases import Database, Needs
from talksite.postgres.launcher import Launcher
from talksite.postgres.pool import Pool
from talksite.postgres.replication import (
    current_lsn,
    pause_replay,
    resume_replay,
    wait_for_replay,
)
from talksite.postgres.server import Server
from talksite.postgres.source import DatabaseSource, from_environment
from talksite.postgres.users_server import UsersServer

__all__ = [
    "Database",
    "DatabaseSource",
    "Launcher",
    "Needs",
    "Pool",
    "Server",
    "ServerError",
    "UsersServer",
    "bin_dir",
    "current_lsn",
    "default_major",
    "from_environment",
    "pause_replay",
    "resume_replay",
    "wait_for_replay",
]
