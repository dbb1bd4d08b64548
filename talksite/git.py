"""Asking git about a checkout: what ``talksite new`` names as talksite's source
(:mod:`talksite.scaffold.origin`) and what the pages link to on the talk's repository
(:mod:`talksite.site.repository`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["git_says"]


def git_says(folder: Path, *arguments: str, timeout_s: float = 10) -> str | None:
    """What ``git -C folder ARGUMENTS`` prints, stripped; None when git is missing, fails,
    runs out of `timeout_s` (a git that hangs on a prompt must not hang us) or prints nothing
    (no checkout, no such remote)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None
