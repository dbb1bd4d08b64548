"""The snippet files the pages link to, copied into the built site as they are.

A page's "download" link under a snippet names ``snippets/LAYER/NAME.EXT`` in the site, the
same path as in the repository. Each file is copied byte for byte, and only if it is the
project's own: a symlink that leads out of the project's folders (to ``/etc/shadow``, say)
is refused, as the content check refuses it in an include (:mod:`talksite.site.confined`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from talksite.errors import ContentError, Problem
from talksite.site.confined import link_out

__all__ = ["copy_snippet_files"]


def copy_snippet_files(
    linked: Mapping[str, Path],
    *,
    site_dir: Path,
    folders: Sequence[Path],
    relative: Callable[[Path], str],
    taken: Callable[[str], bool] = lambda _: False,
) -> None:
    """Copy each linked file (by its path in the site) into `site_dir`; `folders` are the
    project's, and `relative` names a refused link in its one-line problem; a path that
    `taken` says a page or file of the docs has already is refused too."""
    problems = []
    for site_path, file in sorted(linked.items()):
        if taken(site_path):
            what = f"the docs have a file at {site_path}, where the site serves this snippet"
            problems.append(Problem(relative(file), 1, what, "expected no such file in docs/"))
        leak = link_out(file, folders=folders)
        if leak is not None:
            link, target = leak
            what = f"links outside the project (-> {target})"
            expected = "expected a file inside the project, not a link out of it"
            problems.append(Problem(relative(link), 1, what, expected))
    if problems:
        raise ContentError(problems)
    for site_path, file in linked.items():
        target = site_dir / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
