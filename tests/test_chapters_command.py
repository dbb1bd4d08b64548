"""`talksite chapters LOG`: a presenting log, written here as `talksite present` writes it,
turned into YouTube's chapter lines and a WebVTT chapters file; bad logs get one line each."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from command_support import run_talksite

START = datetime(2026, 12, 3, 14, 35, 2, 120_000, tzinfo=UTC)
CUE = re.compile(r"^(\d+)\n(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n(.+)$")

# Seconds after the first slide, slide id and title: what happened on stage.
TALK = [
    (0.0, "title", "Swiss cheese"),
    (68.0, "routing", "Routing"),  # skimmed past in 3 s: merged into the next
    (71.0, "locking", "Locking"),
    (160.0, "locking", "Locking"),  # the same slide again: no new chapter
    (300.5, "tcp", "TCP"),
    (420.0, "routing", "Routing"),  # a revisit of 10 s or more: a chapter of its own
]


def log_lines(talk: list[tuple[float, str, str]]) -> list[str]:
    return [
        json.dumps(
            {
                "at": (START + timedelta(seconds=s)).isoformat(timespec="milliseconds"),
                "slide": i,
                "title": t,
            }
        )
        for s, i, t in talk
    ]


def write_log(folder: Path, lines: list[str]) -> Path:
    log = folder / "present.jsonl"
    log.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return log


def chapters(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_talksite("chapters", *args, cwd=cwd, timeout=60)


def test_the_log_becomes_youtube_chapters_and_webvtt(tmp_path: Path) -> None:
    log = write_log(tmp_path, log_lines(TALK))
    result = chapters(str(log), "--offset", "0:45", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # The first chapter starts at 0:00 (the video before the first slide belongs to it); the
    # others at the offset plus the time since the first line, whole seconds rounded down.
    assert result.stdout == ("0:00 Swiss cheese\n1:53 Locking\n5:45 TCP\n7:45 Routing\n")
    vtt = (tmp_path / "present.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    cues = [CUE.match(block) for block in vtt.removeprefix("WEBVTT\n\n").strip().split("\n\n")]
    assert all(cues), vtt
    assert [(c[1], c[2], c[3], c[4]) for c in cues if c] == [
        ("1", "00:00:00.000", "00:01:53.000", "Swiss cheese"),
        ("2", "00:01:53.000", "00:05:45.500", "Locking"),
        ("3", "00:05:45.500", "00:07:45.000", "TCP"),
        ("4", "00:07:45.000", "99:59:59.999", "Routing"),
    ]


def test_output_files_and_the_videos_length_are_chosen_by_flags(tmp_path: Path) -> None:
    log = write_log(tmp_path, log_lines(TALK))
    result = chapters(
        str(log), "--duration", "1:00:00", "-o", "yt.txt", "--vtt", "c.vtt", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (tmp_path / "yt.txt").read_text().splitlines()[0] == "0:00 Swiss cheese"
    assert (tmp_path / "c.vtt").read_text().rstrip().endswith("--> 01:00:00.000\nRouting")
    assert not (tmp_path / "present.vtt").exists()


def test_a_last_chapter_under_ten_seconds_is_refused(tmp_path: Path) -> None:
    log = write_log(tmp_path, log_lines(TALK))
    result = chapters(str(log), "--duration", "7:05", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"talksite: {log}: the last chapter starts at 7:00, less than 10 s before the end of"
        " the video (7:05); expected a duration at least that much later\n"
    )
    assert not (tmp_path / "present.vtt").exists()


def test_too_few_chapters_after_merging_is_an_error(tmp_path: Path) -> None:
    log = write_log(tmp_path, log_lines([(0, "a", "A"), (5, "b", "B"), (60, "c", "C")]))
    result = chapters(str(log), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"talksite: {log}: 2 chapters after merging slide changes less than 10 s apart;"
        " expected at least 3 (YouTube's minimum)\n"
    )
    assert not (tmp_path / "present.vtt").exists()


GOOD = log_lines(TALK)


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        ([], 1, "the log is empty; expected one JSON object a line, a slide change each"),
        (["", "  "], 1, "the log is empty; expected one JSON object a line, a slide change each"),
        (
            [GOOD[0], GOOD[1], '{"at": "2026-12-03T14:40:00+00:00", "slide": "x"'],
            3,
            "not JSON (Expecting ',' delimiter); expected one JSON object a line",
        ),
        (
            [GOOD[0], '{"at": "2026-12-03T14:40:00+00:00", "title": "X"}'],
            2,
            "no slide; expected the keys at, slide, title",
        ),
        (
            [GOOD[0], '{"at": "2026-12-03T14:40:00", "slide": "x", "title": "X"}'],
            2,
            "at is '2026-12-03T14:40:00', with no UTC offset; expected an ISO 8601 time with its"
            " UTC offset, such as 2026-12-03T14:35:02.120+00:00",
        ),
        (
            [GOOD[0], GOOD[2], GOOD[1]],
            3,
            "2026-12-03T14:36:10.120000+00:00 is before the line above"
            " (2026-12-03T14:36:13.120000+00:00); expected times that never go backwards",
        ),
        (["[1, 2]"], 1, 'found list; expected an object {"at", "slide", "title"}'),
    ],
    ids=["empty", "blank", "not JSON", "missing field", "no offset", "backwards", "not an object"],
)
def test_a_bad_log_is_one_line_naming_file_and_line(
    tmp_path: Path, lines: list[str], line: int, problem: str
) -> None:
    log = write_log(tmp_path, lines)
    result = chapters(str(log), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"talksite: {log}:{line}: {problem}\n"
    assert result.stdout == ""
    assert not (tmp_path / "present.vtt").exists()


def test_a_missing_log_or_a_wrong_offset_is_one_line(tmp_path: Path) -> None:
    missing = chapters("nowhere.jsonl", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "talksite: nowhere.jsonl:1: no such file; expected a presenting log\n"
    log = write_log(tmp_path, log_lines(TALK))
    wrong = chapters(str(log), "--offset", "1:99", cwd=tmp_path)
    assert wrong.returncode == 2
    assert wrong.stderr == (
        "talksite: --offset: expected a video time as H:MM:SS or M:SS, found '1:99'\n"
    )


def test_a_title_cannot_forge_chapter_lines_or_cues(tmp_path: Path) -> None:
    forged = [
        (0.0, "title", "Intro\n0:05 A forged chapter"),
        (60.0, "locking", "Locking 00:00:01.000 --> 00:00:02.000\nforged cue"),
        (120.0, "tcp", "TCP --->"),
    ]
    log = write_log(tmp_path, log_lines(forged))
    result = chapters(str(log), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "0:00 Intro 0:05 A forged chapter\n"
        "1:00 Locking 00:00:01.000 -> 00:00:02.000 forged cue\n"
        "2:00 TCP ->\n"
    )
    cues = log.with_suffix(".vtt").read_text(encoding="utf-8").split("\n\n")[1:]
    assert [CUE.match(cue.rstrip("\n"))[4] for cue in cues] == [  # type: ignore[index]
        "Intro 0:05 A forged chapter",
        "Locking 00:00:01.000 -> 00:00:02.000 forged cue",
        "TCP ->",
    ]


def test_json_nested_100_000_deep_is_one_line(tmp_path: Path) -> None:
    log = write_log(tmp_path, ["[" * 100_000 + "]" * 100_000])
    result = chapters(str(log), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"talksite: {log}:1: JSON nested too deep to read; expected one JSON object a line\n"
    )


@pytest.mark.parametrize(
    ("option", "target", "said"),
    [
        ("-o", "out", "-o out: expected a file to write, found a folder"),
        (
            "--vtt",
            "/proc/version",
            "--vtt /proc/version: cannot write there (No such file or directory); expected a"
            " file in a folder you can write to",
        ),
    ],
    ids=["output-is-a-folder", "vtt-in-proc"],
)
def test_an_output_that_cannot_be_written_is_one_line_and_writes_nothing(
    tmp_path: Path, option: str, target: str, said: str
) -> None:
    log = write_log(tmp_path, log_lines(TALK))
    (tmp_path / "out").mkdir()
    before = sorted(path.name for path in tmp_path.iterdir())
    result = chapters(str(log), option, target, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"talksite: {said}\n"
    # Neither the other file (the WebVTT beside the log, or the chapter lines) nor any
    # temporary file is left.
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert result.stdout == ""
