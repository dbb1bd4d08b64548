"""Machine facts come from TALKSITE_… variables; the old TALK_… names still work, with a notice."""

from __future__ import annotations

import os
import subprocess
import sys

from talksite.postgres.binaries import embedded_bin_dir

# Reads the bin folder twice in one process, as a run does when it starts several servers.
SHOW_BIN_DIR = (
    "from talksite.postgres.binaries import bin_dir\nprint(bin_dir())\nprint(bin_dir())\n"
)


def bin_dir_with(**variables: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("POSTGRES_BINDIR")}
    return subprocess.run(
        [sys.executable, "-c", SHOW_BIN_DIR],
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_the_new_name_is_used_without_a_notice() -> None:
    chosen = str(embedded_bin_dir())
    result = bin_dir_with(TALKSITE_POSTGRES_BINDIR=chosen)
    assert result.stdout == f"{chosen}\n{chosen}\n"
    assert result.stderr == ""


def test_the_old_name_still_works_with_one_notice_line() -> None:
    chosen = str(embedded_bin_dir())
    result = bin_dir_with(TALK_POSTGRES_BINDIR=chosen)
    assert result.stdout == f"{chosen}\n{chosen}\n"
    assert result.stderr == (
        "talksite: TALK_POSTGRES_BINDIR is deprecated; set TALKSITE_POSTGRES_BINDIR\n"
    )


def test_the_new_name_wins_over_the_old_one() -> None:
    chosen = str(embedded_bin_dir())
    result = bin_dir_with(TALKSITE_POSTGRES_BINDIR=chosen, TALK_POSTGRES_BINDIR="/nowhere")
    assert result.stdout == f"{chosen}\n{chosen}\n"
    assert result.stderr == ""


def test_each_old_name_maps_to_its_new_one() -> None:
    script = (
        "from talksite import environment as e\n"
        "for name in (e.DATABASE_URL, e.REPLICA_DATABASE_URL, e.DATABASE_URL):\n"
        "    print(name, e.setting(name))\n"
    )
    clean = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    old = {"TALK_DATABASE_URL": "postgresql://a/1", "TALK_REPLICA_DATABASE_URL": "postgresql://b/2"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **old},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [
        "TALKSITE_DATABASE_URL postgresql://a/1",
        "TALKSITE_REPLICA_DATABASE_URL postgresql://b/2",
        "TALKSITE_DATABASE_URL postgresql://a/1",
    ]
    assert result.stderr.splitlines() == [
        "talksite: TALK_DATABASE_URL is deprecated; set TALKSITE_DATABASE_URL",
        "talksite: TALK_REPLICA_DATABASE_URL is deprecated; set TALKSITE_REPLICA_DATABASE_URL",
    ]
