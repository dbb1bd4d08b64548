"""``talksite chapters LOG``: its options, and the command."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

from talksite.errors import TalksiteError

__all__ = ["add_arguments", "run"]


def add_arguments(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "chapters",
        help="turn a presenting log into YouTube chapter lines and a WebVTT chapters file",
    )
    parser.add_argument("log", type=Path, help="the JSON Lines log talksite present wrote")
    parser.add_argument(
        "--offset",
        default="0:00",
        help="the video time of the log's first line, H:MM:SS or M:SS (default 0:00)",
    )
    parser.add_argument(
        "--duration", help="the video's length, H:MM:SS: where the last chapter ends"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="write the chapter lines here (default: stdout)"
    )
    parser.add_argument("--vtt", type=Path, help="the WebVTT file (default: LOG.vtt beside it)")


def run(args: argparse.Namespace) -> int:
    # Loaded when the command runs, not with the parser: every talksite command reads this
    # module's arguments.
    from talksite.chapters.make import chapters, vtt_path, webvtt, youtube_text
    from talksite.presenting_log import read_log

    log: Path = args.log
    offset = _video_time("--offset", args.offset) or timedelta(0)
    duration = _video_time("--duration", args.duration)
    found = chapters(read_log(log), offset=offset, duration=duration, source=str(log))
    # Both texts are made, and both files written beside their targets, before either target
    # is replaced: a failure leaves no half output.
    text, cues = youtube_text(found), webvtt(found, duration=duration)
    vtt: Path = args.vtt or vtt_path(log)
    outputs = {vtt: ("--vtt", cues)}
    if args.output is not None:
        outputs[args.output] = ("-o", text)
    _write_all(outputs)
    if args.output is None:
        sys.stdout.write(text)
    print(f"talksite: {len(found)} chapters; WebVTT in {vtt}", file=sys.stderr)
    return 0


def _write_all(outputs: dict[Path, tuple[str, str]]) -> None:
    """Write each ``path: (option, text)``, or none: a path that cannot be written is one
    line naming its option, and leaves every target as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, (option, text) in outputs.items():
            if path.is_dir():
                raise TalksiteError(f"{option} {path}: expected a file to write, found a folder")
            temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
            try:
                with open(temporary, "x", encoding="utf-8") as handle:
                    staged.append((temporary, path))
                    handle.write(text)
            except OSError as error:
                raise TalksiteError(
                    f"{option} {path}: cannot write there ({error.strerror}); expected a file"
                    " in a folder you can write to"
                ) from None
        for temporary, path in staged:
            os.replace(temporary, path)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def _video_time(option: str, text: str | None) -> timedelta | None:
    """An option's video time; a wrong one is a one-line error, like a wrong log line."""
    if text is None:
        return None
    from talksite.talk import parse_video_time

    moment = parse_video_time(text)
    if moment is None:
        raise TalksiteError(f"{option}: expected a video time as H:MM:SS or M:SS, found {text!r}")
    return moment
