"""The built site the checks look at: a strict ``talksite build`` of the talk, made once.

:func:`build` runs ``talksite build`` (what ``make site`` runs) in a process of its own and
keeps the problems it printed, one line each. :func:`build_once` makes one build serve every
process of a test session (pytest-xdist's workers): the first to ask builds, holding a lock,
and the others read what it left, the site or its problems.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from talksite import deck
from talksite.checks.build_problems import build_problems

__all__ = ["SITE_NAME", "Build", "BuiltSite", "build", "build_once"]

#: The shared build's folder, beside its lock (``built-site.lock``) and its problems.
SITE_NAME = "built-site"
#: Generous: the machine may be busy with other people's work.
BUILD_TIMEOUT_S = 300


@dataclass(frozen=True)
class BuiltSite:
    """A site built into ``root``: the pages and what they are called on a server."""

    root: Path

    @property
    def deck_html(self) -> Path:
        return self.root / deck.DECK_DIR / "index.html"

    def pages(self) -> list[Path]:
        """Every HTML page (each ``index.html``, the deck's among them, and ``404.html``)."""
        return sorted(self.root.rglob("*.html"))

    def url_path(self, page: Path) -> str:
        """The path a server gives ``page`` under, as a link on the site would name it."""
        relative = page.relative_to(self.root).as_posix()
        if relative == "index.html":
            return ""
        return relative.removesuffix("index.html")


@dataclass(frozen=True)
class Build:
    """One strict build: the site, unless problems stopped it (one line each)."""

    site: BuiltSite
    problems: tuple[str, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


def build(config_file: Path, site_dir: Path) -> Build:
    """``talksite build -f config_file`` into ``site_dir``, strict, as ``make site`` runs it."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "talksite.cli", "build", "-f", str(config_file)]
        + ["--site-dir", str(site_dir)],
        cwd=config_file.parent,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    problems: tuple[str, ...] = ()
    if result.returncode != 0:
        problems = tuple(build_problems(result.stderr or result.stdout, config_file.parent))
        problems = problems or (f"talksite build exited with status {result.returncode}",)
    return Build(BuiltSite(site_dir), problems, time.monotonic() - started)


def build_once(config_file: Path, folder: Path) -> Build:
    """The talk built into ``folder/built-site``, by whichever process asks first."""
    site_dir = folder / SITE_NAME
    failed = folder / f"{SITE_NAME}.problems"
    with open(folder / f"{SITE_NAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (site_dir / "index.html").is_file():
            return Build(BuiltSite(site_dir), (), 0.0)
        if failed.is_file():
            lines = failed.read_text(encoding="utf-8").splitlines()
            return Build(BuiltSite(site_dir), tuple(lines), 0.0)
        made = build(config_file, site_dir)
        if not made.ok:
            failed.write_text("\n".join(made.problems) + "\n", encoding="utf-8")
        return made
