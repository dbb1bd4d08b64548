"""The ``talksite`` command: build the site, run or record snippets, start a new talk, present
it, turn a presenting log into chapters."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from talksite import __version__, engine, postgres, scaffold, snippets
from talksite.chapters import command as chapters_command
from talksite.checks import command as check_command
from talksite.errors import NotApplicable, Problem, SetupError, TalksiteError
from talksite.present import command as present_command
from talksite.processes import interrupt
from talksite.project import Project, find_config_file, load_project
from talksite.wording import counted

__all__ = ["EXIT_TIMED_OUT", "main"]

#: `talksite run`'s status for a snippet that ran out of time, as GNU timeout's.
EXIT_TIMED_OUT = 124
#: A snippet killed by signal N exits 128 + N, as a shell reports it.
_SIGNALLED = 128


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("build", "run", "record", "present"):
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
            config_file = args.config_file or find_config_file()
            return build_command(config_file, args.site_dir, pdf=args.pdf)
        if args.command == "run":
            return run_command(args.snippet, _project_if_any(args.config_file))
        if args.command == "present":
            return present_command.run(args, load_project(args.config_file))
        if args.root is not None:
            talk = _project_if_any(args.config_file)
            settings = talk.snippet_settings if talk else snippets.DEFAULT_SETTINGS
            return record_command(args.snippets, args.root.resolve(), settings)
        project = load_project(args.config_file)
        return record_command(args.snippets, project.snippets_dir, project.snippet_settings)
    except TalksiteError as error:
        print(f"talksite: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


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
    if config_file is None:
        try:
            config_file = find_config_file()
        except SetupError:
            return None  # a snippet copied out of its talk still runs on its own
    return load_project(config_file)


def new_command(directory: Path) -> int:
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


def build_command(config_file: Path, site_dir: Path, *, pdf: bool | None) -> int:
    from talksite.site.build import BuildFailed, build_site

    try:
        build_site(config_file, site_dir, pdf=pdf)
    except BuildFailed as error:
        print(f"talksite: the build stopped ({error}); {site_dir}/ is unchanged", file=sys.stderr)
        return 1
    print(f"talksite: built {site_dir}/")
    return 0


def _show_build_problems() -> None:
    """MkDocs (or the fork that runs: talksite.engine) logs each problem; show them as
    `mkdocs build` would."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger(engine.ENGINES[engine.running()].logger).addHandler(handler)


def _load(
    path: Path, snippets_dir: Path | None, settings: snippets.SnippetSettings
) -> snippets.Snippet:
    """The snippet at `path`: one of the talk's if it is in `snippets_dir`, else on its own."""
    kind = snippets.kind_of(path, settings)  # an unknown kind: one line naming the path as given
    if not path.is_file():
        expected = f"expected a {kind.extension} file there"
        raise snippets.SnippetError(Problem(str(path), 0, "no such snippet", expected))
    snippets.read_source(path)  # binary or unreadable: one line naming the path as given
    path = path.resolve()
    if snippets_dir is not None and path.is_relative_to(snippets_dir.resolve()):
        return snippets.load(path, snippets_dir.resolve(), settings)
    directives = snippets.parse_directives(path, settings)
    return snippets.Snippet(
        path=path, root=path.parent, directives=directives, kind=kind, loose=True
    )


def run_command(path: Path, project: Project | None) -> int:
    """Run one snippet live; messages name it as given. Status: 0 when it prints its
    recording (or has none yet), 1 when its output differs (with the diff) or the recording
    lacks provenance, the snippet's own status when it fails, 128 + N when signal N killed it,
    :data:`EXIT_TIMED_OUT` when it ran out of time; not applicable here is 2 (main)."""
    if project is None:
        snippet = _load(path, None, snippets.DEFAULT_SETTINGS)
    else:
        snippet = _load(path, project.snippets_dir, project.snippet_settings)
    with postgres.from_environment() as databases:
        outcome = snippets.check(snippet, databases, echo=sys.stdout)
    result = outcome.result
    if not result.ok:
        print(f"talksite: {path} {result.problem()}", file=sys.stderr)
        return _failed_run_status(result)
    if outcome.recording is None:
        return 0
    if not outcome.matches:
        recorded = snippet.recording_path_for(outcome.server_major)
        print(
            f"talksite: {path} printed something else than {recorded.name}"
            f" (`talksite record {path}` if the change is right):",
            file=sys.stderr,
        )
        diff = snippets.output_diff(
            snippet, outcome.recording, outcome.output, major=outcome.server_major
        )
        sys.stderr.write(diff)
        return 1
    if (failure := outcome.failure()) is not None:
        # The output is as recorded, but the recording does not say what made it.
        print(f"talksite: {failure}", file=sys.stderr)
        return 1
    return 0


def _failed_run_status(result: snippets.RunResult) -> int:
    if result.timed_out:
        return EXIT_TIMED_OUT
    if result.returncode < 0:
        return _SIGNALLED - result.returncode
    return result.returncode or 1  # exited 0, but left processes running


def record_command(
    paths: Sequence[Path],
    root: Path,
    settings: snippets.SnippetSettings = snippets.DEFAULT_SETTINGS,
) -> int:
    """Record `paths`, or every snippet in the snippets folder `root`; status 1 if a run
    failed, else 2 if one was not applicable here."""
    if paths:
        chosen = [_load(path, root, settings) for path in paths]
    else:
        chosen = snippets.discover(root, settings)
    if not chosen:
        kinds = ", ".join(f"*{kind.extension}" for kind in settings.kinds)
        raise snippets.SnippetError(
            Problem(str(root), 1, "no snippets found", f"expected {root.name}/<layer>/ ({kinds})")
        )
    failures = not_applicable = 0
    with postgres.from_environment() as databases:
        for snippet in chosen:
            try:
                outcome = snippets.check(snippet, databases)
            except NotApplicable as error:
                not_applicable += 1
                print(f"talksite: {error}", file=sys.stderr)
                continue
            if not outcome.result.ok:
                failures += 1
                print(f"FAILED {outcome.failure()}; not recorded")
                continue
            written = snippets.record(outcome)  # the .out, or only its provenance
            status, name = ("recorded", written.name) if written else ("unchanged", "")
            name = name or snippet.recording_path_for(outcome.server_major).name
            print(f"{status:>9} {name}  ({outcome.result.duration_s:.1f} s)")
    return 1 if failures else 2 if not_applicable else 0


if __name__ == "__main__":
    sys.exit(main())
