"""The ``talksite`` command: build the site, run or record snippets, start a new talk, present
it, turn a presenting log into chapters."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from talksite import postgres, scaffold, snippets
from talksite.chapters import command as chapters_command
from talksite.errors import NotApplicable, Problem, SetupError, TalksiteError
from talksite.present import command as present_command
from talksite.processes import interrupt
from talksite.project import Project, find_config_file, load_project
from talksite.services import ServicePool

__all__ = ["main"]


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
    try:
        created = scaffold.create(directory)
    except OSError as error:
        print(f"talksite: {error}", file=sys.stderr)
        return 2
    print(f"Created a new talk in {directory} ({len(created)} files). Next:")
    print(f"  cd {directory}")
    print("  make test    # installs talksite and reveal.js, then runs the snippet's test")
    source = scaffold.install_source()
    if source is not None:
        # The Makefile names this release on the package index; this copy came from elsewhere.
        print(f"  (or, with this copy of talksite: make test TALKSITE={shlex.quote(source)})")
    print("  make serve   # the site at http://127.0.0.1:8000, reloading as you edit")
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
    """MkDocs logs each problem; show them as `mkdocs build` would."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(handler)


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
    """Run one snippet live; a snippet not applicable here is one line and status 2 (main)."""
    if project is None:
        snippet = _load(path, None, snippets.DEFAULT_SETTINGS)
    else:
        snippet = _load(path, project.snippets_dir, project.snippet_settings)
    with postgres.from_environment() as databases:
        outcome = snippets.check(snippet, databases, echo=sys.stdout)
    if not outcome.result.ok:
        print(f"talksite: {snippet.id} {outcome.result.problem()}", file=sys.stderr)
    elif outcome.recording is not None and not outcome.matches:
        print(
            f"talksite: this run's output differs from {snippet.recording_path.name}",
            file=sys.stderr,
        )
    elif outcome.matches and (failure := outcome.failure()) is not None:
        # The output is as recorded, but the recording does not say what made it.
        print(f"talksite: {failure}", file=sys.stderr)
        return 1
    return outcome.result.returncode or (0 if outcome.result.ok else 1)


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
    with postgres.from_environment() as databases, ServicePool() as others:
        for snippet in chosen:
            try:
                outcome = snippets.check(snippet, databases, services=others)
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
