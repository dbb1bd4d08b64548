"""``talksite present`` for the tests and the benchmark: started as from a terminal, its URLs
read from what it prints, interrupted with Ctrl-C (SIGINT) at the end.

Its output is read for as long as it runs (stdout by a thread, stderr into a file): a pipe
that nobody reads fills, and then present would hang in its next write.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from talksite import environment, processes

#: Whatever names the user's servers: a child run here uses servers of its own.
USERS_SERVER_VARIABLES = environment.spellings(environment.DATABASE_URL) + environment.spellings(
    environment.REPLICA_DATABASE_URL
)

__all__ = ["Presenting", "log_text", "post", "presenting", "read_log", "start_run"]

#: Building a site and warming servers on a machine busy with other people's tests.
START_TIMEOUT_S = 240
#: Interrupted, present is gone within this (talksite.processes.interrupt's deadline, and some).
STOP_TIMEOUT_S = 10


@dataclass
class Presenting:
    process: subprocess.Popen[bytes]
    presenter_url: str
    audience_url: str | None
    log: Path
    printed: list[str]
    stderr_file: Path

    def stderr(self) -> str:
        """What present has written to stderr so far."""
        return self.stderr_file.read_text(encoding="utf-8", errors="replace")

    @property
    def base(self) -> str:
        return self.presenter_url.split("/slides/", 1)[0]

    @property
    def address(self) -> tuple[str, int]:
        """The host and port present listens on for the presenter."""
        host, port = self.base.removeprefix("http://").split(":")
        return host, int(port)

    @property
    def token(self) -> str:
        return self.presenter_url.split("token=", 1)[1]

    def stop(self) -> int:
        """Ctrl-C, as at the end of a talk; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_TIMEOUT_S)


def _read_until_ready(
    process: subprocess.Popen[bytes], printed: list[str], stderr_file: Path
) -> None:
    """Read what present prints until its last start-up line (the log's name).

    From the pipe's descriptor, unbuffered: a buffered reader could hold the lines that
    select() is waiting for.
    """
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + START_TIMEOUT_S
    pending = b""
    while not any(line.startswith("talksite: log: ") for line in printed):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        data = os.read(fd, 65536) if ready else b""
        if not data:
            stderr = stderr_file.read_text(encoding="utf-8", errors="replace")
            raise AssertionError(f"talksite present did not start: {printed}\n{stderr}")
        *lines, pending = (pending + data).split(b"\n")
        printed.extend(line.decode() for line in lines)


@contextlib.contextmanager
def presenting(
    project: Path,
    *args: str,
    log: Path | None = None,
    environment: Mapping[str, str] | None = None,
) -> Iterator[Presenting]:
    """``talksite present --port 0 ARGS`` in `project`, until the block ends; on servers of
    its own unless `environment` names others. Without `log`, it writes its log in a folder of
    its own, removed when the block ends."""
    made = None
    if log is None:
        made = Path(tempfile.mkdtemp(prefix="present-log-"))
        log = made / "presenting.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in USERS_SERVER_VARIABLES}
    env.update(environment or {})
    stderr_file = log.parent / "present.stderr"
    with open(stderr_file, "wb") as stderr:
        process = _start(project, ["--port", "0", "--log", str(log), *args], env, stderr)
    printed: list[str] = []
    draining = threading.Thread(target=_drain, args=(process, printed), daemon=True)
    try:
        _read_until_ready(process, printed, stderr_file)
        draining.start()
        urls = {
            line.split(":", 2)[1].strip(): line.split(": ", 2)[2].strip()
            for line in printed
            if line.count(":") >= 2
        }
        yield Presenting(
            process, urls["presenter"], urls.get("audience"), log, printed, stderr_file
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if draining.is_alive():
            draining.join(timeout=STOP_TIMEOUT_S)  # it ends at the pipe's end, present's exit
        if process.stdout is not None:
            process.stdout.close()
        # Shown with the test's report if it fails.
        print(stderr_file.read_text(encoding="utf-8", errors="replace"), file=sys.stderr)
        if made is not None:
            shutil.rmtree(made)


def _start(
    project: Path, args: list[str], env: dict[str, str], stderr: IO[bytes]
) -> subprocess.Popen[bytes]:
    # Ctrl-C reaches it as from a terminal (see snippet_support.talksite_run).
    return processes.spawn(
        [sys.executable, "-m", "talksite.cli", "present", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=project,
        env=env,
    )


def _drain(process: subprocess.Popen[bytes], printed: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        printed.append(line.decode().rstrip("\n"))


def post(
    url: str, body: object, *, token: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, object]]:
    """POST JSON to `url`; the status and the JSON answer (or its text as "error")."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["X-Talksite-Token"] = token
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text.splitlines()[0]) if text else {}
    except ValueError:
        return status, {"error": text}


def read_log(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in log_text(path).splitlines()]


def log_text(path: Path) -> str:
    """The presenting log's text; present writes none until a slide has been shown."""
    return path.read_text(encoding="utf-8") if path.exists() else ""


@contextlib.contextmanager
def start_run(
    present: Presenting, slide: str, *, timeout_s: float
) -> Iterator[http.client.HTTPResponse]:
    """Start the slide's live run as the presenter's deck does; its events stream in the
    response, a JSON line each. The connection is closed when the block ends, however it
    ends: one left to the garbage collector fails whichever test runs then."""
    with contextlib.closing(http.client.HTTPConnection(*present.address, timeout=timeout_s)) as (
        connection
    ):
        connection.request(
            "POST",
            "/_present/run",
            body=json.dumps({"slide": slide}),
            headers={"Content-Type": "application/json", "X-Talksite-Token": present.token},
        )
        with connection.getresponse() as response:
            assert response.status == 200
            yield response
