"""Snippets: discover them, run them as a reader would, normalise and compare their output.

The contract is written for authors in ``snippets/README.md``; this module is its one
implementation. A snippet is ``snippets/<layer>/<name>.py`` with its recorded output in
``<name>.out`` beside it.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from talksite.postgres import Database, Servers

__all__ = [
    "Directives",
    "RunResult",
    "Snippet",
    "SnippetError",
    "database_for",
    "discover",
    "normalise",
    "output_diff",
    "run",
    "session_processes",
]

DEFAULT_TIMEOUT_S = 60.0
OUTPUT_SUFFIX = ".out"
DIRECTIVE_PREFIX = "# talksite:"
#: Durations are compared after rounding to this many seconds (see snippets/README.md).
DURATION_PRECISION_S = 0.5


class SnippetError(ValueError):
    """A snippet file breaks the contract; the message starts with ``path:line:``."""


@dataclass(frozen=True)
class Directives:
    """What a snippet needs from the runner, from its ``# talksite:`` header lines."""

    replica: bool = False
    privileged: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    #: Seconds the snippet deliberately waits (sleeps, timeouts): the floor of its run time.
    waits_s: float = 0.0
    server_settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Snippet:
    path: Path
    root: Path
    directives: Directives

    @property
    def id(self) -> str:
        """The path a reader sees, relative to the folder above ``snippets/``."""
        return self.path.relative_to(self.root.parent).as_posix()

    @property
    def expected_path(self) -> Path:
        return self.path.with_suffix(OUTPUT_SUFFIX)

    def expected(self) -> str | None:
        if not self.expected_path.exists():
            return None
        return self.expected_path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class RunResult:
    output: str
    returncode: int
    duration_s: float
    timed_out: bool
    leftover_processes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.leftover_processes

    def problem(self) -> str:
        """Why the run failed, in one line, or an empty string."""
        if self.timed_out:
            return f"timed out after {self.duration_s:.1f} s"
        if self.returncode != 0:
            return f"exited with status {self.returncode}"
        if self.leftover_processes:
            return "left processes running: " + "; ".join(self.leftover_processes)
        return ""


# -- discovery -------------------------------------------------------------------------------


def discover(root: Path) -> list[Snippet]:
    """Every snippet under `root`, in path order.

    Files in folders whose name starts with ``_`` are helpers a snippet imports, not snippets.
    """
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if path.name == "__init__.py" or any(part.startswith("_") for part in relative.parts):
            continue
        found.append(load(path, root))
    return found


def load(path: Path, root: Path) -> Snippet:
    return Snippet(path=path, root=root, directives=parse_directives(path))


def parse_directives(path: Path) -> Directives:
    """Read the lines that start with ``# talksite:`` (by convention, at the top)."""
    values: dict[str, object] = {}
    settings: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith(DIRECTIVE_PREFIX):
            continue
        for word in line[len(DIRECTIVE_PREFIX) :].split():
            key, _, value = word.partition("=")
            where = f"{path}:{number}"
            if key in ("replica", "privileged") and not value:
                values[key] = True
            elif key in ("timeout", "waits") and value:
                try:
                    values[f"{key}_s"] = float(value)
                except ValueError:
                    raise SnippetError(
                        f"{where}: {key} must be a number of seconds, got {value!r}"
                    ) from None
            elif key.startswith("server.") and value and len(key) > len("server."):
                settings[key.removeprefix("server.")] = value
            else:
                raise SnippetError(
                    f"{where}: unknown directive {word!r}; expected replica, privileged,"
                    " timeout=SECONDS, waits=SECONDS or server.SETTING=VALUE"
                )
    return Directives(server_settings=settings, **values)  # type: ignore[arg-type]


# -- running ---------------------------------------------------------------------------------


@contextlib.contextmanager
def database_for(snippet: Snippet, shared: Servers) -> Iterator[Database]:
    """A fresh database for one run: on the shared servers, or on servers of its own."""
    from talksite.postgres import Servers

    needs = snippet.directives
    if needs.server_settings and shared.external_url is None:
        with Servers() as own:
            yield own.database(replica=needs.replica, settings=needs.server_settings)
    else:
        yield shared.database(replica=needs.replica, settings=needs.server_settings)


def environment(database: Database) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database.url,
        DATABASE_IS_THROWAWAY="1",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("REPLICA_DATABASE_URL", None)
    if database.replica_url is not None:
        env["REPLICA_DATABASE_URL"] = database.replica_url
    return env


def run(snippet: Snippet, database: Database, *, echo: TextIO | None = None) -> RunResult:
    """Run the snippet as ``python snippet.py`` would; optionally echo its output live."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(snippet.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=environment(database),
        cwd=snippet.root.parent,
        # A session of its own, so that everything it starts can be found and ended.
        start_new_session=True,
    )
    chunks: list[str] = []
    finished = threading.Event()
    reader = threading.Thread(target=_collect, args=(process, chunks, echo, finished), daemon=True)
    reader.start()
    timed_out = False
    try:
        process.wait(timeout=snippet.directives.timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        # Also on Ctrl-C: no snippet outlives its runner.
        leftovers = _end_session(process.pid)
        process.wait()
        finished.set()
        reader.join()
        if process.stdout is not None:
            process.stdout.close()
    return RunResult(
        output="".join(chunks),
        returncode=process.returncode,
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
        leftover_processes=() if timed_out else leftovers,
    )


def _collect(
    process: subprocess.Popen[bytes],
    chunks: list[str],
    echo: TextIO | None,
    finished: threading.Event,
) -> None:
    """Read output as it comes until the pipe closes, or, once the snippet has ended, until
    it falls silent: a process that escaped the snippet's session may hold the pipe open."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            if finished.is_set():
                break
            continue
        data = os.read(fd, 65536)
        if not data:
            break
        text = decoder.decode(data)
        chunks.append(text)
        if echo is not None:
            echo.write(text)
            echo.flush()
    chunks.append(decoder.decode(b"", final=True))


def session_processes(session_id: int) -> dict[int, str]:
    """Live processes in the session `session_id` (other than its leader): pid -> command line."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == session_id:
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            # fields[0] is the state, fields[3] the session id (fields 3 and 6 of stat).
            if int(fields[3]) != session_id or fields[0] == "Z":
                continue
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
        found[int(proc.name)] = cmdline or proc.name
    return found


def _end_session(session_id: int) -> tuple[str, ...]:
    """Kill every process still in the snippet's session; describe the ones found."""
    leftovers = session_processes(session_id)
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(session_id, signal.SIGKILL)
    return tuple(leftovers.values())


# -- comparing -------------------------------------------------------------------------------

_PID = re.compile(r"\b(pid[ =:]+)\d+", re.IGNORECASE)
_DURATION = re.compile(r"(?<![\w.])(\d+\.\d+)( ?s)\b")
_DATABASE = re.compile(r"\btalksite_[0-9a-f]{8}\b")


def normalise(text: str, database: Database) -> str:
    """Rewrite what varies between runs; see the table in snippets/README.md."""
    text = text.replace("\r\n", "\n")
    ports = {_port(database.url): "<port>"}
    if database.replica_url is not None:
        ports[_port(database.replica_url)] = "<replica-port>"
    for port, name in ports.items():
        text = re.sub(rf"(?<![\d.]){port}(?!\d)", name, text)
    text = _DATABASE.sub("<database>", text)
    text = _PID.sub(r"\1<pid>", text)
    text = _DURATION.sub(_round_duration, text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def _round_duration(match: re.Match[str]) -> str:
    seconds = round(float(match.group(1)) / DURATION_PRECISION_S) * DURATION_PRECISION_S
    return f"{seconds:.1f}{match.group(2)}"


def _port(url: str) -> int:
    port = urlsplit(url).port
    if port is None:
        raise SnippetError(f"the database URL names no port: {url}")
    return port


def output_diff(snippet: Snippet, expected: str, actual: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{snippet.expected_path.name} (recorded)",
            tofile=f"{snippet.path.name} (this run)",
        )
    )
