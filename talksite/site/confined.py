"""Files a build reads must be the project's own: no symlink may lead out of its folders.

A page that includes ``snippets/a/shadow.txt``, where that file is a link to
``/etc/shadow``, would publish the machine's password hashes in the page and its search
index; ``docs/leak.txt`` linking there would be copied into the site. So every file the
build reads from the docs and snippets folders must resolve, after every symlink, inside
one of the project's folders (mkdocs.yml's, the docs folder, the snippets folder);
:func:`link_out` finds the link that leaves them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["link_out", "links_out_of"]


def _inside(path: str, folders: Sequence[str]) -> bool:
    return any(
        path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders
    )


def _resolved(folders: Sequence[Path]) -> list[str]:
    return [os.path.realpath(folder) for folder in folders]


def link_out(path: Path, *, folders: Sequence[Path]) -> tuple[Path, str] | None:
    """The first symlink on `path` (the path itself or a folder above it, within `folders`)
    that resolves outside every one of `folders`, and where it leads; None if it stays in."""
    homes = _resolved(folders)
    written = [os.path.normpath(folder) for folder in folders]
    path = Path(os.path.normpath(path))
    # Links above the project's folders (/tmp -> /private/tmp on macOS) are not the talk's.
    for step in [*reversed(path.parents), path]:
        if _inside(str(step), written) and step.is_symlink():
            target = os.path.realpath(step)
            if not _inside(target, homes):
                return step, target
    target = os.path.realpath(path)
    return None if _inside(target, homes) else (path, target)


def links_out_of(folder: Path, *, folders: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every symlink in `folder` (files and folders) that resolves outside every one of
    `folders`, with where it leads, in path order. Links to folders inside are followed,
    as MkDocs follows them, each real folder once."""
    homes = _resolved(folders)
    found = []
    seen: set[str] = set()
    for parent, children, files in os.walk(folder, followlinks=True):
        seen.add(os.path.realpath(parent))
        for name in [*children, *files]:
            entry = Path(parent) / name
            if entry.is_symlink() and not _inside(os.path.realpath(entry), homes):
                found.append((entry, os.path.realpath(entry)))
        # Not into a link that leaves (reported), nor twice into one folder (a loop).
        children[:] = [
            name
            for name in children
            if _inside(target := os.path.realpath(Path(parent) / name), homes)
            and target not in seen
        ]
    return sorted(found)
