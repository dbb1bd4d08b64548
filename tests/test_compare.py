"""The comparison forgives only what the contract says: each duration may be one rounding
step off. Any other change to any recorded line fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talksite.snippets import Snippet, discover, durations, same_output

REPO = Path(__file__).resolve().parent.parent
SNIPPETS = discover(REPO / "snippets")
DURATION = re.compile(r"(\d+\.\d+)( ?s)\b")


def test_a_duration_one_step_off_matches_and_two_steps_off_does_not() -> None:
    recorded = "t=1.0s  web  waited 2.5 s\n"
    assert same_output(recorded, "t=1.5s  web  waited 2.0 s\n", precision=0.5)
    assert not same_output(recorded, "t=2.0s  web  waited 2.5 s\n", precision=0.5)
    assert same_output(recorded, "t=2.0s  web  waited 2.5 s\n", precision=1.0)


def test_words_lines_and_their_order_must_match() -> None:
    recorded = "a: waiting\nb: done\n"
    assert not same_output(recorded, "a: waiting\nb: failed\n")
    assert not same_output(recorded, "b: done\na: waiting\n")
    assert not same_output(recorded, "a: waiting\n")
    assert not same_output(recorded, "a: waiting\nb: done\nc: extra\n")


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda snippet: snippet.id)
def test_changing_any_recorded_line_fails(snippet: Snippet) -> None:
    recorded = snippet.recording()
    assert recorded is not None
    step = snippet.directives.precision_s
    lines = recorded.splitlines(keepends=True)
    for number, line in enumerate(lines):
        # A word changed, and every duration on the line moved by two steps.
        changed = [line.rstrip("\n") + " (changed)\n"]
        if durations(line):
            moved = DURATION.sub(lambda m: f"{float(m[1]) + 2 * step:.1f}{m[2]}", line)
            changed.append(moved)
        for edit in changed:
            edited = "".join([*lines[:number], edit, *lines[number + 1 :]])
            assert not same_output(recorded, edited, precision=step), (number + 1, edit)
