"""``talksite new DIR``: a new talk that builds and passes its own tests straight away.

The talk is a copy of ``talksite/scaffold/template/`` (shipped in the package), with three
changes made here:

- ``talk/talk.yml`` is written from the template's ``talk-values.yml`` with every key's
  meaning above it, taken from the schema in :mod:`talksite.talk.schema`
  (:func:`talksite.talk.example.commented_talk_yml`), so the comments cannot drift;
- the Makefile's ``TALKSITE`` default is where this talksite was installed from
  (:mod:`talksite.scaffold.origin`): this release from the package index, a git URL and
  commit, or a copy of the wheel or sdist in the talk's ``vendor/``; its workflows run the
  Makefile, so they install the same thing;
- ``gitignore`` becomes ``.gitignore`` and ``github/`` becomes ``.github/`` (package data
  leaves out files and folders whose names start with a dot).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

import yaml

from talksite.errors import TalksiteError
from talksite.scaffold.origin import Origin, this_origin
from talksite.talk.example import commented_talk_yml

__all__ = ["Origin", "ScaffoldError", "create", "template_files", "this_origin"]

TEMPLATE_DIR = "template"
#: The example talk's values; they become talk/talk.yml, with comments.
VALUES_FILE = "talk-values.yml"
TALK_FILE = "talk/talk.yml"
MAKEFILE = "Makefile"
TALKSITE_MARKER = "@TALKSITE@"
#: At the top of the template only: deeper down, a folder may be called github/ for its own sake.
RENAMED = {"gitignore": ".gitignore", "github": ".github"}
#: talk.yml's keys that a new talk shows commented out: it has no video until it is recorded.
LEFT_OUT = ("video",)
TALK_YML_HEADER = (
    "The talk's facts: every page, the home page's video and the deck read them through",
    "talksite, which checks this file on every build. The comment above each key comes",
    "from that schema (talksite's README has the same reference as a table). Replace every",
    "value with your talk's; each layer has a page, docs/SLUG.md, and a line in mkdocs.yml's nav.",
)


class ScaffoldError(TalksiteError):
    """The talk cannot be created where asked; nothing has been written."""


def create(directory: Path, origin: Origin | None = None) -> list[Path]:
    """Write a new talk into ``directory`` (new or empty), installing talksite from
    ``origin`` (default: where this talksite came from); returns the files, relative to it."""
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(
            f"{directory} is not empty: talksite new writes only into a new or empty folder"
        )
    contents = template_files(origin)
    directory.mkdir(parents=True, exist_ok=True)
    for relative, data in contents.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return sorted(Path(relative) for relative in contents)


def template_files(origin: Origin | None = None) -> dict[str, bytes]:
    """Every file of the new talk, by its path in the talk's folder, made before any is
    written; the Makefile installs talksite from ``origin`` (default: :func:`this_origin`)."""
    if origin is None:
        origin = this_origin()
    root = resources.files("talksite.scaffold") / TEMPLATE_DIR
    files = {path: data for path, data in _walk(root, PurePosixPath())}
    values = yaml.safe_load(files.pop(VALUES_FILE).decode("utf-8"))
    talk_yml = commented_talk_yml(values, header=TALK_YML_HEADER, left_out=LEFT_OUT)
    files[TALK_FILE] = talk_yml.encode("utf-8")
    makefile = files[MAKEFILE].decode("utf-8")
    if makefile.count(TALKSITE_MARKER) != 1:
        raise ScaffoldError(f"the template's Makefile must hold {TALKSITE_MARKER} once")
    files[MAKEFILE] = makefile.replace(TALKSITE_MARKER, origin.requirement).encode("utf-8")
    if origin.archive is not None:
        files[origin.requirement] = origin.archive.read_bytes()
    return dict(sorted(files.items()))


def _walk(folder: Traversable, relative: PurePosixPath) -> list[tuple[str, bytes]]:
    found = []
    for entry in folder.iterdir():
        if entry.name == "__pycache__" or entry.name.endswith(".pyc"):
            continue
        top = relative == PurePosixPath()
        path = relative / (RENAMED.get(entry.name, entry.name) if top else entry.name)
        if entry.is_dir():
            found.extend(_walk(entry, path))
        else:
            found.append((path.as_posix(), entry.read_bytes()))
    return found
