"""Where runs get their databases, chosen once, from the environment: the user's server when
``TALKSITE_DATABASE_URL`` names one (and ``TALKSITE_REPLICA_DATABASE_URL`` its replica), else
a pool of servers that talksite starts."""

from __future__ import annotations

from talksite import environment
from talksite.postgres.pool import Pool
from talksite.postgres.users_server import UsersServer

__all__ = ["DatabaseSource", "from_environment"]

#: Both give a run a fresh database (``database(needs)``), say why they cannot
#: (``unavailable(needs)``) and start servers ahead (``warm(needs)``); what a session ran on
#: is said by talksite.checks.ran_on.
DatabaseSource = Pool | UsersServer


def from_environment() -> DatabaseSource:
    """The user's server if the environment names one, else a pool of our own; use the
    result as a context manager."""
    url = environment.setting(environment.DATABASE_URL)
    if url is None:
        return Pool()
    return UsersServer(url, environment.setting(environment.REPLICA_DATABASE_URL))
