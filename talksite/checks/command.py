"""``talksite check``: build the talk strictly and run every check on it (the list in
:mod:`talksite.checks.registry`), one line per problem, ``path:line:`` first where there is
one. Exit status 1 if any check found a problem, else 0; checks that cannot run here (no
browser) are named with the reason, and are problems under ``CI=true``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from talksite.checks.registry import BUILD, CHECKS

__all__ = ["add_arguments", "run"]


def add_arguments(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="build the talk and check it: links, social cards, notes, slide fit, privacy,"
        " keyboard, accessibility",
    )
    check.add_argument(
        "-f",
        "--config-file",
        type=Path,
        help="the talk's mkdocs.yml (default: the one here, or in the nearest folder above)",
    )
    check.add_argument(
        "--only",
        action="append",
        choices=[check.name for check in CHECKS],
        help="run only this check (again for more); the build always runs",
    )


def run(args: argparse.Namespace) -> int:
    # Loaded when the command runs, not with the parser: every talksite command reads this
    # module's arguments.
    from talksite.checks.ran_on import ran_on
    from talksite.checks.run import Checking
    from talksite.project import load_project

    project = load_project(args.config_file)
    for line in ran_on():
        print(f"talksite: {line}")
    chosen = [c for c in CHECKS if not args.only or c.name in args.only or c.name == BUILD]
    found = 0
    with (
        tempfile.TemporaryDirectory(prefix="talksite-check-") as folder,
        Checking(project, Path(folder)) as checking,
    ):
        for check in chosen:
            result = checking.run(check)
            for problem in result.problems:
                print(problem)
            found += len(result.problems)
            if result.not_run is not None:
                print(f"talksite: {check.name} not run: {result.not_run}", file=sys.stderr)
            elif not result.problems:
                print(f"talksite: {check.name} ok ({result.seconds:.1f} s)", file=sys.stderr)
    if found:
        plural = "problem" if found == 1 else "problems"
        print(f"talksite: {found} {plural} found", file=sys.stderr)
        return 1
    return 0
