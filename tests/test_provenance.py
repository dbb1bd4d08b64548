"""Every recorded output says what printed it: the server's PostgreSQL, psycopg, Django and
Python versions, and the day. `talksite record` writes it beside the output, never into it, and
a recording without it fails the check."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from talksite import snippets
from talksite.errors import Problem
from talksite.postgres import DatabaseSource
from talksite.snippets import provenance

# The snippet prints the versions it sees itself, so the test compares the sidecar with the
# run's own answers rather than with anything written here.
SNIPPET = '''\
"""Prints the versions a recording's provenance should name."""

import os
import platform

import django
import psycopg

with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    print(conn.execute("SHOW server_version").fetchone()[0].split()[0])
print(psycopg.__version__)
print(django.get_version())
print(platform.python_version())
'''


@pytest.fixture
def snippet(tmp_path: Path) -> snippets.Snippet:
    root = tmp_path / "snippets"
    (root / "demo").mkdir(parents=True)
    path = root / "demo" / "versions.py"
    path.write_text(SNIPPET)
    return snippets.load(path, root)


def test_record_writes_the_provenance_beside_the_output_not_in_it(
    snippet: snippets.Snippet, talksite_databases: DatabaseSource
) -> None:
    outcome = snippets.check(snippet, talksite_databases)
    assert outcome.result.ok, outcome.failure()
    assert snippets.record(outcome) == snippet.recording_path
    printed = snippet.recording_path.read_text().splitlines()
    assert len(printed) == 4  # the .out is the run's output and nothing more
    sidecar = snippet.path.with_name("versions.out.json")
    values = json.loads(sidecar.read_text())
    assert [values["postgresql"], values["psycopg"], values["django"], values["python"]] == (
        printed
    )
    assert values["recorded_on"] == datetime.now(UTC).date().isoformat()
    assert list(values) == ["postgresql", "psycopg", "django", "python", "recorded_on"]
    # The same run again changes nothing: no churn in either file.
    before = sidecar.read_text()
    again = snippets.check(snippet, talksite_databases)
    assert again.failure() is None
    assert snippets.record(again) is None
    assert sidecar.read_text() == before


def test_a_recording_without_provenance_fails_and_record_adds_only_that(
    snippet: snippets.Snippet, talksite_databases: DatabaseSource
) -> None:
    first = snippets.check(snippet, talksite_databases)
    snippet.recording_path.write_text(first.output)  # an output recorded before provenance
    outcome = snippets.check(snippet, talksite_databases)
    assert outcome.matches
    failure = outcome.failure()
    assert failure is not None
    assert failure.startswith(f"{snippet.id}: ")
    assert "versions.out has no provenance; expected versions.out.json beside it" in failure
    assert snippets.record(outcome) == snippet.path.with_name("versions.out.json")
    assert snippet.recording_path.read_text() == first.output
    assert snippets.check(snippet, talksite_databases).failure() is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{\n  oops\n}\n", r"x.out.json:2: not JSON \(.*\); expected JSON"),
        (
            '{"postgresql": "18.1"}\n',
            r"x.out.json:1: found \['postgresql'\]; expected an object .*",
        ),
        (
            '{"postgresql": "18.1", "psycopg": "3", "django": "5", "python": "3",'
            ' "recorded_on": "yesterday"}',
            r"x.out.json:1: recorded_on is 'yesterday'; expected a date as YYYY-MM-DD",
        ),
    ],
)
def test_a_broken_sidecar_is_one_line_naming_it(tmp_path: Path, text: str, expected: str) -> None:
    recording = tmp_path / "x.out"
    recording.write_text("output\n")
    provenance.sidecar(recording).write_text(text)
    found = provenance.read(recording, source="x.out.json")
    assert isinstance(found, Problem)
    assert re.match(expected, str(found)), str(found)
    assert "\n" not in str(found)


def test_the_provenance_reads_back_as_written(tmp_path: Path, snippet: snippets.Snippet) -> None:
    recording = tmp_path / "x.pg15.out"
    made = provenance.current(snippet, "15.14 (Debian 15.14-0+deb12u1)")
    assert made.version("postgresql") == "15.14"
    assert provenance.write(recording, made) == tmp_path / "x.pg15.out.json"
    assert provenance.read(recording) == made


def test_every_recording_of_this_talk_has_provenance() -> None:
    root = Path(__file__).resolve().parent.parent / "snippets"
    found = [
        str(problem)
        for path in snippets.snippet_files(root)
        for recording in snippets.recordings(path).values()
        if isinstance(problem := provenance.read(recording), Problem)
    ]
    assert found == []
