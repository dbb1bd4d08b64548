"""Where runs get their databases, chosen once, from the environment: the user's server when
``TALKSITE_DATABASE_URL`` names one (and ``TALKSITE_REPLICA_DATABASE_URL`` its replica), else
a pool of servers that talksite starts."""

from __future__ import annotations

import os

from talksite.postgres.pool import Pool
from talksite.postgres.users_server import UsersServer

__all__ = ["DATABASE_URL_VARIABLE", "REPLICA_URL_VARIABLE", "DatabaseSource", "from_environment"]

#: Environment variables through which a user names servers of their own.
DATABASE_URL_VARIABLE = "TALK_DATABASE_URL"
REPLICA_URL_VARIABLE = "TALK_REPLICA_DATABASE_URL"

#: Both give a run a fresh database (``database(needs)``), say why they cannot
#: (``unavailable(needs)``), start servers ahead (``warm(needs)``) and describe themselves.
DatabaseSource = Pool | UsersServer


def from_environment() -> DatabaseSource:
    """The user's server if the environment names one, else a pool of our own; use the
    result as a context manager."""
    url = os.environ.get(DATABASE_URL_VARIABLE)
    if not url:
        return Pool()
    return UsersServer(
        url,
        os.environ.get(REPLICA_URL_VARIABLE) or None,
        variable=DATABASE_URL_VARIABLE,
        replica_variable=REPLICA_URL_VARIABLE,
    )
