"""What the pages promise about checking is what CI does."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config import load_config

from talksite.postgres import default_major

REPO = Path(__file__).resolve().parent.parent


def test_ci_checks_the_snippets_on_every_version_the_pages_name() -> None:
    config = load_config(str(REPO / "mkdocs.yml"))
    promised = set(config.plugins["talksite"].config.verified_on)
    ci = (REPO / ".ci/run").read_text()
    assert "\nmake test\n" in ci  # the README's test command: the embedded server's version
    checked = {default_major()} | {int(n) for n in re.findall(r"make test-snippets PG=(\d+)", ci)}
    assert promised == checked
