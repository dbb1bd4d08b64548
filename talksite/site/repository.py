"""Where a file of the talk lives on its repository, at the commit the site was built from.

When ``mkdocs.yml`` names ``repo_url``, every snippet on the pages links to its file there,
pinned to the commit of the checkout being built (``git rev-parse HEAD``), so the link shows
the code the site shows even after the branch moves on. The talk may live in a folder of a
larger repository: paths are taken from the repository's top folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from talksite.git import git_says

__all__ = ["Repository", "repository"]

#: How each forge names a file at a commit, after the repository's address.
_FILE_AT_COMMIT = {
    "gitlab": "-/blob/{commit}/{path}",
    "bitbucket": "src/{commit}/{path}",
    "codeberg": "src/commit/{commit}/{path}",
}
#: GitHub's form, which most forges (Gitea and Forgejo aside) also accept.
_DEFAULT_FILE_AT_COMMIT = "blob/{commit}/{path}"


@dataclass(frozen=True)
class Repository:
    """A repository's address, the commit built, and the checkout's top folder."""

    url: str
    commit: str
    top: Path

    @property
    def short_commit(self) -> str:
        return self.commit[:7]

    def file_url(self, path: Path) -> str:
        """The address of `path` (a file in the checkout) at this commit."""
        relative = path.resolve().relative_to(self.top).as_posix()
        host = urlsplit(self.url).hostname or ""
        form = next(
            (form for name, form in _FILE_AT_COMMIT.items() if name in host),
            _DEFAULT_FILE_AT_COMMIT,
        )
        return f"{self.url.rstrip('/')}/{form.format(commit=self.commit, path=relative)}"


def repository(url: str | None, folder: Path) -> Repository | None:
    """The repository at `url`, with the commit checked out in `folder`; None when there is no
    `url`, or `folder` is not in a git checkout (a release's sdist, say): then no page links
    to a file at a commit it cannot name."""
    if not url:
        return None
    commit = git_says(folder, "rev-parse", "HEAD", timeout_s=30)
    top = git_says(folder, "rev-parse", "--show-toplevel", timeout_s=30)
    if commit is None or top is None:
        return None
    return Repository(url=url, commit=commit, top=Path(top).resolve())
