"""``talksite`` commands run to their end, each in a process of its own, forked from a warm one.

Most tests run a command and read its exit status and output. Starting Python and importing
MkDocs, Markdown, Jinja and talksite is about half the CPU of a small build, and the suite runs
some hundred of them. So each pytest process keeps one Python that has imported them (the
"zygote", started on first use) and forks it for each command. The child is what
``python -m talksite.cli ARGS`` would be: a process of its own with the test's working folder,
environment and standard streams, Python's default signal handling, ``talksite.cli`` run as
``__main__``, and an exit as the interpreter's (non-daemon threads joined, ``atexit`` handlers
run, the status ``SystemExit`` gives; an uncaught Ctrl-C ends it by SIGINT).

What a fork cannot give: what Python decides as it starts (the locale's encoding, ``-X``
options) is the zygote's, from the pytest process's environment; and what talksite computes as
it is imported is computed once. Tests that change those, that signal a command while it runs,
or that look at what it imports on start-up, start ``python -m talksite.cli`` themselves.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["run_talksite", "stop_zygote"]

#: What the zygote imports before it forks: what builds and snippet runs import. A module left
#: out is imported by the child itself, only slower.
WARM_MODULES = (
    "talksite.cli",
    "talksite.project",
    "talksite.site.build",
    "talksite.site.plugin",
    "talksite.processes.interrupt",
    "talksite.scaffold",
    "talksite.engine",
    "mkdocs.commands.build",
    "material.plugins.search.plugin",
    "mkdocs_macros.plugin",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.snippets",
    "psycopg",
)
#: What the zygote sends back for each request: the child's pid, then its status (minus the
#: signal that ended it, as subprocess says), each a signed 32-bit int.
_NUMBER = struct.Struct("!i")


def run_talksite(
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``talksite ARGS`` in ``cwd`` (with ``env``, else this process's environment), run to its
    end; its status and output, as ``subprocess.run(..., capture_output=True, text=True)``."""
    zygote = _zygote()
    with (
        open(os.devnull, "rb") as stdin,
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        environment = dict(os.environ if env is None else env)
        request = {"args": list(args), "cwd": str(cwd), "env": environment}
        socket.send_fds(
            zygote.socket,
            [json.dumps(request).encode()],
            [stdin.fileno(), stdout.fileno(), stderr.fileno()],
        )
        pid = _receive(zygote.socket, timeout=30)
        try:
            status = _receive(zygote.socket, timeout=timeout)
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            _receive(zygote.socket, timeout=30)
            raise subprocess.TimeoutExpired(["talksite", *args], timeout) from None
        outputs = []
        for stream in (stdout, stderr):
            stream.seek(0)
            outputs.append(stream.read().decode("utf-8", errors="replace"))
    return subprocess.CompletedProcess(["talksite", *args], status, *outputs)


def stop_zygote() -> None:
    """End this process's zygote, if it started one (the session's end)."""
    if _ZYGOTE:
        zygote = _ZYGOTE.pop()
        zygote.socket.close()  # it exits when its end of the socket closes
        zygote.process.wait(timeout=30)


class _Zygote:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, __file__, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        self.socket = ours


_ZYGOTE: list[_Zygote] = []


def _zygote() -> _Zygote:
    if not _ZYGOTE:
        _ZYGOTE.append(_Zygote())
        atexit.register(stop_zygote)  # a benchmark's, or a session that ended early
    return _ZYGOTE[0]


def _receive(connection: socket.socket, timeout: float) -> int:
    """The zygote's next number."""
    connection.settimeout(timeout)
    data = b""
    while len(data) < _NUMBER.size:
        chunk = connection.recv(_NUMBER.size - len(data))
        if not chunk:
            raise RuntimeError("the talksite zygote ended; its stderr is in the test's output")
        data += chunk
    (number,) = _NUMBER.unpack(data)
    return number


# -- the zygote ----------------------------------------------------------------------------------


def _serve(connection: socket.socket) -> None:
    """Fork a child for each request until the socket closes; report its pid, then its status."""
    for module in WARM_MODULES:
        __import__(module)
    sys.stdout.flush()
    sys.stderr.flush()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        except ConnectionResetError:
            return
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            try:
                connection.close()
                _child(json.loads(message), fds)
            finally:  # only if the child failed before talksite ran: never back to the loop
                os._exit(70)
        for fd in fds:
            os.close(fd)
        connection.sendall(_NUMBER.pack(pid))
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        connection.sendall(_NUMBER.pack(code))


def _child(request: dict[str, object], fds: list[int]) -> None:
    """Become ``python -m talksite.cli ARGS``; never returns."""
    import threading
    import traceback

    from talksite import cli

    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(str(request["cwd"]))
    env = request["env"]
    assert isinstance(env, dict)
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # read TMPDIR again
    sys.path[0] = os.getcwd()  # as `python -m` has it
    args = request["args"]
    assert isinstance(args, list)
    sys.argv = [cli.__file__, *args]  # argv[0] as `python -m` sets it: the module's file
    code = 0
    interrupted = False
    try:
        sys.exit(cli.main())  # what `python -m talksite.cli` runs
    except SystemExit as exit:
        code = _exit_status(exit.code)
    except KeyboardInterrupt:
        interrupted = True
    except BaseException:
        traceback.print_exc()
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter does at exit
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(code)


def _exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` gives, as the interpreter says it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    with socket.socket(fileno=int(sys.argv[1])) as parent:
        _serve(parent)
