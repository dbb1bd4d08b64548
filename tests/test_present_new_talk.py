"""``talksite present`` with a talk of its own (``talksite new``), whose one snippet is made to
misbehave: failing, it shows the recording with its label; interrupted mid-run, present
leaves no process, server, database or file behind (test_present_lan.py: no namespace);
made privileged while another run holds the machine's turn, its wait ends with the slide,
with its deadline, and with Ctrl-C.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import REPO, goto, wait_until
from present_support import post, presenting, start_run
from snippet_support import live_command_lines, lock_held

from talksite import deck, environment, scaffold, snippets
from talksite.postgres import Launcher, workdirs
from talksite.processes.interrupt import CLEANUP_DEADLINE_S, OVERRAN
from talksite.snippets.runner import PRIVILEGED_LOCK, TurnNotTaken, machine_turn

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SNIPPET = Path("snippets/first-layer/ask.py")
SLIDE = "first-layer"


def new_talk(root: Path, tail: str) -> Path:
    """A new talk whose snippet does what it always did, then `tail`."""
    project = root / "talk"
    scaffold.create(project)
    # reveal.js as `make install` would give it, from this checkout's `npm ci`.
    (project / "node_modules").symlink_to(REPO / "node_modules")
    snippet = project / SNIPPET
    snippet.write_text(snippet.read_text() + tail)
    return project


def leftovers(pid: int, project: Path) -> list[str]:
    """What a present with this pid left: its servers' and its site's folders, and processes
    using them or running its snippet."""
    tmp = Path(tempfile.gettempdir())
    found = [str(p) for p in workdirs.owned_by(pid)]
    found += [str(p) for p in tmp.glob(f"talksite-present-{pid}-*")]
    return found + live_command_lines(f"{workdirs.WORKDIR_PREFIX}{pid}-", str(project / SNIPPET))


@pytest.mark.browser
def test_a_snippet_made_to_fail_shows_the_recording_labelled(
    browser: Browser, tmp_path: Path
) -> None:
    project = new_talk(tmp_path, '\nraise SystemExit("made to fail on stage")\n')
    with presenting(project) as present:
        page = browser.new_context().new_page()
        goto(page, f"{present.presenter_url}#/{SLIDE}")
        wait_until(page, "document.documentElement.classList.contains('present-presenter')")
        page.keyboard.press("r")
        page.wait_for_selector(".present-run[data-result=recorded]", timeout=60_000)
        status = page.locator(".present-run__status").inner_text()
        assert status.startswith("Recorded on "), status
        assert "exited with status 1" in status
        recording = (project / SNIPPET).with_suffix(".out").read_text().splitlines()
        assert page.locator(".present-line").all_inner_texts() == recording
        page.context.close()


def test_ctrl_c_mid_run_leaves_nothing_behind(tmp_path: Path) -> None:
    tail = '\nimport time\nprint("still running", flush=True)\ntime.sleep(120)\n'
    project = new_talk(tmp_path, tail)
    with (
        presenting(project) as present,
        start_run(present, SLIDE, timeout_s=60) as response,
        contextlib.closing(http.client.HTTPConnection(*present.address, timeout=60)) as audience,
    ):
        pid = present.process.pid
        # An audience page following, too: its stream must not hold present up.
        audience.request("GET", "/_present/follow")
        assert audience.getresponse().status == 200
        # Wait until the snippet is running (its last line), then Ctrl-C.
        while "still running" not in response.readline().decode():
            pass
        assert leftovers(pid, project) != [], "the run and its servers should exist now"
        assert present.stop() == 128 + signal.SIGINT
        stderr = present.stderr()
        assert "Traceback" not in stderr, stderr
    deadline = time.monotonic() + 5  # the kernel reaps what present killed
    while leftovers(pid, project) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(pid, project) == []


def test_a_demo_the_users_server_cannot_serve_shows_the_recording_with_the_reason(
    tmp_path: Path,
) -> None:
    project = new_talk(tmp_path, "")
    snippet = project / SNIPPET
    snippet.write_text("# talksite: server.work_mem=8MB\n" + snippet.read_text())
    launcher = Launcher()
    try:
        users_own = {environment.DATABASE_URL: launcher.start("users-own").url()}
        with presenting(project, environment=users_own) as present:
            assert any("warmed 0 servers for 1 demo" in line for line in present.printed)
            with start_run(present, SLIDE, timeout_s=60) as response:
                events = [json.loads(line) for line in response.read().decode().splitlines()]
    finally:
        launcher.close()
    assert [event["kind"] for event in events] == ["end"]
    assert events[0]["fallback"] is True
    assert events[0]["reason"] == (
        f"this snippet is not applicable on the server in {environment.DATABASE_URL}:"
        " it needs its own server settings (work_mem)"
    )
    assert events[0]["output"] == snippet.with_suffix(".out").read_text().splitlines()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--site", "no-such-site"], "no-such-site: not a built site (no slides/index.html)"),
        (["--lan", "not-an-address"], "--lan not-an-address: expected this machine's IPv4"),
        (["--port", "99999"], "argument --port: expected a port number from 0 to 65535"),
        (["-f", "no-such.yml"], "no-such.yml: no such file; give the talk's mkdocs.yml"),
        (["--port", "{busy}"], "cannot listen on 127.0.0.1:{busy} (Address already in use)"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    args: list[str], says: str, tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        args = [arg.replace("{busy}", port) for arg in args]
        log = tmp_path / "presenting.jsonl"
        result = subprocess.run(
            [sys.executable, "-m", "talksite.cli", "present", *args, "--log", str(log)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert says.replace("{busy}", port) in result.stderr.splitlines()[-1], result.stderr
    assert result.stdout == ""
    assert not log.exists()


def test_a_wait_for_the_turn_gives_up_at_its_deadline_or_when_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "snippets" / "turn.py"
    path.parent.mkdir()
    path.write_text("# talksite: privileged\nprint('never')\n")
    snippet = snippets.load(path, path.parent)
    cancel = threading.Event()
    with lock_held(Path(PRIVILEGED_LOCK)):
        with (
            pytest.raises(TurnNotTaken, match="timed out after waiting 0.[3-9] s"),
            machine_turn(snippet, deadline=time.monotonic() + 0.3),
        ):
            pass
        threading.Timer(0.2, cancel.set).start()
        with (
            pytest.raises(TurnNotTaken, match="^stopped after waiting"),
            machine_turn(snippet, cancel=cancel),
        ):
            pass


@pytest.mark.privileged
def test_a_demo_waiting_for_the_turn_ends_with_its_slide_and_with_ctrl_c(tmp_path: Path) -> None:
    project = new_talk(tmp_path, "")
    snippet = project / SNIPPET
    snippet.write_text("# talksite: privileged\n" + snippet.read_text())
    slides = deck.load_slides(project / "talk" / "slides.md", source="talk/slides.md")
    elsewhere = next(slide.anchor for slide in slides if slide.anchor != SLIDE)
    with presenting(project) as present:
        pid = present.process.pid
        assert list(Path(tempfile.gettempdir()).glob(f"talksite-present-{pid}-*")) != []
        with lock_held(Path(PRIVILEGED_LOCK)):
            with start_run(present, SLIDE, timeout_s=60) as response:
                status, _ = post(
                    f"{present.base}/_present/slide", {"slide": elsewhere}, token=present.token
                )
                assert status == 200
                events = [json.loads(line) for line in response.read().decode().splitlines()]
            assert events[-1]["fallback"] is True
            assert events[-1]["reason"].startswith("stopped after waiting"), events[-1]
            with start_run(present, SLIDE, timeout_s=60):
                assert present.stop() == 128 + signal.SIGINT
        stderr = present.stderr()
        assert "Traceback" not in stderr
    # Unwound, not cut short by the interrupt's deadline (which kills what is left, and says so).
    assert OVERRAN.format(CLEANUP_DEADLINE_S) not in stderr, stderr
    assert list(Path(tempfile.gettempdir()).glob(f"talksite-present-{pid}-*")) == []
