"""The TCP lab's slots as tests see them (snippets/tcp/lab.py): which slot a run holds, and
what of that slot's lab exists right now."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

__all__ = ["SLOTS", "lab_of", "slot_lock", "slot_of"]

SLOTS = 16  # the lab's slots: slot N's lock, namespace and veth are named after N


def slot_lock(slot: int) -> Path:
    return Path(tempfile.gettempdir()) / f"talksite-tcp-slot-{slot}.lock"


def slot_of(pids: set[int]) -> int:
    """The slot whose lock one of the processes `pids` holds (/proc/locks: pid, device:inode)."""
    held = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if fields[1] == "FLOCK" and int(fields[4]) in pids:
            held.add(int(fields[5].rsplit(":", 1)[1]))
    slots = [
        slot
        for slot in range(SLOTS)
        if slot_lock(slot).exists() and slot_lock(slot).stat().st_ino in held
    ]
    assert len(slots) == 1, f"processes {sorted(pids)} hold the locks of slots {slots}"
    return slots[0]


def lab_of(slot: int) -> list[str]:
    """The namespace and network interfaces of the slot's lab that exist right now (a leftover
    only while no run holds the slot: check under ``lock_held(slot_lock(slot))``)."""
    names = {f"tsk{slot}-app", f"tsk{slot}-db"}
    namespaces = subprocess.run(["ip", "netns", "list"], check=True, capture_output=True, text=True)
    links = subprocess.run(["ip", "-o", "link"], check=True, capture_output=True, text=True)
    found = [f"netns {line.split()[0]}" for line in namespaces.stdout.splitlines()]
    found += [
        f"link {line.split(':')[1].strip().split('@')[0]}" for line in links.stdout.splitlines()
    ]
    return sorted(item for item in found if item.split()[1] in names)
