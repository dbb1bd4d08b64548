"""``talksite present`` in a hostile room, over real sockets: too many followers or
connections from one address get a 503 with the reason, and the presenter's own listener
still answers; a connection that never finishes its request is closed; oversized, deeply
nested and long-winded bodies are refused with a 4xx and a short reason; no spelling of the
deck's path serves its notes; every response carries the security headers.

One present for the module, with an audience listener at 127.0.0.2 (a loopback address, so
no namespace is needed: the audience's limits apply to that listener whatever the address).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from browser_support import REPO, BuiltSite
from present_support import Presenting, post, presenting

from talksite.present.connections import REQUEST_TIMEOUT_S
from talksite.present.guard import MAX_BODY_BYTES, MAX_JSON_DEPTH
from talksite.present.room import CONNECTIONS_PER_ADDRESS, FOLLOWERS_PER_ADDRESS

pytestmark = pytest.mark.xdist_group("present")
AUDIENCE_HOST = "127.0.0.2"
#: Long enough for a loaded machine to answer; far shorter than anything that hangs.
ANSWER_S = 30


@pytest.fixture(scope="module")
def present(built_site: BuiltSite) -> Iterator[Presenting]:
    with presenting(REPO, "--site", str(built_site.root), "--lan", AUDIENCE_HOST) as running:
        yield running


def audience_address(present: Presenting) -> tuple[str, int]:
    return AUDIENCE_HOST, present.address[1]


def request_bytes(host: str, path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()


def read_head(connection: socket.socket) -> bytes:
    """The response's status line and headers, and what came with them."""
    connection.settimeout(ANSWER_S)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def rest_of_body(stream: Stream) -> bytes:
    """The body of an answer with a Content-Length, of which `stream` has read the head."""
    head, body = stream.head.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += stream.connection.recv(65536)
    return body


@contextlib.contextmanager
def sockets(count: int, address: tuple[str, int]) -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            opened.append(socket.create_connection(address, timeout=ANSWER_S))
        yield opened
    finally:
        for each in opened:
            each.close()


@dataclass
class Stream:
    """An audience page's stream: its connection, and the head of the answer it got."""

    connection: socket.socket
    head: bytes

    def close(self) -> None:
        self.connection.close()


def follow(address: tuple[str, int]) -> Stream:
    connection = socket.create_connection(address, timeout=ANSWER_S)
    connection.sendall(request_bytes(address[0], "/_present/follow"))
    return Stream(connection, read_head(connection))


def test_a_follower_beyond_the_per_address_cap_gets_a_503_and_its_seat_comes_back(
    present: Presenting,
) -> None:
    address = present.address
    streams = []
    try:
        for _ in range(FOLLOWERS_PER_ADDRESS):
            streams.append(follow(address))
            assert streams[-1].head.startswith(b"HTTP/1.1 200 "), streams[-1].head
        extra = follow(address)
        streams.append(extra)
        assert extra.head.startswith(b"HTTP/1.1 503 "), extra.head
        body = rest_of_body(extra)
        assert f"has {FOLLOWERS_PER_ADDRESS} pages following already".encode() in body, body
        # A page that goes gives its seat back: the next one follows (once the server has
        # seen the first go).
        streams.pop(0).close()
        deadline = time.monotonic() + ANSWER_S
        while True:
            again = follow(address)
            streams.append(again)
            if again.head.startswith(b"HTTP/1.1 200 "):
                break
            assert time.monotonic() < deadline, again.head
    finally:
        for stream in streams:
            stream.close()


def test_a_full_audience_listener_gets_503s_while_the_presenter_still_steers(
    present: Presenting,
) -> None:
    with sockets(CONNECTIONS_PER_ADDRESS, audience_address(present)) as held:
        # The held ones are in once the server has taken them: one answer proves the order.
        held[-1].sendall(request_bytes(AUDIENCE_HOST, "/_present/nothing"))
        assert read_head(held[-1]).startswith(b"HTTP/1.1 404 ")
        with socket.create_connection(audience_address(present), timeout=ANSWER_S) as extra:
            head = read_head(extra)
        assert head.startswith(b"HTTP/1.1 503 "), head
        reason = head.split(b"\r\n\r\n", 1)[1].decode()
        assert reason.strip().endswith(f"has {CONNECTIONS_PER_ADDRESS} connections open already")
        assert len(reason.strip().splitlines()) == 1
        status, answer = post(
            f"{present.base}/_present/slide", {"slide": "about"}, token=present.token
        )
        assert status == 200, answer


def test_connections_that_never_finish_a_request_are_closed_after_the_timeout(
    present: Presenting,
) -> None:
    with sockets(2, audience_address(present)) as (silent, slowloris):
        follower = follow(audience_address(present))
        started = time.monotonic()
        slowloris.sendall(b"GET /slides/ HTTP/1.1\r\nHost: 127.0.0.2\r\n")
        closed: dict[str, float] = {}
        names = {silent: "silent", slowloris: "slowloris"}
        # A header line a second: the request never completes, and no byte earns more time.
        while len(closed) < 2 and time.monotonic() - started < REQUEST_TIMEOUT_S + ANSWER_S:
            with contextlib.suppress(OSError):
                slowloris.sendall(b"X-Still-Typing: yes\r\n")
            ready, _, _ = select.select([s for s in names if names[s] not in closed], [], [], 1)
            for each in ready:
                with contextlib.suppress(OSError):
                    if each.recv(65536):
                        continue
                closed[names[each]] = time.monotonic() - started
        # A stream whose request came whole lives on.
        status, _ = post(f"{present.base}/_present/slide", {"slide": "about"}, token=present.token)
        assert status == 200
        events = follower.head
        while b'"slide": "about"' not in events:
            events += follower.connection.recv(65536)
        follower.close()
    assert set(closed) == {"silent", "slowloris"}, closed
    for name, after_s in closed.items():
        assert REQUEST_TIMEOUT_S - 1 <= after_s < REQUEST_TIMEOUT_S + ANSWER_S, (name, after_s)


def raw_post(present: Presenting, body: bytes, *, chunked: bool = False) -> tuple[int, str]:
    """POST `body` to /_present/slide as the presenter (`chunked`: without a length)."""
    connection = http.client.HTTPConnection(*present.address, timeout=ANSWER_S)
    with contextlib.closing(connection):
        headers = {"Content-Type": "application/json", "X-Talksite-Token": present.token}
        connection.request(
            "POST",
            "/_present/slide",
            body=iter([body]) if chunked else body,
            headers=headers,
            encode_chunked=chunked,
        )
        response = connection.getresponse()
        return response.status, response.read().decode()


def test_a_50_mb_body_is_refused_by_its_length_unread(present: Presenting) -> None:
    # Only the length is sent: a server that read the body would wait for it.
    with socket.create_connection(present.address, timeout=ANSWER_S) as connection:
        connection.sendall(
            b"POST /_present/slide HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n"
            + f"X-Talksite-Token: {present.token}\r\n".encode()
            + b"Content-Length: 50000000\r\n\r\n"
        )
        head = read_head(connection)
    assert head.startswith(b"HTTP/1.1 413 "), head
    assert len(head) < 2000


def test_a_body_over_the_cap_without_a_length_gets_413(present: Presenting) -> None:
    body = json.dumps({"slide": "x" * (MAX_BODY_BYTES + 1)}).encode()
    status, text = raw_post(present, body, chunked=True)
    assert status == 413, text
    assert json.loads(text) == {"error": "the body is larger than 64 KiB"}


def test_deeply_nested_json_gets_400_not_a_recursion_error(present: Presenting) -> None:
    depth = 30_000  # within the size cap, and far past the parser's recursion limit
    body = ('{"slide": ' + "[" * depth + "]" * depth + "}").encode()
    assert len(body) < MAX_BODY_BYTES
    status, text = raw_post(present, body)
    assert status == 400, text
    assert json.loads(text)["error"] == f"the body nests deeper than {MAX_JSON_DEPTH} levels"
    assert "RecursionError" not in present.stderr()
    assert "Traceback" not in present.stderr()


def test_a_long_slide_id_is_quoted_short(present: Presenting) -> None:
    status, answer = post(
        f"{present.base}/_present/slide", {"slide": "x" * 60_000}, token=present.token
    )
    assert status == 404
    reason = str(answer["error"])
    assert reason.startswith("this deck has no slide 'xxx") and reason.endswith(
        "… (60000 characters)"
    )
    assert len(reason) < 150


@pytest.mark.parametrize(
    "path",
    [
        "/slides/",
        "/slides/index.html",
        "/slides/./index.html",
        "//slides/",
        "//slides//index.html",
        "/slides/.",
        "/layer/../slides/",
        "/%73lides/",
        "/slides/%2e/index.html",
        "/slides%2Findex.html",
    ],
)
def test_no_spelling_of_the_decks_path_serves_its_notes(present: Presenting, path: str) -> None:
    for address in (present.address, audience_address(present)):
        with socket.create_connection(address, timeout=ANSWER_S) as connection:
            connection.sendall(request_bytes(address[0], path, "Connection: close\r\n"))
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 "), (path, answer[:200])
        assert b'class="reveal"' in answer
        assert b'class="notes"' not in answer, path


def test_every_response_carries_the_security_headers(present: Presenting) -> None:
    answers = []
    for method, path in [
        ("GET", "/slides/"),
        ("GET", f"/slides/?token={present.token}"),
        ("GET", "/"),
        ("GET", "/no-such-page/"),
        ("GET", "/_present/present.js"),
        ("POST", "/_present/slide"),
        ("GET", "/_present/follow"),
    ]:
        connection = http.client.HTTPConnection(*present.address, timeout=ANSWER_S)
        with contextlib.closing(connection):
            connection.request(method, path)
            response = connection.getresponse()
            answers.append((path, response.status, response.headers))
    assert [status for _, status, _ in answers] == [200, 200, 200, 404, 200, 403, 200]
    for path, _, headers in answers:
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in policy, path
        assert "script-src 'self' 'sha256-" in policy, path
        assert "connect-src 'self'" in policy, path
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path
        assert headers["X-Content-Type-Options"] == "nosniff", path


#: An asyncio server that keeps every connection, under 40 open files; it prints its
#: exception handler's reports. Run for two seconds against 100 connections.
ACCEPT_SERVER = """
import asyncio, resource, socket, sys
from talksite.present.connections import AcceptErrorLog
resource.setrlimit(resource.RLIMIT_NOFILE, (40, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(AcceptErrorLog())
    server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0, backlog=200)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(float(sys.argv[1]))
asyncio.run(main())
"""


def test_refused_accepts_are_reported_once_per_interval() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", ACCEPT_SERVER, "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    with sockets(100, ("127.0.0.1", port)):
        _, stderr = server.communicate(timeout=ANSWER_S)
    lines = stderr.splitlines()
    assert lines == [
        "talksite: present cannot accept connections: Too many open files; retrying"
    ], stderr[:2000]
