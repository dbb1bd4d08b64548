"""Where this talksite was installed from, so that a new talk installs the very same thing.

pip records how it installed a distribution in ``direct_url.json`` (PEP 610); an install
from a package index has no such record. From it, or from the checkout this module runs
from, :func:`this_origin` makes the requirement a new talk's Makefile installs:

- from a package index: ``talksite==VERSION``;
- from a git URL: ``talksite @ git+URL@COMMIT``, the commit pip checked out;
- from a checkout (an editable install, ``pip install PATH``, or PYTHONPATH): its git URL
  (the ``origin`` remote, else the folder) and commit, ``talksite @ git+URL@COMMIT``, when it
  is a git checkout, else the folder itself;
- from a wheel or sdist on this machine: the talk gets a copy in ``vendor/`` and installs
  that, so that its CI installs the same file; from one at a URL, ``talksite @ URL``.

:attr:`Origin.reachable` says whether a CI runner could install it too: not a folder, git
repository or file that only this machine has.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from talksite import __version__
from talksite.git import git_says

__all__ = ["VENDOR_DIR", "Origin", "origin_from_record", "this_origin"]

#: Where a new talk keeps the wheel or sdist it installs talksite from.
VENDOR_DIR = "vendor"
#: git's scp-like address, ``git@github.com:owner/repo.git``: pip needs a URL.
_SCP_LIKE = re.compile(r"(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)")


@dataclass(frozen=True)
class Origin:
    """What a new talk's Makefile installs talksite from."""

    #: The Makefile's ``TALKSITE``: what pip installs.
    requirement: str
    #: A wheel or sdist to copy into the talk, at ``requirement`` (relative to it).
    archive: Path | None = None
    #: Whether a CI runner can install it too.
    reachable: bool = True


def this_origin() -> Origin:
    """Where the running talksite came from (see the module's docstring)."""
    checkout = _checkout()
    if checkout is not None:
        return _from_checkout(checkout)
    try:
        record = metadata.distribution("talksite").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        record = None
    return origin_from_record(json.loads(record) if record else None)


def origin_from_record(record: dict[str, Any] | None) -> Origin:
    """The origin pip's ``direct_url.json`` describes; None means a package index."""
    if record is None:
        return Origin(f"talksite=={__version__}")
    url = record["url"]
    vcs = record.get("vcs_info")
    if vcs is not None:
        commit = vcs.get("commit_id")
        requirement = f"talksite @ {vcs['vcs']}+{_for_pip(url)}" + (f"@{commit}" if commit else "")
        return Origin(requirement, reachable=_remote(url))
    parts = urlsplit(url)
    if parts.scheme != "file":
        return Origin(f"talksite @ {url}")
    path = Path(unquote(parts.path))
    if "dir_info" in record:
        return _from_checkout(path)
    if path.is_file():
        return Origin(f"{VENDOR_DIR}/{path.name}", archive=path)
    return Origin(str(path), reachable=False)  # the file is gone: say so, name it anyway


def _checkout() -> Path | None:
    """The source checkout this module runs from, if it runs from one."""
    folder = Path(__file__).resolve().parents[2]  # talksite/scaffold/origin.py
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return None
    project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    return folder if project.get("name") == "talksite" else None


def _from_checkout(folder: Path) -> Origin:
    """A checkout's git URL and commit, or the folder when it is no git checkout."""
    top = git_says(folder, "rev-parse", "--show-toplevel")
    commit = git_says(folder, "rev-parse", "HEAD")
    if top is None or commit is None or Path(top).resolve() != folder.resolve():
        return Origin(str(folder), reachable=False)
    url = git_says(folder, "remote", "get-url", "origin")
    url = _as_url(url) if url else folder.as_uri()
    return Origin(f"talksite @ git+{_for_pip(url)}@{commit}", reachable=_remote(url))


def _for_pip(url: str) -> str:
    """`url` as every pip reads it: a ``file:`` URL names its host, ``localhost`` (the pip
    that ``python3 -m venv`` installs with Python 3.11, 23.2, refuses a URL without one)."""
    parts = urlsplit(url)
    if parts.scheme == "file" and not parts.netloc:
        return urlunsplit(parts._replace(netloc="localhost"))
    return url


def _as_url(address: str) -> str:
    """A git remote as a URL pip reads; an scp-like one becomes https (CI has no ssh key)."""
    if "://" in address:
        return address
    match = _SCP_LIKE.fullmatch(address)
    if match is None:
        return Path(address).resolve().as_uri()  # a remote that is a folder
    return f"https://{match['host']}/{match['path']}"


def _remote(url: str) -> bool:
    return urlsplit(url).scheme not in ("", "file")
