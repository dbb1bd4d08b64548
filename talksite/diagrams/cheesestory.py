"""What a recorded run of the defence matrix says, slice by slice and in words.

As in James Reason's model, a slice is a defence (a layer's ``defence`` in talk.yml) and a hole
is where it fails: missing in the run, or in place and failed. The outage's path passes a slice
through its hole and stops at the first defence that held. Whether a defence in place held is
measured, not assumed: the matrix's column named after the layer's ``hazard`` says whether that
hazard reached its harm in the run (without such a column, a long outage counts as harm).
"""

from __future__ import annotations

from collections.abc import Sequence

from talksite.diagrams.matrix import OUTAGE_COLUMN, Run
from talksite.talk import Layer

__all__ = ["STATUS", "crossings", "describe", "story"]

#: A slice's crossing, in the words drawn under the slice.
STATUS = {
    "hole": "missing",
    "failed": "failed",
    "blocked": "held",
    "unreached": "not reached",
}


def crossings(run: Run, layers: Sequence[Layer]) -> list[str]:
    """For each slice in order: how the outage's path meets it.

    ``hole``: through the missing defence. ``failed``: the defence was in place, and the
    hazard it guards against reached its harm anyway: a hole in it. ``blocked``: the path stops
    at this defence. ``unreached``: the path stopped at an earlier slice.
    """
    found, stopped = [], False
    for layer in layers:
        if stopped:
            found.append("unreached")
        elif layer.slug not in run.fixed:
            found.append("hole")
        elif _harm_got_past(run, layer):
            found.append("failed")
        else:
            found.append("blocked")
            stopped = True
    return found


def _harm_got_past(run: Run, layer: Layer) -> bool:
    """Did the harm this defence guards against happen in the run, the defence in place?"""
    measured = dict(run.measured)
    if layer.hazard is not None and layer.hazard in measured:
        return measured[layer.hazard].startswith("harm")
    return run.long


def describe(run: Run, layers: Sequence[Layer]) -> str:
    """The diagram in words: its text alternative."""
    words = {
        "hole": "has a hole (defence missing); the path passes through",
        "failed": "has its defence, and it failed: the path passes through",
        "blocked": "has its defence; the path stops here",
        "unreached": "is not reached",
    }
    slices = "; ".join(
        f"{layer.title} ({layer.label}) {words[how]}"
        + (f" ({layer.hole})" if how == "hole" and layer.hole else "")
        for layer, how in zip(layers, crossings(run, layers))
    )
    measured = "; ".join(f"{name}: {value}" for name, value in run.measured)
    return f"{slices}. Measured: {measured}."


def _listed(names: Sequence[str]) -> str:
    if len(names) < 3:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _defences(run: Run, layers: Sequence[Layer]) -> str:
    """What each defence did, in one sentence."""
    how = crossings(run, layers)
    if all(c == "hole" for c in how):
        return f"No defence was in place: the path went through all {len(layers)} slices."
    said = []
    for crossing, singular, plural in (
        ("hole", "was missing", "were missing"),
        ("failed", "was in place and failed", "were in place and failed"),
    ):
        names = [layer.label for layer, c in zip(layers, how) if c == crossing]
        if names:
            said.append(f"{_listed(names)} {singular if len(names) == 1 else plural}")
    held = [layer.label for layer, c in zip(layers, how) if c == "blocked"]
    if held:
        said.append(f"{held[0]} held, and the path stopped there")
    else:
        said.append("the path went through every slice")
    sentence = "; ".join(said)
    return sentence[0].upper() + sentence[1:] + "."


def _outcome(run: Run) -> str:
    """The outage cell in words: ``long: outlived x`` is "A long outage: it outlived x"."""
    kind, _, detail = run.outage.partition(":")
    if kind.strip() == "none":
        return "No outage."
    said = f"A {kind.strip()} outage" if kind.strip() in ("long", "short") else run.outage
    return f"{said}: {detail.strip()}." if detail.strip() else f"{said}."


def story(run: Run, layers: Sequence[Layer]) -> str:
    """What happened in the run, in a few sentences: the caption under its drawing."""
    hazards = {layer.hazard for layer in layers if layer.hazard}
    harm = [name for name, value in run.measured if name in hazards and value.startswith("harm")]
    stopped = [name for name, value in run.measured if name in hazards and name not in harm]
    others = [
        f"{name}: {value}"
        for name, value in run.measured
        if name not in hazards and name != OUTAGE_COLUMN
    ]
    sentences = [_defences(run, layers), _outcome(run)]
    if harm:
        sentences.append(f"Hazards that did their harm: {_listed(harm)}.")
    if stopped:
        sentences.append(f"Hazards stopped: {_listed(stopped)}.")
    if others:
        sentences.append(f"Also recorded: {'; '.join(others)}.")
    return " ".join(sentences)
