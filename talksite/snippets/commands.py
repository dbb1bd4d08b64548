"""A kind's commands made concrete: the one that runs a snippet, and the one that asks its
tool for the version a recording's provenance names."""

from __future__ import annotations

import functools
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from talksite.errors import SetupError
from talksite.postgres import bin_dir
from talksite.processes import spawn
from talksite.snippets.kinds import Kind

__all__ = ["run_command", "spawn_in_session", "tool_version"]

_VERSION = re.compile(r"\d+(?:\.\d+)+")


def run_command(kind: Kind, path: Path, cwd: Path, database_url: str | None) -> list[str]:
    """How to run the snippet at `path` from `cwd` (on the database at `database_url`)."""
    shown = path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else str(path)
    values = {"path": shown, "abspath": str(path), "database_url": database_url or ""}
    return _expand(kind.command, values, kind)


def spawn_in_session(
    argv: list[str], *, env: Mapping[str, str], cwd: Path
) -> subprocess.Popen[bytes]:
    """Start a snippet's (or its companion's) command as it runs: in a session of its own, so
    that everything it starts can be found and ended, killed by the kernel if we are killed
    outright (SIGKILL, no clean-up), its output and errors merged on one pipe, no input."""
    return spawn(
        argv,
        new_session=True,
        parent_death_signal=signal.SIGKILL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=dict(env),
        cwd=cwd,
    )


def tool_version(kind: Kind) -> str:
    """The version the kind's tool reports (``psql --version`` -> ``18.1``)."""
    return _version(tuple(_expand(kind.version_command, {}, kind)))


@functools.cache
def _version(command: tuple[str, ...]) -> str:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SetupError(f"`{' '.join(command)}` failed ({error}); expected it to print a version")
    printed = (done.stdout or done.stderr).strip()
    found = _VERSION.search(printed)
    if done.returncode != 0 or not printed:
        raise SetupError(
            f"`{' '.join(command)}` exited with status {done.returncode}, printing"
            f" {printed[:80]!r}; expected it to print a version"
        )
    # `go version` says "go version go1.22.1 linux/amd64": the version-like word, else the line.
    return found.group(0) if found else printed.splitlines()[0]


def _expand(template: Sequence[str], values: dict[str, str], kind: Kind) -> list[str]:
    """`template` with its placeholders filled in; only those, so that other braces (an awk
    program's) stay as they are."""
    psql = "{psql}" in template[0]
    values = {"python": sys.executable, **values}
    if psql:
        values["psql"] = str(bin_dir() / "psql")
    argv = []
    for part in template:
        for name, value in values.items():
            part = part.replace(f"{{{name}}}", value)
        argv.append(part)
    program = argv[0]
    if shutil.which(program) is None:
        where = "in the PostgreSQL bin folder" if psql else "on PATH"
        raise SetupError(
            f"{kind.extension} snippets run with {program}, which is not {where}; install it"
            + (" or change the kind's run command in mkdocs.yml" if kind.declared else "")
        )
    return argv
