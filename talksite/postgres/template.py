"""The initdb'd data directory that each new server starts from as a copy, with the
``pg_hba.conf`` that every server gets.

Copying takes a tenth of initdb's time, so the template is kept between runs, where
:func:`talksite.postgres.workdirs.template` says (initdb output, no data, no password).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from talksite.postgres import workdirs
from talksite.postgres.binaries import bin_dir
from talksite.postgres.server import SUPERUSER

__all__ = ["PG_HBA", "initdb_template"]

# TCP asks for the server's password; the Unix socket's folder lets in only its own user (and
# root): see :mod:`talksite.postgres.launcher`.
PG_HBA = """\
local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
host all all 198.51.100.0/24 scram-sha-256
"""


def initdb_template(
    *, owner: int, building: Path, run_tool: Callable[[str, list[str]], None]
) -> Path:
    """The kept template if `owner` owns it, else one initdb'd by `run_tool` into `building`
    and kept from now on (or, if another run kept one first, `building` itself)."""
    cached = workdirs.template(bin_dir() / "postgres", PG_HBA)

    def usable() -> bool:
        return (cached / "PG_VERSION").is_file() and cached.stat().st_uid == owner

    if usable():
        return cached
    run_tool(
        "initdb",
        ["-D", str(building), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
        + ["--locale=C", "--no-sync", "--no-instructions"],
    )
    (building / "pg_hba.conf").write_text(PG_HBA)
    # Only a stale template goes (say, the service user's uid changed): a usable one that a
    # concurrent run put there meanwhile may be being copied right now.
    if cached.exists() and not usable():
        shutil.rmtree(cached, ignore_errors=True)
    try:
        building.rename(cached)  # atomic: a concurrent run sees all of it or none
    except OSError:
        return building  # another run got there first; use our own copy
    return cached
