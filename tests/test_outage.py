"""The outage: the Swiss cheese diagram drawn from the recorded matrix, and the app servers the
scenario wires, which must not outlive a run, even a killed one. (What the snippets print is
checked by test_snippets.py.)"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from talksite import cheese, snippets
from talksite.postgres import Servers

SNIPPETS_DIR = Path(__file__).resolve().parent.parent / "snippets"
OUTAGE_DIR = SNIPPETS_DIR / "outage"
SVG = "{http://www.w3.org/2000/svg}"


def recorded_runs() -> list[cheese.Run]:
    return cheese.parse_matrix((OUTAGE_DIR / "matrix.out").read_text(encoding="utf-8"))


def run(*fixed: str, outage: str = "none", timed_out: int = 0) -> cheese.Run:
    return cheese.Run(frozenset(fixed), timed_out, outage, "not applied")


def svg(run: cheese.Run) -> ET.Element:
    return ET.fromstring(cheese.diagram(run, ident="t"))


def drawn(element: ET.Element, css_class: str) -> int:
    return sum(1 for e in element.iter() if e.get("class") == css_class)


# -- the recorded matrix ---------------------------------------------------------------------


def test_the_recorded_matrix_has_every_combination_of_fixes_once() -> None:
    combinations = [
        frozenset(itertools.compress(cheese.LAYERS, picked))
        for picked in itertools.product((False, True), repeat=len(cheese.LAYERS))
    ]
    assert sorted(map(sorted, (r.fixed for r in recorded_runs()))) == sorted(
        map(sorted, combinations)
    )


def test_the_recorded_summary_counts_the_long_outages_in_the_table() -> None:
    text = (OUTAGE_DIR / "matrix.out").read_text(encoding="utf-8")
    summary = text.strip().splitlines()[-1]
    long_runs = sum(r.long for r in recorded_runs())
    assert summary.startswith(f"long outages: {long_runs} of 16;"), summary


def test_a_bad_row_is_reported_with_its_line() -> None:
    header = "routing  locking  tcp  termination  timed out  outage  migration"
    with pytest.raises(cheese.MatrixError, match=r"^m.out:3: "):
        cheese.parse_matrix(
            f"{header}\nhole  hole  hole  hole  4  long  no\nhole  maybe  hole  hole  4  x  no\n",
            source="m.out",
        )


# -- the diagram ------------------------------------------------------------------------------


@pytest.mark.parametrize("fixed", [(), ("routing",), ("locking", "tcp"), tuple(cheese.LAYERS)])
def test_each_missing_defence_is_a_hole_in_its_slice(fixed: tuple[str, ...]) -> None:
    # A short outage or none: the path stops at the first defence, holes after it stay drawn.
    drawing = svg(run(*fixed, outage="long: x" if not fixed else "none"))
    assert drawn(drawing, "tsk-slice") == 4
    assert drawn(drawing, "tsk-hole") == 4 - len(fixed)
    assert drawn(drawing, "tsk-leak") == 0


def test_the_path_goes_through_only_when_all_the_holes_line_up() -> None:
    through = svg(run(outage="long: outlived the cron job", timed_out=4))
    assert (drawn(through, "tsk-outage"), drawn(through, "tsk-stop")) == (1, 0)
    for layer in cheese.LAYERS:
        stopped = svg(run(layer))
        assert (drawn(stopped, "tsk-outage"), drawn(stopped, "tsk-stop")) == (0, 1), layer
    assert cheese.crossings(run("tcp")) == ["hole", "hole", "blocked", "unreached"]


def test_a_long_outage_past_a_defence_is_drawn_as_a_leak_not_hidden() -> None:
    measured = run("termination", outage="long: outlived the cron job", timed_out=4)
    drawing = svg(measured)
    assert cheese.crossings(measured) == ["hole", "hole", "hole", "leaked"]
    assert (drawn(drawing, "tsk-leak"), drawn(drawing, "tsk-outage")) == (1, 1)
    assert "yet the measured outage got past it" in cheese.describe(measured)


def test_the_svg_has_a_text_alternative_and_takes_the_page_colours() -> None:
    drawing = svg(run("locking"))
    assert drawing.get("role") == "img"
    assert drawing.get("viewBox", "").startswith("0 0 ")
    title, desc = drawing.find(f"{SVG}title"), drawing.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert drawing.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "PostgreSQL locking has its defence; the path stops here" in (desc.text or "")
    # No colour is written into the drawing: classes, styled with currentColor and variables.
    assert not [e.tag for e in drawing.iter() if {"fill", "stroke", "style"} & set(e.attrib)]


def test_the_page_figure_draws_every_recorded_run() -> None:
    figure = cheese.swiss_cheese(snippets_dir=SNIPPETS_DIR)
    runs = recorded_runs()
    assert figure.count("<svg ") == 1 + len(runs)  # the all-holes run large, then all of them
    assert figure.count('class="tsk-outage"') == 1 + sum(r.long for r in runs)
    assert '[data-md-color-scheme="slate"]' in figure  # the dark scheme's colours
    ids = [part.split('"')[0] for part in figure.split(' id="')[1:]]
    assert len(ids) == len(set(ids))


# -- the app servers: nothing outlives a run ----------------------------------------------


@pytest.fixture
def network() -> object:
    if os.geteuid() != 0:
        reason = "the outage's app servers need root for network namespaces"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run it")
        pytest.skip(reason)
    sys.path.insert(0, str(OUTAGE_DIR))
    try:
        from _lab import network as lab_network
    finally:
        sys.path.remove(str(OUTAGE_DIR))
    return lab_network


@contextlib.contextmanager
def started_outage(
    servers: Servers, network: object
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """outage.py in a session of its own, once its app server is wired and its clock runs.

    Yields the process and the name of the namespace it made (other runs may have their own).
    """
    snippet = snippets.load(OUTAGE_DIR / "outage.py", SNIPPETS_DIR)
    before = set(network.leftovers())  # type: ignore[attr-defined]
    with snippets.database_for(snippet, servers) as database:
        process = subprocess.Popen(
            [sys.executable, str(snippet.path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=snippets.environment(database),
            start_new_session=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode()  # the migration's session settings
            assert line.startswith("migration: its session:"), line + process.stdout.read().decode()
            made = [n for n in set(network.leftovers()) - before if not n.endswith("-db")]  # type: ignore[attr-defined]
            assert len(made) == 1, f"expected one new app server, found {made}"
            time.sleep(1)  # the migration now waits for its lock
            yield process, made[0]
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def test_sigterm_half_way_removes_the_app_server_and_its_processes(
    talksite_servers: Servers, network: object
) -> None:
    with started_outage(talksite_servers, network) as (process, namespace):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 128 + signal.SIGTERM
        assert snippets.session_processes(process.pid) == {}
        left = [n for n in network.leftovers() if n in (namespace, f"{namespace}-db")]  # type: ignore[attr-defined]
        assert left == []


def test_the_next_run_in_a_slot_removes_what_a_sigkilled_run_left(
    talksite_servers: Servers, network: object
) -> None:
    with started_outage(talksite_servers, network) as (process, namespace):
        os.killpg(process.pid, signal.SIGKILL)  # no clean-up can run
        process.wait()
        assert namespace in network.leftovers()  # type: ignore[attr-defined]
    killed_slot = int(namespace.removeprefix(network.PREFIX))  # type: ignore[attr-defined]
    with contextlib.ExitStack() as claims:  # claim slots until we hold the killed run's one
        while claims.enter_context(network.app_server()).slot != killed_slot:  # type: ignore[attr-defined]
            pass
        # Claiming it removed the leftovers and wired a fresh app server in their place.
        assert namespace in network.leftovers()  # type: ignore[attr-defined]
    assert namespace not in network.leftovers()  # type: ignore[attr-defined]
