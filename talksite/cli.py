"""The ``talksite`` command: build the site, run or record snippets, start a new talk, present
it, turn a presenting log into chapters.

Each command imports what it needs when it runs (the parser is all that loads up front): the
suite starts some 140 of these processes, most of which need neither MkDocs nor the deck."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from talksite import __version__
from talksite.chapters import command as chapters_command
from talksite.checks import command as check_command
from talksite.errors import SetupError, TalksiteError
from talksite.present import command as present_command

if TYPE_CHECKING:
    from talksite.project import Project

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("build", "run", "record", "present"):
        from talksite.processes import interrupt

        # Ctrl-C and SIGTERM unwind through the clean-up that stops the servers and removes
        # the half-built site.
        interrupt.unwind_on_signals()
    try:
        if args.command == "new":
            return new_command(args.directory)
        if args.command == "chapters":
            return chapters_command.run(args)
        if args.command == "check":
            return check_command.run(args)
        # MkDocs logs what is wrong in mkdocs.yml, and each problem of a build: show them.
        _show_build_problems()
        if args.command == "build":
            from talksite.project import find_config_file

            config_file = args.config_file or find_config_file()
            return build_command(config_file, args.site_dir, pdf=args.pdf, handout=args.handout)
        if args.command == "present":
            from talksite.project import load_project

            return present_command.run(args, load_project(args.config_file))
        return _snippets_command(args)
    except TalksiteError as error:
        print(f"talksite: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _snippets_command(args: argparse.Namespace) -> int:
    """``talksite run`` and ``talksite record``."""
    from talksite import snippets
    from talksite.project import load_project
    from talksite.snippets import subcommands

    if args.command == "run":
        return subcommands.run_command(args.snippet, _project_if_any(args.config_file))
    if args.root is not None:
        talk = _project_if_any(args.config_file)
        settings = talk.snippet_settings if talk else snippets.DEFAULT_SETTINGS
        return subcommands.record_command(args.snippets, args.root.resolve(), settings)
    project = load_project(args.config_file)
    return subcommands.record_command(args.snippets, project.snippets_dir, project.snippet_settings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talksite", description=__doc__)
    parser.add_argument("--version", action="version", version=f"talksite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build", help="build the site strictly; the old site/ stays unless the build succeeds"
    )
    _config_file_argument(build)
    build.add_argument("-d", "--site-dir", type=Path, default=Path("site"))
    build.add_argument(
        "--pdf", action="store_true", default=None, help="also print the deck to a PDF"
    )
    build.add_argument(
        "--handout",
        action="store_true",
        default=None,
        help="also print the handout: each slide with its notes and verified snippets",
    )

    run = commands.add_parser(
        "run", help="run one snippet live (on a throwaway PostgreSQL, if it needs a database)"
    )
    run.add_argument("snippet", type=Path, help="for example snippets/basics/hello.py")
    _config_file_argument(run)

    record = commands.add_parser("record", help="run snippets and rewrite their .out files")
    record.add_argument(
        "snippets", type=Path, nargs="*", help="snippet files (default: every snippet)"
    )
    record.add_argument(
        "--root", type=Path, help="the snippets folder (default: the talk's, from mkdocs.yml)"
    )
    _config_file_argument(record)

    new = commands.add_parser(
        "new", help="start a new talk in a new or empty folder, ready to build and test"
    )
    new.add_argument("directory", type=Path, help="the new talk's folder")

    check_command.add_arguments(commands)
    chapters_command.add_arguments(commands)
    present_command.add_arguments(commands)

    return parser


def _config_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        help="the talk's mkdocs.yml (default: the one here, or in the nearest folder above)",
    )


def _project_if_any(config_file: Path | None) -> Project | None:
    """The talk's project; None without ``-f`` outside any talk."""
    from talksite.project import find_config_file, load_project

    if config_file is None:
        try:
            config_file = find_config_file()
        except SetupError:
            return None  # a snippet copied out of its talk still runs on its own
    return load_project(config_file)


def new_command(directory: Path) -> int:
    from talksite import scaffold
    from talksite.wording import counted

    origin = scaffold.this_origin()
    try:
        created = scaffold.create(directory, origin)
    except OSError as error:
        print(f"talksite: {error}", file=sys.stderr)
        return 2
    print(f"Created a new talk in {directory} ({counted(len(created), 'file')}). Next:")
    print(f"  cd {directory}")
    print("  make test    # installs talksite and reveal.js, then runs the snippet's test")
    print("  make serve   # the site at http://127.0.0.1:8000, reloading as you edit")
    print(f"Its Makefile and workflows install talksite as this one was: {origin.requirement}")
    if not origin.reachable:
        # make test works here; a CI runner has no such folder or file.
        print(
            f"talksite: its workflows cannot install {origin.requirement}, which only this"
            " machine has: set TALKSITE in its Makefile to a release"
            ' (talksite==VERSION) or a pushed commit ("talksite @ git+https://...@COMMIT")',
            file=sys.stderr,
        )
    return 0


def build_command(
    config_file: Path, site_dir: Path, *, pdf: bool | None, handout: bool | None = None
) -> int:
    from talksite.site.build import BuildFailed, build_site

    try:
        build_site(config_file, site_dir, pdf=pdf, handout=handout)
    except BuildFailed as error:
        print(f"talksite: the build stopped ({error}); {site_dir}/ is unchanged", file=sys.stderr)
        return 1
    print(f"talksite: built {site_dir}/")
    return 0


def _show_build_problems() -> None:
    """MkDocs (or the fork that runs: talksite.engine) logs each problem; show them as
    `mkdocs build` would."""
    from talksite import engine

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger(engine.ENGINES[engine.running()].logger).addHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
