"""The ``talksite`` command: run a snippet on a throwaway server, record snippet outputs, or
start a new talk."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from talksite import scaffold, snippets
from talksite.postgres import ServerError, Servers

__all__ = ["main"]

SNIPPETS_DIR = Path("snippets")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="talksite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run_parser = commands.add_parser(
        "run", help="run one snippet on a throwaway PostgreSQL, output live"
    )
    run_parser.add_argument("snippet", type=Path, help="for example snippets/basics/hello.py")

    record_parser = commands.add_parser(
        "record", help="run snippets and rewrite their recorded .out files"
    )
    record_parser.add_argument(
        "snippets", type=Path, nargs="*", help="snippet files (default: every snippet)"
    )
    record_parser.add_argument("--root", type=Path, default=SNIPPETS_DIR, help="snippets folder")

    new_parser = commands.add_parser(
        "new", help="start a new talk in a new or empty folder, ready to build and test"
    )
    new_parser.add_argument("directory", type=Path, help="the new talk's folder")

    args = parser.parse_args(argv)
    if args.command == "new":
        return new_command(args.directory)
    # A plain SIGTERM would end us without clean-up and leave servers behind: raise instead.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        if args.command == "run":
            return run_command(args.snippet)
        return record_command(args.snippets, args.root)
    except (snippets.SnippetError, ServerError) as error:
        print(f"talksite: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def new_command(directory: Path) -> int:
    try:
        created = scaffold.create(directory)
    except (scaffold.ScaffoldError, OSError) as error:
        print(f"talksite: {error}", file=sys.stderr)
        return 2
    print(f"Created a new talk in {directory} ({len(created)} files). Next:")
    print(f"  cd {directory}")
    print("  make test    # installs talksite and reveal.js, then runs the snippet's test")
    print("  make serve   # the site at http://127.0.0.1:8000, reloading as you edit")
    return 0


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _load(path: Path) -> snippets.Snippet:
    if not path.is_file() or path.suffix != ".py":
        raise snippets.SnippetError(f"{path}: no such snippet (expected a .py file)")
    path = path.resolve()
    root = next((p for p in path.parents if p.name == SNIPPETS_DIR.name), path.parent)
    return snippets.load(path, root)


def run_command(path: Path) -> int:
    snippet = _load(path)
    with Servers() as servers, snippets.database_for(snippet, servers) as database:
        result = snippets.run(snippet, database, echo=sys.stdout)
    if not result.ok:
        print(f"talksite: {snippet.id} {result.problem()}", file=sys.stderr)
    return result.returncode or (0 if result.ok else 1)


def record_command(paths: Sequence[Path], root: Path) -> int:
    chosen = [_load(path) for path in paths] if paths else snippets.discover(root.resolve())
    if not chosen:
        raise snippets.SnippetError(f"{root}: no snippets found")
    failures = 0
    with Servers() as servers:
        for snippet in chosen:
            with snippets.database_for(snippet, servers) as database:
                result = snippets.run(snippet, database)
                output = snippets.normalise(result.output, database)
            if not result.ok:
                failures += 1
                print(f"FAILED {snippet.id}: {result.problem()}; not recorded\n{output}")
                continue
            changed = snippet.expected() != output
            snippet.expected_path.write_text(output, encoding="utf-8")
            status = "recorded" if changed else "unchanged"
            print(f"{status:>9} {snippet.expected_path.name}  ({result.duration_s:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
