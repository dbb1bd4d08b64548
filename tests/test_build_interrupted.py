"""Ctrl-C or SIGTERM in the middle of ``talksite build`` ends it with the signal's status,
leaves the previous site as it was, and no ``site.building-*`` beside it (issue 30: SIGTERM
left one).

Each test interrupts a build of a copy of a fresh talk made by ``talksite new`` and built once
(the ``built_new_talk`` fixture, so that there is a previous site). A MkDocs hook holds the
build at its end, when the new site is all written but not yet in place.
"""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

TALKSITE = [sys.executable, "-m", "talksite.cli"]
HOOK = """\
import sys
import time


def on_post_build(config, **kwargs):
    print("written", flush=True)
    time.sleep(60)
"""


def contents(folder: Path) -> dict[str, str]:
    """Every file under `folder`, by its path there, with its content's digest."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_leaves_the_old_site_and_no_build_folder(
    built_new_talk: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    talk = Path(shutil.copytree(built_new_talk, tmp_path / "talk", symlinks=True))
    (talk / "hold_at_the_end.py").write_text(HOOK)
    with (talk / "mkdocs.yml").open("a") as config:
        config.write("\nhooks:\n  - hold_at_the_end.py\n")
    before = contents(talk / "site")
    build = subprocess.Popen(
        [*TALKSITE, "build"], cwd=talk, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert build.stdout is not None
        assert build.stdout.readline() == "written\n"
        assert [path.name for path in talk.glob("site.building-*/index.html")] == ["index.html"]
        build.send_signal(sig)
        _, stderr = build.communicate(timeout=30)
    finally:
        build.kill()
    assert build.returncode == 128 + sig, stderr
    assert "Traceback" not in stderr
    assert sorted(path.name for path in talk.iterdir() if path.name.startswith("site")) == ["site"]
    assert contents(talk / "site") == before
