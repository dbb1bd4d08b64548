"""A full room for `talksite present --lan`: F followers and H half-open connections (a
slowloris that reconnects whenever present closes it), from a network namespace of their own,
while present runs under a soft open-file limit of 1024 (which it raises at start). Figures:

- how many followers were let in (and how many got a 503, with its reason);
- the presenter's steering: the round trip of each slide change (POST /_present/slide on
  127.0.0.1), median and p95; and how long until every follower had the change, median and
  p95 (each change must reach every follower that was let in);
- present's CPU while the room sits idle, and how much it wrote to stderr.

The namespace is 198.51.100.224/27's: present's audience listener at .225 on this machine's
end of a veth pair, the room at .226 up (followers and half-open sockets spread over the
addresses, as devices on a Wi-Fi would be). Needs root. Figures only, no timed asserts.

Usage: python benchmarks/present_room.py [--followers 1000] [--half-open 200] [--moves 40]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import build_site  # noqa: E402
from present_support import presenting  # noqa: E402

from talksite import deck  # noqa: E402
from talksite.present.room import FOLLOWERS_PER_ADDRESS  # noqa: E402

#: Two slides to move between.
SLIDES = tuple(
    s.anchor for s in deck.load_slides(REPO / "talk" / "slides.md", source="talk/slides.md")[1:3]
)

NAMESPACE, HOST_END, ROOM_END = "tsp-room", "tsp-rhost", "tsp-room0"
HOST = "198.51.100.225"
ROOM_ADDRESSES = [f"198.51.100.{n}" for n in range(226, 255)]
OPEN_FILES = 1024

#: Runs in the namespace: opens the followers and the half-open sockets, prints "ready" with
#: the answers' counts, then "all SLIDE TIME" whenever every admitted follower has the slide.
ROOM = r"""
import asyncio, collections, json, resource, sys, time
host, port, followers, half_open, per_address = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
addresses = json.loads(sys.argv[6])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
latest = {}
having = collections.Counter()
statuses = collections.Counter()
reasons = collections.Counter()

def now_has(number, slide):
    # Count the follower's slide; say so when every follower that is in has it.
    old = latest.get(number)
    if old is not None:
        having[old] -= 1
    latest[number] = slide
    having[slide] += 1
    if having[slide] == len(latest):
        print("all", slide, time.time(), flush=True)

async def follower(number, source):
    try:
        reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
        writer.write(f"GET /_present/follow HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
    except OSError as error:
        statuses[type(error).__name__] += 1
        return
    status = int(head.split()[1])
    statuses[status] += 1
    if status != 200:
        reasons[(await reader.read(500)).decode(errors="replace").strip()[:120]] += 1
        writer.close()
        return
    latest[number] = None
    while line := await reader.readline():
        if line.startswith(b"data: "):
            now_has(number, json.loads(line[6:])["slide"])
    print("lost", number, flush=True)

async def slowloris(source):
    while True:
        try:
            reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
            writer.write(f"GET /slides/ HTTP/1.1\r\nHost: {host}\r\n".encode())
            await reader.read()  # until present closes it
            writer.close()
        except OSError:
            await asyncio.sleep(0.5)

async def main():
    # Followers fill the first addresses up to the per-address cap; half-open ones the next.
    count = -(-followers // per_address)
    follows = [asyncio.create_task(follower(n, addresses[n // per_address])) for n in range(followers)]
    for n in range(half_open):
        asyncio.create_task(slowloris(addresses[count + n // per_address]))
    await asyncio.sleep(0)
    while sum(statuses.values()) < followers:
        await asyncio.sleep(0.05)
    print("ready", json.dumps({"statuses": statuses, "reasons": reasons}), flush=True)
    await asyncio.gather(*follows)

asyncio.run(main())
"""


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextlib.contextmanager
def room_namespace() -> Iterator[None]:
    try:
        ip("netns", "add", NAMESPACE)
        ip("link", "add", HOST_END, "type", "veth", "peer", "name", ROOM_END, "netns", NAMESPACE)
        ip("addr", "add", f"{HOST}/27", "dev", HOST_END)
        ip("link", "set", HOST_END, "up")
        for address in ROOM_ADDRESSES:
            ip("-n", NAMESPACE, "addr", "add", f"{address}/27", "dev", ROOM_END)
        ip("-n", NAMESPACE, "link", "set", ROOM_END, "up")
        ip("-n", NAMESPACE, "link", "set", "lo", "up")
        yield
    finally:
        subprocess.run(["ip", "link", "delete", HOST_END], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "delete", NAMESPACE], capture_output=True, check=False)


def until(process: subprocess.Popen[str], prefix: str, lost: list[str]) -> str:
    """The next line of the room's that starts with `prefix`; followers lost meanwhile
    are added to `lost`."""
    while not (line := next_line(process, 120)).startswith(prefix):
        if line.startswith("lost "):
            lost.append(line)
    return line


def next_line(process: subprocess.Popen[str], timeout_s: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    if not ready:
        raise SystemExit(f"the room said nothing for {timeout_s} s")
    line = process.stdout.readline()
    if not line:
        raise SystemExit("the room's process ended")
    return line.strip()


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--half-open", type=int, default=200)
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--idle-s", type=float, default=10.0)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root: it makes a network namespace")
    needed = -(-args.followers // FOLLOWERS_PER_ADDRESS) + -(-args.half_open // 50)
    if needed > len(ROOM_ADDRESSES):
        raise SystemExit(f"at most {len(ROOM_ADDRESSES) * 50} followers and half-open sockets")
    site = build_site(Path(tempfile.mkdtemp(prefix="present-room-")) / "site")
    # present inherits the soft limit (and raises it as far as the hard one lets it).
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, hard))
    with (
        room_namespace(),
        presenting(REPO, "--site", str(site.root), "--lan", HOST) as present,
    ):
        print(*(line for line in present.printed if line.startswith("talksite: room")), sep="\n")
        base = present.base

        def move(slide: str) -> tuple[float, float]:
            """One slide change as the presenter's deck makes it; the round trip in ms,
            and when it was sent. A connection each: an idle one is closed after 5 s."""
            steer = http.client.HTTPConnection(*present.address, timeout=30)
            sent = time.time()
            started = time.perf_counter()
            steer.request(
                "POST",
                "/_present/slide",
                body=json.dumps({"slide": slide}),
                headers={"Content-Type": "application/json", "X-Talksite-Token": present.token},
            )
            response = steer.getresponse()
            response.read()
            steer.close()
            assert response.status == 200, response.status
            return (time.perf_counter() - started) * 1000, sent

        move(SLIDES[0])
        command = [
            "ip", "netns", "exec", NAMESPACE, sys.executable, "-c", ROOM, HOST,
            str(present.address[1]), str(args.followers), str(args.half_open),
            str(FOLLOWERS_PER_ADDRESS), json.dumps(ROOM_ADDRESSES),
        ]  # fmt: skip
        room = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        try:
            started = time.monotonic()
            lost: list[str] = []
            ready = until(room, "ready ", lost)
            answers = json.loads(ready.split(" ", 1)[1])
            print(f"followers: {answers['statuses']} in {time.monotonic() - started:.1f} s")
            for reason, count in answers["reasons"].items():
                print(f"  refused ({count}): {reason}")
            # Every follower let in has the current slide (said once the last one had it).
            idle_cpu = cpu_s(present.process.pid)
            time.sleep(args.idle_s)
            idle = (cpu_s(present.process.pid) - idle_cpu) / args.idle_s * 100
            steering, reach = [], []
            for number in range(args.moves):
                slide = SLIDES[(number + 1) % 2]
                took_ms, sent = move(slide)
                steering.append(took_ms)
                line = until(room, f"all {slide} ", lost)
                reach.append((float(line.split()[2]) - sent) * 1000)
        finally:
            room.kill()
            room.wait()
        stderr_bytes = len(present.stderr().encode())
    print(f"present at {base}, {args.half_open} half-open sockets reconnecting throughout")
    print(f"idle CPU with the room following: {idle:.1f} % of a core over {args.idle_s:.0f} s")
    print(
        f"steering round trip: median {statistics.median(steering):.1f} ms,"
        f" p95 {percentile(steering, 0.95):.1f} ms over {len(steering)} moves"
    )
    print(
        f"change reached every follower: median {statistics.median(reach):.1f} ms,"
        f" p95 {percentile(reach, 0.95):.1f} ms"
    )
    print(f"followers lost on the way: {len(lost)}")
    print(f"present's stderr: {stderr_bytes} bytes")


if __name__ == "__main__":
    main()
