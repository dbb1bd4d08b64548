"""The outage: the Swiss cheese diagram drawn from the recorded matrix, and the app servers the
scenario wires, which must not outlive a run, even a killed one. (What the snippets print is
checked by test_snippets.py.)"""

from __future__ import annotations

import contextlib
import html
import itertools
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from snippet_support import LOCK_WAIT_S, Started, lock_held, started

from talksite import diagrams, processes, snippets
from talksite.postgres import DatabaseSource
from talksite.talk import Layer, Talk

SNIPPETS_DIR = Path(__file__).resolve().parent.parent / "snippets"
OUTAGE_DIR = SNIPPETS_DIR / "outage"
MATRIX = OUTAGE_DIR / "matrix.out"
SVG = "{http://www.w3.org/2000/svg}"
#: What outage.py prints once the deploy's migration waits for its lock, half-way through.
MIGRATION_WAITS = "waiting for AccessExclusiveLock"


@pytest.fixture(scope="module")
def layers(this_talk: Talk) -> tuple[Layer, ...]:
    return this_talk.layers


@pytest.fixture(scope="module")
def slugs(layers: tuple[Layer, ...]) -> list[str]:
    return [layer.slug for layer in layers]


def recorded_runs(slugs: list[str]) -> list[diagrams.Run]:
    text = MATRIX.read_text(encoding="utf-8")
    return diagrams.parse_matrix(text, layers=slugs, source="snippets/outage/matrix.out")


def make_run(
    slugs: list[str],
    *fixed: str,
    outage: str = "none",
    timed_out: int = 0,
    hazards: tuple[tuple[str, str], ...] = (),
) -> diagrams.Run:
    measured = (
        *hazards,
        ("timed out", str(timed_out)),
        ("outage", outage),
        ("migration", "not applied"),
    )
    return diagrams.Run(tuple(slugs), frozenset(fixed), measured)


def svg(run: diagrams.Run, layers: tuple[Layer, ...], *, labels: bool = False) -> ET.Element:
    return ET.fromstring(diagrams.diagram(run, layers, ident="t", labels=labels))


def drawn(element: ET.Element, css_class: str) -> int:
    return sum(1 for e in element.iter() if e.get("class") == css_class)


# -- the recorded matrix ---------------------------------------------------------------------


def test_the_recorded_matrix_has_every_combination_of_fixes_once(slugs: list[str]) -> None:
    combinations = [
        frozenset(itertools.compress(slugs, picked))
        for picked in itertools.product((False, True), repeat=len(slugs))
    ]
    assert sorted(map(sorted, (r.fixed for r in recorded_runs(slugs)))) == sorted(
        map(sorted, combinations)
    )


def test_the_recorded_summary_counts_the_long_outages_in_the_table(slugs: list[str]) -> None:
    lines = MATRIX.read_text(encoding="utf-8").strip().splitlines()
    summary = next(line for line in lines if line.startswith("long outages:"))
    long_runs = sum(r.long for r in recorded_runs(slugs))
    assert summary.startswith(f"long outages: {long_runs} of 16;"), summary


def test_the_recorded_summary_counts_each_hazards_harm_in_the_table(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    lines = MATRIX.read_text(encoding="utf-8").strip().splitlines()
    hazards = sorted({layer.hazard for layer in layers if layer.hazard})
    assert hazards == ["lock queue", "orphan"]
    for hazard in hazards:
        harmed = sum(dict(r.measured)[hazard] == "harm" for r in recorded_runs(slugs))
        summary = next(line for line in lines if line.startswith(f"{hazard}: "))
        assert summary.startswith(f"{hazard}: harm in {harmed} of 16 runs"), summary


def test_a_bad_row_is_reported_with_its_line(slugs: list[str]) -> None:
    header = "routing  locking  tcp  termination  timed out  outage  migration"
    with pytest.raises(diagrams.MatrixError) as caught:
        diagrams.parse_matrix(
            f"{header}\nhole  hole  hole  hole  4  long  no\nhole  maybe  hole  hole  4  x  no\n",
            layers=slugs,
            source="m.out",
        )
    assert str(caught.value) == (
        "m.out:3: found 'hole  maybe  hole  hole'; expected hole or fixed per layer"
    )


def test_a_header_without_the_talks_layers_is_reported(slugs: list[str]) -> None:
    with pytest.raises(diagrams.MatrixError, match=r"^m\.out:1: the header 'a  b  outage' does"):
        diagrams.parse_matrix("a  b  outage\nhole  hole  none\n", layers=slugs, source="m.out")


# -- the diagram ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixed", [(), ("routing",), ("locking", "tcp"), ("routing", "locking", "tcp", "termination")]
)
def test_each_missing_defence_is_a_hole_in_its_slice(
    fixed: tuple[str, ...], slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    # A short outage or none: the path stops at the first defence, holes after it stay drawn.
    drawing = svg(make_run(slugs, *fixed, outage="long: x" if not fixed else "none"), layers)
    assert drawn(drawing, "tsk-slice") == 4
    assert drawn(drawing, "tsk-hole") == 4 - len(fixed)


def test_the_path_goes_through_only_when_all_the_holes_line_up(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    through = svg(make_run(slugs, outage="long: outlived the cron job", timed_out=4), layers)
    assert (drawn(through, "tsk-outage"), drawn(through, "tsk-stop")) == (1, 0)
    for slug in slugs:
        stopped = svg(make_run(slugs, slug), layers)
        assert (drawn(stopped, "tsk-outage"), drawn(stopped, "tsk-stop")) == (0, 1), slug
    stopped_at_tcp = ["hole", "hole", "blocked", "unreached"]
    assert diagrams.crossings(make_run(slugs, "tcp"), layers) == stopped_at_tcp


def test_a_defence_whose_hazard_reached_its_harm_is_drawn_failed_with_a_hole(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    harm = (("lock queue", "harm"), ("orphan", "harm"))
    measured = make_run(slugs, "termination", outage="long: x", timed_out=4, hazards=harm)
    drawing = svg(measured, layers)
    assert diagrams.crossings(measured, layers) == ["hole", "hole", "hole", "failed"]
    assert (drawn(drawing, "tsk-hole"), drawn(drawing, "tsk-outage")) == (4, 1)
    assert "has its defence, and it failed" in diagrams.describe(measured, layers)


def test_a_defence_is_judged_by_its_own_hazard_not_by_the_outage(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    # The lock queue got through routing and locking, and the outage was long; the TCP fix
    # still kept the orphan from its harm, so the path stops there.
    harm = (("lock queue", "harm"), ("orphan", "stopped"))
    measured = make_run(slugs, "tcp", outage="long: until x", timed_out=4, hazards=harm)
    assert diagrams.crossings(measured, layers) == ["hole", "hole", "blocked", "unreached"]
    drawing = svg(measured, layers)
    assert (drawn(drawing, "tsk-hole"), drawn(drawing, "tsk-stop")) == (3, 1)


def test_the_svg_has_a_text_alternative_and_takes_the_page_colours(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    drawing = svg(make_run(slugs, "locking"), layers)
    assert drawing.get("role") == "img"
    assert drawing.get("viewBox", "").startswith("0 0 ")
    title, desc = drawing.find(f"{SVG}title"), drawing.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert drawing.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    locking = next(layer for layer in layers if layer.slug == "locking")
    assert f"{locking.title} ({locking.label}) has its defence; the path stops here" in (
        desc.text or ""
    )
    # No colour is written into the drawing: classes, styled with currentColor and variables.
    assert not [e.tag for e in drawing.iter() if {"fill", "stroke", "style"} & set(e.attrib)]


def test_the_slices_are_labelled_with_the_layers_defences(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    drawing = svg(make_run(slugs, "tcp"), layers, labels=True)
    named = [
        " ".join(span.text or "" for span in element.iter(f"{SVG}tspan"))
        for element in drawing.iter(f"{SVG}text")
        if element.get("class") == "tsk-defence"
    ]
    assert named == [layer.defence for layer in layers]
    # Under each name, what the defence did in the run.
    said = [e.findtext(f"{SVG}tspan") for e in drawing.iter(f"{SVG}text") if not e.get("class")]
    assert said == ["missing", "missing", "held", "not reached"]


def test_the_page_figure_draws_every_recorded_run(
    slugs: list[str], layers: tuple[Layer, ...]
) -> None:
    figure = diagrams.swiss_cheese(
        MATRIX, layers, source="snippets/outage/matrix.out", ident="t"
    ).html
    runs = recorded_runs(slugs)
    assert figure.count("<svg ") == 1 + len(runs)  # the all-holes run large, then all of them
    # The path reaches the end only where no defence held: runs 1 and 2, where the orphan
    # outlived the cron job (the connection check, in place in run 2, failed).
    through = [n for n, r in enumerate(runs, 1) if "blocked" not in diagrams.crossings(r, layers)]
    assert through == [1, 2]
    assert figure.count('class="tsk-outage"') == 1 + len(through)
    assert '[data-md-color-scheme="slate"]' in figure  # the dark scheme's colours
    ids = [part.split('"')[0] for part in figure.split(' id="')[1:]]
    assert len(ids) == len(set(ids))
    # Each run's caption: the fixed layers, then every other column of the matrix by name.
    captions = [
        html.unescape(re.sub(r"<[^>]+>", " ", caption))
        for caption in re.findall(r"<figcaption>(.*?)</figcaption>", figure)[1:]
    ]
    assert len(captions) == len(runs)
    for run, caption in zip(runs, captions):
        fixed = ", ".join(layer.title for layer in layers if layer.slug in run.fixed) or "none"
        expected = [f"Fixed: {fixed}"] + [
            f"{name.capitalize()}: {value}" for name, value in run.measured
        ]
        assert " ".join(caption.split()) == " ".join(" ".join(expected).split()), caption


# -- the app servers: nothing outlives a run ----------------------------------------------


@pytest.fixture
def network() -> object:
    """The outage's lab module (snippets/outage/_lab/network.py): its slots and leftovers."""
    sys.path.insert(0, str(OUTAGE_DIR))
    try:
        from _lab import network as lab_network
    finally:
        sys.path.remove(str(OUTAGE_DIR))
    return lab_network


def namespace_of(run: Started) -> str:
    """The namespace this run's app server runs in, found from the run's own processes (other
    runs, such as matrix.py's sixteen, may be wiring app servers of their own meanwhile)."""
    found = set()
    for pid in processes.proc.session_members(run.pid):
        identify = ["ip", "netns", "identify", str(pid)]
        found.update(subprocess.run(identify, capture_output=True, text=True).stdout.split())
    assert len(found) == 1, f"expected the run's processes in one namespace, found {found}"
    return found.pop()


@contextlib.contextmanager
def started_outage(databases: DatabaseSource) -> Iterator[tuple[Started, str]]:
    """outage.py, run by talksite's runner, once its migration waits for its lock (on the app
    server). Yields the run and the name of the namespace it made."""
    snippet = snippets.load(OUTAGE_DIR / "outage.py", SNIPPETS_DIR)
    with started(snippet, databases, ready=MIGRATION_WAITS) as run:
        yield run, namespace_of(run)


def slot_held(network: object, namespace: str) -> contextlib.AbstractContextManager[None]:
    """Hold the lock of `namespace`'s slot, as a run would: meanwhile any namespace of that
    slot is a leftover. (Other people's runs, matrix.py's sixteen at a time, take free slots.)"""
    slot = int(namespace.removeprefix(network.PREFIX))  # type: ignore[attr-defined]
    return lock_held(Path(tempfile.gettempdir()) / f"talksite-outage-slot-{slot}.lock")


@pytest.mark.privileged
def test_sigterm_half_way_removes_the_app_server_and_its_processes(
    talksite_databases: DatabaseSource, network: object
) -> None:
    with started_outage(talksite_databases) as (run, namespace):
        run.signal(signal.SIGTERM)
        result = run.result(timeout=15)
    assert result.returncode == 128 + signal.SIGTERM, result.output
    assert result.leftover_processes == (), "left in the snippet's session"
    with slot_held(network, namespace):
        left = [n for n in network.leftovers() if n in (namespace, f"{namespace}-db")]  # type: ignore[attr-defined]
    assert left == []


@pytest.mark.privileged
def test_the_next_run_in_a_slot_removes_what_a_sigkilled_run_left(
    talksite_databases: DatabaseSource, network: object
) -> None:
    with started_outage(talksite_databases) as (run, namespace):
        os.killpg(run.pid, signal.SIGKILL)  # the whole session at once: no clean-up can run
        assert run.result().returncode == -signal.SIGKILL
        assert namespace in network.leftovers()  # type: ignore[attr-defined]
    killed_slot = int(namespace.removeprefix(network.PREFIX))  # type: ignore[attr-defined]
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:  # claim slots until we hold the killed run's one (another run may hold it)
        with contextlib.ExitStack() as claims:
            slot = -1
            while slot < killed_slot:
                slot = claims.enter_context(network.app_server()).slot  # type: ignore[attr-defined]
            if slot == killed_slot:
                # Claiming it removed the leftovers and wired a fresh app server in their place.
                assert namespace in network.leftovers()  # type: ignore[attr-defined]
                break
        assert time.monotonic() < deadline, f"slot {killed_slot} stayed busy"
        time.sleep(0.1)
    with slot_held(network, namespace):
        assert namespace not in network.leftovers()  # type: ignore[attr-defined]
