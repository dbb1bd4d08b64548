# talksite: privileged own-slot timeout=90 waits=2
"""The lab the TCP snippets share: an "app server" in a network namespace of its own, wired to
this machine (the database host) by a virtual cable, and a way to pull that cable silently.
Run it to see both work. Needs root and iproute2's `ip`; all it creates is named tsk<N>-...,
after the slot N its run claims, so that several runs can each wire a lab of their own."""

import contextlib
import fcntl
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import psycopg

# --8<-- [start:lab]
# Each run wires a lab of its own in the first free slot N (0 to 15): the app server is the
# namespace tsk<N>-app at 198.51.100.(4N + 2), this machine's end of the cable is tsk<N>-db at
# 198.51.100.(4N + 1), one /30 subnet per slot. A run alone gets slot 0: .1 and .2.
SLOTS = 16  # 198.51.100.0 to .63, addresses from a documentation range, used on these cables only
NAMESPACE = "tsk0-app"  # the app server: a network namespace, a network stack of its own
HOST_END = "tsk0-db"  # this machine's end of the virtual cable (a veth pair)
DB_HOST = "198.51.100.1"
APP_HOST = "198.51.100.2"
APP_END = "eth0"  # the app server's end of the cable, inside the namespace
NOBODY = "02:00:00:00:de:ad"  # a MAC address that no network card here has
_app_processes: list[subprocess.Popen[str]] = []


def use_slot(slot: int) -> None:
    """Name and address the lab after its slot (the constants above are slot 0's)."""
    global NAMESPACE, HOST_END, DB_HOST, APP_HOST
    NAMESPACE, HOST_END = f"tsk{slot}-app", f"tsk{slot}-db"
    DB_HOST, APP_HOST = f"198.51.100.{4 * slot + 1}", f"198.51.100.{4 * slot + 2}"


def ip(*args: str, namespace: str | None = None, check: bool = True) -> str:
    """Run iproute2's `ip` (inside `namespace` if given) and return what it printed."""
    command = ["ip", *(["-n", namespace] if namespace else []), *args]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {result.stderr.strip()}")
    return result.stdout


def in_namespace(*command: str) -> list[str]:
    """A command line that runs `command` on the app server."""
    return ["ip", "netns", "exec", NAMESPACE, *command]


def wire() -> None:
    """Put the app server on a network of its own, one virtual cable away from the database."""
    ip("netns", "add", NAMESPACE)
    ip("link", "add", HOST_END, "type", "veth", "peer", "name", APP_END, "netns", NAMESPACE)
    ip("addr", "add", f"{DB_HOST}/30", "dev", HOST_END)
    ip("link", "set", HOST_END, "up")
    ip("addr", "add", f"{APP_HOST}/30", "dev", APP_END, namespace=NAMESPACE)
    ip("link", "set", APP_END, "up", namespace=NAMESPACE)
    # The throwaway PostgreSQL listens on 127.0.0.1 only. Inside the namespace, 127.0.0.1 would be
    # the app server's own loopback, so we route it over the cable to the database host, and let
    # the two ends of the cable carry loopback addresses ("route_localnet"). There is no proxy in
    # between: the server's peer is the app server itself, at APP_HOST.
    ip("route", "add", "127.0.0.1/32", "via", DB_HOST, namespace=NAMESPACE)
    subprocess.run(["sysctl", "-qw", f"net.ipv4.conf.{HOST_END}.route_localnet=1"], check=True)
    subprocess.run(in_namespace("sysctl", "-qw", f"net.ipv4.conf.{APP_END}.route_localnet=1"),
                   check=True)  # fmt: skip


def cut() -> None:
    """Pull the cable without telling either side.

    Each side now addresses its frames to a MAC address nobody has: every packet still leaves
    (no error, no "link down" for TCP to notice) and the other end's card ignores it. Nothing
    comes back, not even a FIN or a RST: to each side, the other has silently disappeared.
    """
    ip("neigh", "replace", APP_HOST, "lladdr", NOBODY, "dev", HOST_END, "nud", "permanent")
    ip("neigh", "replace", DB_HOST, "lladdr", NOBODY, "dev", APP_END, "nud", "permanent",
       namespace=NAMESPACE)  # fmt: skip
    # --8<-- [end:lab]


def established(*prefix: str) -> list[list[str]]:
    """`ss`'s established TCP connections (after `prefix`): Recv-Q, Send-Q, local, peer."""
    output = subprocess.check_output([*prefix, "ss", "-tnH", "state", "established"], text=True)
    return [line.split() for line in output.splitlines()]


def unacknowledged() -> int:
    """Bytes sent on the app server's connections, by either end, that the other end has not
    acknowledged yet (Send-Q). This machine may still hold connections of an earlier app
    server, their last answer never acknowledged: those do not count."""
    there = established(*in_namespace())
    apps = {local for _, _, local, _ in there}
    here = [row for row in established() if row[3] in apps]
    return sum(int(send_q) for _, send_q, _, _ in there + here)


def wait_until_acknowledged() -> None:
    """Wait until each side has acknowledged all it received: a receiver may delay its ACKs,
    and data still unacknowledged at the cut would put TCP's retransmission timer in charge."""
    while unacknowledged():
        time.sleep(0.01)


def start_app(script: str, *args: str) -> subprocess.Popen[str]:
    """Run `python script args...` on the app server; talk to it through .stdin and .stdout."""
    process = subprocess.Popen(
        in_namespace(sys.executable, script, *args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _app_processes.append(process)
    return process


_NAME = re.compile(r"tsk(\d+)-(app|db)")  # what wire() creates in slot N


def leftovers() -> dict[int, list[str]]:
    """Namespaces and veths of the lab's slots that exist now: slot -> names."""
    namespaces = [line.split()[0] for line in ip("netns", "list").splitlines()]
    links = ip("-o", "link", "show", "type", "veth").splitlines()
    veths = [line.split(":")[1].strip().split("@")[0] for line in links]
    found: dict[int, list[str]] = {}
    for name in namespaces + veths:
        if match := _NAME.fullmatch(name):
            found.setdefault(int(match[1]), []).append(name)
    return found


def remove(names: list[str]) -> None:
    for name in names:  # links first: deleting one end of a veth deletes both, there and then
        ip("link", "delete", name, check=False)
    for name in names:  # (a namespace deleted first would leave its links to the kernel, later)
        ip("netns", "delete", name, check=False)


def slot_lock(slot: int) -> int:
    """A file descriptor of the slot's lock file, not locked yet."""
    path = os.path.join(tempfile.gettempdir(), f"talksite-tcp-slot-{slot}.lock")
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def claim_slot() -> int:
    """Lock the first slot no live run holds, name the lab after it, and return the lock's file
    descriptor: the lock is held until it is closed, or its holder dies. Then remove what
    killed runs (SIGKILL: no clean-up runs) left in this slot, or in any other nobody holds."""
    for mine in range(SLOTS):
        lock = slot_lock(mine)
        if try_lock(lock):
            break
        os.close(lock)
    else:
        sys.exit(f"all {SLOTS} slots of the TCP lab are in use")
    use_slot(mine)
    for slot, names in leftovers().items():
        if slot == mine:
            remove(names)
            continue
        other = slot_lock(slot)
        if try_lock(other):  # nobody wires it meanwhile: what is there now was left behind
            remove(leftovers().get(slot, []))
        os.close(other)
    return lock


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds the stack, so the clean-up below runs


@contextlib.contextmanager
def wired() -> Iterator[list[str]]:
    """A wired lab of this run's own for the length of a `with` block; all of it is removed
    afterwards.

    Yields a list that, after the block, names whatever could not be removed: checked while
    this run still holds its slot, before another run may wire the slot again.
    """
    if os.geteuid() != 0:
        sys.exit("the TCP lab needs root: it creates a network namespace and a veth pair")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    lock = claim_slot()
    left_behind: list[str] = []
    try:
        wire()
        yield left_behind
    finally:
        for process in _app_processes:
            process.kill()
            process.wait()
        _app_processes.clear()
        remove([NAMESPACE, HOST_END])
        mine = (NAMESPACE, HOST_END)
        left_behind.extend(n for names in leftovers().values() for n in names if n in mine)
        os.close(lock)


def app_server() -> None:
    """Runs on the app server: connect, then try again once the cable is pulled."""
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url) as conn:
        seen_as = conn.execute("SELECT inet_client_addr()").fetchone()[0]
        server = f"{conn.info.host}:{conn.info.port}"
    # Only now, the transaction committed and the connection closed: the cable may be pulled
    # as soon as this line is read, and a COMMIT cut off from its answer would wait for hours.
    print(f"app: connected to {server}; the server sees {seen_as}", flush=True)
    input()  # wait for the cable to be pulled
    try:
        psycopg.connect(url, connect_timeout=1)
    except psycopg.OperationalError as error:
        print(f"app: connecting again after the cut: {str(error).splitlines()[-1]}")


def main() -> None:
    with wired() as left_behind:
        app = start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        cut()
        print("cable pulled")
        app.stdin.write("go\n")  # the app may try again now
        app.stdin.flush()
        print(app.stdout.read(), end="")
    print(f"lab removed; left behind: {left_behind or 'nothing'}")


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
