"""The app server the deploy runs its migration on: a network namespace joined to this machine
(the database host) by a virtual cable that can be cut without either side noticing.

It is the lab of snippets/tcp/lab.py (read that first), with one change: a run may wire several
app servers, each in a slot of its own, so that the matrix can wire 16 at once. Slot N is the
namespace `tso<N>`, the cable end `tso<N>-db` on this machine at 198.51.100.(65 + 4N), and the
app server at 198.51.100.(66 + 4N). A run claims its slot with a lock file; the lock goes when
its holder dies, and whoever claims the slot next removes what a killed run left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

SLOTS = 32  # 198.51.100.64 to .191: a /30 subnet per slot, apart from the TCP lab's .0 to .63
PREFIX = "tso"  # every namespace and veth made here is named tso<N> or tso<N>-db
APP_END = "eth0"  # the app server's end of the cable, inside its namespace
NOBODY = "02:00:00:00:de:ad"  # a MAC address that no network card here has


def ip(*args: str, namespace: str | None = None, check: bool = True) -> str:
    """Run iproute2's `ip` (inside `namespace` if given) and return what it printed."""
    command = ["ip", *(["-n", namespace] if namespace else []), *args]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {result.stderr.strip()}")
    return result.stdout


@dataclass
class AppServer:
    """One wired app server; `start()` runs a process on it, `cut()` silences its cable."""

    slot: int
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return f"{PREFIX}{self.slot}"

    @property
    def host_end(self) -> str:
        return f"{PREFIX}{self.slot}-db"

    @property
    def db_host(self) -> str:
        return f"198.51.100.{65 + 4 * self.slot}"

    @property
    def address(self) -> str:
        return f"198.51.100.{66 + 4 * self.slot}"

    def wire(self) -> None:
        ns, host_end = self.namespace, self.host_end
        ip("netns", "add", ns)
        ip("link", "add", host_end, "type", "veth", "peer", "name", APP_END, "netns", ns)
        ip("addr", "add", f"{self.db_host}/30", "dev", host_end)
        ip("link", "set", host_end, "up")
        ip("addr", "add", f"{self.address}/30", "dev", APP_END, namespace=ns)
        ip("link", "set", APP_END, "up", namespace=ns)
        # The server listens on 127.0.0.1: route it over the cable (see snippets/tcp/lab.py).
        ip("route", "add", "127.0.0.1/32", "via", self.db_host, namespace=ns)
        for command in (
            ["sysctl", "-qw", f"net.ipv4.conf.{host_end}.route_localnet=1"],
            [
                "ip",
                "netns",
                "exec",
                ns,
                "sysctl",
                "-qw",
                f"net.ipv4.conf.{APP_END}.route_localnet=1",
            ],
        ):
            subprocess.run(command, check=True)

    def start(self, *command: str) -> subprocess.Popen[str]:
        """Run `command` on the app server, with pipes for stdin and stdout (stderr merged)."""
        process = subprocess.Popen(
            ["ip", "netns", "exec", self.namespace, *command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def cut(self) -> None:
        """Pull the cable without telling either side: both now send to a MAC nobody has."""
        ip("neigh", "replace", self.address, "lladdr", NOBODY, "dev", self.host_end,
           "nud", "permanent")  # fmt: skip
        ip("neigh", "replace", self.db_host, "lladdr", NOBODY, "dev", APP_END, "nud", "permanent",
           namespace=self.namespace)  # fmt: skip

    def unacknowledged(self, port: int) -> int:
        """Bytes this machine has sent the app server from `port`, never acknowledged: the
        Send-Q that `ss -tn` shows for that connection (0 if there is none)."""
        output = subprocess.run(
            ["ss", "-tnH", "state", "established", "dst", self.address, "sport", f"= :{port}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return int(output[1]) if output else 0

    def remove(self) -> None:
        """Kill what runs on it and delete the namespace, which takes the cable with it."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        self.processes.clear()
        ip("netns", "delete", self.namespace, check=False)
        ip("link", "delete", self.host_end, check=False)  # if the namespace was half made


def leftovers() -> list[str]:
    """Namespaces and veths named tso... that exist now."""
    namespaces = [line.split()[0] for line in ip("netns", "list").splitlines()]
    links = ip("-o", "link", "show", "type", "veth").splitlines()
    veths = [line.split(":")[1].strip().split("@")[0] for line in links]
    return sorted(name for name in namespaces + veths if name.startswith(PREFIX))


def _claim_slot() -> tuple[int, int]:
    """The first slot no live run holds: (slot, file descriptor holding its lock)."""
    for slot in range(SLOTS):
        path = os.path.join(tempfile.gettempdir(), f"talksite-outage-slot-{slot}.lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return slot, fd
    raise RuntimeError(f"all {SLOTS} app server slots are in use")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds the stack, so the clean-up below runs


@contextlib.contextmanager
def app_server() -> Iterator[AppServer]:
    """A wired app server for the length of a `with` block; all of it is removed afterwards."""
    if os.geteuid() != 0:
        sys.exit("the outage needs root: it creates a network namespace and a veth pair")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    slot, lock = _claim_slot()
    server = AppServer(slot)
    try:
        server.remove()  # what a SIGKILLed run in this slot left behind, if anything
        server.wire()
        yield server
    finally:
        server.remove()
        os.close(lock)
