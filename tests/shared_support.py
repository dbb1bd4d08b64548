"""What a test run makes once for all of pytest-xdist's workers.

Under ``--dist loadgroup`` a module's tests are spread over the workers, so a module-scoped
fixture runs once per worker that gets one of them: four builds of the same talk instead of
one. :func:`made_once` makes a folder once per run instead: the first worker to ask makes it,
holding a lock in the run's folder (the parent of each worker's own), and the others wait for
it and read it (:func:`talksite.checks.collect.run_folder`, where the generated checks share
their build too). What it returns is shared, so a test that changes it works on a copy.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from talksite.checks.collect import run_folder

__all__ = ["USERS_OWN_SERVER", "made_once"]

#: The xdist group of the tests that use conftest's ``users_own_server_url``: one worker, so
#: one server.
USERS_OWN_SERVER = "users-own-server"


def made_once(config: pytest.Config, name: str, make: Callable[[Path], object]) -> Path:
    """The folder `name` in the run's shared folder, made by ``make(folder)`` if no worker of
    this run has made it yet. If `make` fails, the next worker to ask tries again (and fails
    with its own message), so every test that needs it reports why."""
    shared = run_folder(config)
    folder = shared / name
    made = shared / f"{name}.made"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            if folder.exists():  # left by a worker whose `make` failed
                shutil.rmtree(folder)
            make(folder)
            made.touch()
    return folder
