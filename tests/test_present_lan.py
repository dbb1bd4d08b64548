"""``talksite present --lan`` seen from another machine: a network namespace of this test's
own, at 198.51.100.194, over a veth pair to this machine's end at 198.51.100.193. From there
the audience page follows the presenter, and every control or run request is refused, with
the presenter's token or without. And Ctrl-C in the middle of a demo that wires the TCP lab
leaves no namespace behind.

The addresses are 198.51.100.192/26's (the TCP and outage labs use the rest of the range);
a lock file claims them, and the namespace and veth go however the test ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import select
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import REPO, BuiltSite
from present_support import post, presenting, start_run
from snippet_support import lock_held
from tcp_lab_support import lab_of, slot_lock, slot_of

from talksite import deck, processes

pytestmark = pytest.mark.privileged

NAMESPACE, HOST_END, AUDIENCE_END = "tsp-aud", "tsp-host", "tsp-aud0"
HOST, AUDIENCE = "198.51.100.193", "198.51.100.194"
LOCK_FILE = Path(tempfile.gettempdir()) / "talksite-present-lan.lock"
#: A slide whose demo wires the TCP lab (snippets/tcp/lab.py), the line it prints once wired,
#: and the lock a run holds meanwhile.
TCP_SLIDE, WIRED = "tcp-silent", "app: waiting in recv()"
#: Prints one line per slide event the audience's stream delivers.
FOLLOWER = """
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/_present/follow", timeout=60) as stream:
    for line in stream:
        if line.startswith(b"data: "):
            print(line[6:].decode().strip(), flush=True)
"""
#: Prints the page at a URL.
PAGE = "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())"
#: Sends one request from the audience's machine; prints the status and the answer.
REQUEST = """
import json, sys, urllib.error, urllib.request
url, token = sys.argv[1], sys.argv[2]
headers = {"Content-Type": "application/json", **({"X-Talksite-Token": token} if token else {})}
request = urllib.request.Request(url, data=b'{"slide": "locking-queue"}', headers=headers)
try:
    with urllib.request.urlopen(request, timeout=30) as answer:
        print(answer.status, answer.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
"""


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextlib.contextmanager
def audience_machine() -> Iterator[None]:
    """The namespace and its cable, while the block runs; removed even when it fails."""
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            ip("netns", "add", NAMESPACE)
            ip(
                "link",
                "add",
                HOST_END,
                "type",
                "veth",
                "peer",
                "name",
                AUDIENCE_END,
                "netns",
                NAMESPACE,
            )
            ip("addr", "add", f"{HOST}/30", "dev", HOST_END)
            ip("link", "set", HOST_END, "up")
            ip("-n", NAMESPACE, "addr", "add", f"{AUDIENCE}/30", "dev", AUDIENCE_END)
            ip("-n", NAMESPACE, "link", "set", AUDIENCE_END, "up")
            yield
        finally:
            subprocess.run(["ip", "link", "delete", HOST_END], capture_output=True, check=False)
            subprocess.run(["ip", "netns", "delete", NAMESPACE], capture_output=True, check=False)


def from_audience(script: str, *args: str, **popen: object) -> subprocess.Popen[bytes]:
    command = ["ip", "netns", "exec", NAMESPACE, sys.executable, "-c", script, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def next_line(process: subprocess.Popen[bytes], timeout_s: float = 30) -> str:
    """The next line it prints. (How soon it comes is the benchmark's to measure.)"""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    assert ready, "nothing came from the audience's machine"
    return process.stdout.readline().decode().strip()


def test_from_another_address_the_audience_follows_and_cannot_steer(built_site: BuiltSite) -> None:
    slides = deck.load_slides(REPO / "talk" / "slides.md", source="talk/slides.md")
    with (
        audience_machine(),
        presenting(REPO, "--site", str(built_site.root), "--lan", HOST) as present,
    ):
        assert present.audience_url is not None and present.audience_url.startswith(
            f"http://{HOST}:"
        )
        lan_base = present.audience_url.removesuffix("/slides/")
        fetched = from_audience(PAGE, present.audience_url)
        page, _ = fetched.communicate(timeout=30)
        assert fetched.returncode == 0
        assert b'class="notes"' not in page
        assert (
            f"QR code: {present.audience_url}".encode() in page
        )  # the QR slide shows the audience's URL
        post(f"{present.base}/_present/slide", {"slide": slides[0].anchor}, token=present.token)
        follower = from_audience(FOLLOWER, lan_base)
        try:
            assert json.loads(next_line(follower))["slide"] == slides[0].anchor
            for index in (1, 2, 3):
                status, _ = post(
                    f"{present.base}/_present/slide",
                    {"slide": slides[index].anchor},
                    token=present.token,
                )
                assert status == 200
                assert json.loads(next_line(follower))["slide"] == slides[index].anchor
        finally:
            follower.kill()
            follower.wait()
            assert follower.stdout is not None
            follower.stdout.close()
        for path in ("slide", "run", "stop"):
            for token in ("", "wrong", present.token):
                with from_audience(REQUEST, f"{lan_base}/_present/{path}", token) as asked:
                    answer = next_line(asked, 30)
                assert answer.startswith("403 "), (path, token == present.token, answer)


def test_ctrl_c_during_a_network_demo_leaves_no_namespace(built_site: BuiltSite) -> None:
    with (
        presenting(REPO, "--site", str(built_site.root)) as present,
        start_run(present, TCP_SLIDE, timeout_s=120) as response,
    ):
        # Wait until the lab is wired and its app runs in its namespace, then Ctrl-C.
        while WIRED not in (line := response.readline().decode()):
            assert line, "the run ended before its lab was wired"
        slot = slot_of(processes.proc.descendants(present.process.pid))
        assert lab_of(slot) != [], "the lab should be wired now"
        assert present.stop() == 128 + signal.SIGINT
    with lock_held(slot_lock(slot)):
        assert lab_of(slot) == []
