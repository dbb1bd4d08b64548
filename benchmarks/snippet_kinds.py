"""Each snippet kind's overhead: from the start of a run to its first line of output, for a
snippet that prints one line and does nothing else, through the one run path (``check``).

Usage: python benchmarks/snippet_kinds.py [--runs N]
Servers are warmed first, so that a kind with a database is measured as a test or a live demo
sees it: a fresh database on a running server, then the tool's start. Prints the median of N
runs (default 20) per kind, with the minimum and maximum. Not a test: figures only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from talksite import snippets
from talksite.postgres import Pool

#: Name, file and text of each kind's smallest snippet.
KINDS = [
    ("python, no database", "python.py", '# talksite: no-database\nprint("ready")\n'),
    ("python, with a database", "python_db.py", 'print("ready")\n'),
    ("sql (psql)", "query.sql", "SELECT 'ready' AS state;\n"),
    ("shell (bash), no database", "shell.sh", "# talksite: no-database\necho ready\n"),
    ("shell (bash), with a database", "shell_db.sh", "echo ready\n"),
    (
        "javascript (node), no database",
        "script.mjs",
        '// talksite: no-database\nconsole.log("ready");\n',
    ),
]


class FirstLine:
    """A stream for ``check(echo=...)`` that notes when the first output arrives."""

    def __init__(self) -> None:
        self.at: float | None = None

    def write(self, text: str) -> int:
        if self.at is None and text:
            self.at = time.perf_counter()
        return len(text)

    def flush(self) -> None:
        pass


def first_line_after(snippet: snippets.Snippet, pool: Pool) -> float:
    stream = FirstLine()
    started = time.perf_counter()
    outcome = snippets.check(snippet, pool, echo=stream)  # type: ignore[arg-type]
    if not outcome.result.ok or stream.at is None:
        raise SystemExit(f"{snippet.id}: {outcome.result.problem() or 'printed nothing'}")
    return stream.at - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Pool() as pool:
        root = Path(folder) / "snippets"
        (root / "empty").mkdir(parents=True)
        for _, name, text in KINDS:
            (root / "empty" / name).write_text(text)
        found = {snippet.path.name: snippet for snippet in snippets.discover(root)}
        pool.warm(snippet.needs for snippet in found.values() if snippet.uses_database)
        for label, name, _ in KINDS:
            first_line_after(found[name], pool)  # the tool's files in the page cache
            times = [first_line_after(found[name], pool) for _ in range(args.runs)]
            print(
                f"{label:32} median {statistics.median(times) * 1000:6.0f} ms,"
                f" min {min(times) * 1000:4.0f} ms, max {max(times) * 1000:4.0f} ms"
                f" over {args.runs} runs",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
