"""What a test run makes once for all of pytest-xdist's workers.

Under ``--dist loadgroup`` a module's tests are spread over the workers, so a module-scoped
fixture runs once per worker that gets one of them: four builds of the same talk instead of
one. :func:`made_once` makes a folder once per run instead: the first worker to ask makes it,
holding a lock in the run's folder (the parent of each worker's own), and the others wait for
it and read it. What it returns is shared, so a test that changes it works on a copy.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

__all__ = ["made_once", "run_folder"]


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this pytest run that all of its workers share."""
    folder = tmp_path_factory.getbasetemp()
    # A worker's own folder is popen-gwN in the run's; the variable alone is no proof (a
    # pytest that a test starts inherits it).
    if os.environ.get("PYTEST_XDIST_WORKER") and folder.name.startswith("popen-"):
        folder = folder.parent
    return folder


def made_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]
) -> Path:
    """The folder `name` in the run's shared folder, made by ``make(folder)`` if no worker of
    this run has made it yet. If `make` fails, the next worker to ask tries again (and fails
    with its own message), so every test that needs it reports why."""
    shared = run_folder(tmp_path_factory)
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
