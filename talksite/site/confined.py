"""Files a build reads must be the project's own: no symlink may lead out of its folder.

A page that includes ``snippets/a/shadow.txt``, where that file is a link to
``/etc/shadow``, would publish the machine's password hashes in the page and its search
index; ``docs/leak.txt`` linking there would be copied into the site. So every file the
build reads from the docs and snippets folders must resolve, after every symlink, inside
the project's folder (mkdocs.yml's); :func:`link_out` finds the link that leaves it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["link_out", "links_out_of"]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def link_out(path: Path, *, project: Path) -> tuple[Path, str] | None:
    """The first symlink on `path` (the path itself or a folder above it) that resolves
    outside `project`, and where it leads; None if `path` stays inside."""
    home = os.path.realpath(project)
    path = Path(os.path.normpath(path))
    steps = [*reversed(path.parents), path]
    for step in steps:
        if not _inside(str(step), str(project)) or not step.is_symlink():
            continue
        target = os.path.realpath(step)
        if not _inside(target, home):
            return step, target
    target = os.path.realpath(path)
    return None if _inside(target, home) else (path, target)


def links_out_of(folder: Path, *, project: Path) -> list[tuple[Path, str]]:
    """Every symlink in `folder` (files and folders, not followed) that resolves outside
    `project`, with where it leads, in path order."""
    home = os.path.realpath(project)
    found = []
    for parent, folders, files in os.walk(folder):
        for name in sorted([*folders, *files]):
            entry = Path(parent) / name
            if entry.is_symlink() and not _inside(os.path.realpath(entry), home):
                found.append((entry, os.path.realpath(entry)))
    return sorted(found)
