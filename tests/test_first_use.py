"""Green on first use: where ``talksite new`` says a talk's talksite comes from, read from pip's
record of the install (``direct_url.json``), on the records PEP 610 describes.

That a talk made by a talksite installed from the release's wheel passes its first ``make
test`` with no override, and that its workflows name a source a CI runner can install, is in
``tests/test_packaging.py``, which builds that wheel once.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import talksite
from talksite.scaffold.origin import VENDOR_DIR, Origin, origin_from_record


def ok(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


# -- pip's record of an install (PEP 610), read --------------------------------------------


def test_an_install_from_a_package_index_names_this_release() -> None:
    assert origin_from_record(None) == Origin(f"talksite=={talksite.__version__}")


def test_an_install_from_git_pins_the_commit_pip_checked_out() -> None:
    record = {
        "url": "https://github.com/owner/talksite.git",
        "vcs_info": {"vcs": "git", "commit_id": "7" * 40, "requested_revision": "main"},
    }
    assert origin_from_record(record) == Origin(
        f"talksite @ git+https://github.com/owner/talksite.git@{'7' * 40}"
    )


def test_a_local_git_repository_is_named_but_ci_cannot_reach_it() -> None:
    record = {"url": "file:///srv/talksite", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}
    assert origin_from_record(record) == Origin(
        f"talksite @ git+file://localhost/srv/talksite@{'a' * 40}", reachable=False
    )


def test_a_wheel_on_this_machine_is_copied_into_the_talk(tmp_path: Path) -> None:
    wheel = tmp_path / "talksite-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    record = {"url": wheel.as_uri(), "archive_info": {"hashes": {"sha256": "0" * 64}}}
    assert origin_from_record(record) == Origin(
        f"{VENDOR_DIR}/{wheel.name}", archive=wheel, reachable=True
    )


def test_a_wheel_that_is_gone_is_named_and_said_to_be_out_of_reach(tmp_path: Path) -> None:
    gone = tmp_path / "talksite-0.1.0.tar.gz"
    record = {"url": gone.as_uri(), "archive_info": {}}
    assert origin_from_record(record) == Origin(str(gone), reachable=False)


def test_an_archive_at_a_url_is_installed_from_that_url() -> None:
    url = "https://example.org/talksite-0.1.0-py3-none-any.whl"
    assert origin_from_record({"url": url, "archive_info": {}}) == Origin(f"talksite @ {url}")


def test_a_folder_that_is_no_git_checkout_is_named_as_it_is(tmp_path: Path) -> None:
    record = {"url": tmp_path.as_uri(), "dir_info": {"editable": True}}
    assert origin_from_record(record) == Origin(str(tmp_path), reachable=False)


def test_a_git_checkout_gives_its_remote_and_commit(tmp_path: Path) -> None:
    checkout = tmp_path / "talksite"
    checkout.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    ok(["git", "init", "-q"], checkout)
    ok([*git, "commit", "-q", "--allow-empty", "-m", "first"], checkout)
    ok(["git", "remote", "add", "origin", "git@github.com:owner/talksite.git"], checkout)
    head = ok(["git", "rev-parse", "HEAD"], checkout).stdout.strip()
    record = {"url": checkout.as_uri(), "dir_info": {}}
    # An scp-like remote becomes https: a CI runner has no ssh key for it.
    assert origin_from_record(record) == Origin(
        f"talksite @ git+https://github.com/owner/talksite.git@{head}"
    )


def test_a_checkout_of_a_local_repository_names_what_this_pip_installs(tmp_path: Path) -> None:
    """Its remote is a folder: the requirement is a file URL with a host, which the pip that
    `python3 -m venv` brings (23.2 with Python 3.11) reads, as a new talk's make test does."""
    upstream, checkout = tmp_path / "upstream", tmp_path / "talksite"
    upstream.mkdir()
    (upstream / "pyproject.toml").write_text(
        '[project]\nname = "talksite"\nversion = "0.1.0"\n[tool.setuptools]\npy-modules = []\n'
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    ok(["git", "init", "-q"], upstream)
    ok(["git", "add", "pyproject.toml"], upstream)
    ok([*git, "commit", "-q", "-m", "first"], upstream)
    ok(["git", "clone", "-q", str(upstream), str(checkout)], tmp_path)
    head = ok(["git", "rev-parse", "HEAD"], checkout).stdout.strip()
    origin = origin_from_record({"url": checkout.as_uri(), "dir_info": {}})
    assert origin == Origin(f"talksite @ git+file://localhost{upstream}@{head}", reachable=False)
    # This pip's own parser takes it (the one that refused a file URL without a host), and git
    # fetches that commit from the URL.
    url = origin.requirement.removeprefix("talksite @ git+").rsplit("@", 1)[0]
    parse = "import sys; from pip._vendor.packaging.requirements import Requirement as R; "
    ok([sys.executable, "-c", parse + "print(R(sys.argv[1]).url)", origin.requirement], tmp_path)
    assert head in ok(["git", "ls-remote", url, "HEAD"], tmp_path).stdout
