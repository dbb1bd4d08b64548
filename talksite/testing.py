"""pytest support for a talk's tests: every snippet prints exactly its recorded output, and
every check of the built site passes.

Loaded as a pytest plugin wherever talksite is installed (the ``pytest11`` entry point, so a
talk's pytest.ini needs nothing). It provides:

- the checks (:mod:`talksite.checks.collect`): one test per check, generated from the talk's
  mkdocs.yml when pytest collects it (``mkdocs.yml::links``, ``mkdocs.yml::axe-dark``);
- the header: which PostgreSQL, where its data is kept, which browser;
- the ``talksite_databases`` fixture: where the session's runs get their databases, chosen
  once from the environment (a pool of servers talksite starts, or the user's server), named
  in the session's header;
- the ``talksite_services`` fixture: the servers of the other services snippets declare
  (``redis``), one per kind for the session (for each pytest-xdist worker), started as runs
  first need them;
- the ``talksite_record`` fixture and the ``--record`` option: record outputs instead of
  checking them (the same run as ``talksite record``);
- the ``privileged`` marker: the test needs root (network namespaces). Without root it is
  skipped with that reason, except under ``CI=true``, where it fails: CI must run everything.
  Under pytest-xdist's ``--dist loadgroup``, privileged tests form one group, scheduled first:
  they take turns machine-wide anyway, and one worker running them in a row keeps the other
  workers from waiting on each other's turn. ``privileged(own_slot=True)`` marks a test whose
  runs claim slots of their own (a snippet's ``own-slot``): it needs root, but it spreads over
  the workers like any other test;
- :func:`snippet_params` and :func:`check_snippet`, for one parametrised snippet test; the
  snippets are the talk's, in the folder its mkdocs.yml names (the talksite plugin's
  ``snippets_dir``), found from pytest's rootdir.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import pytest
from _pytest.nodeid import NodeId

from talksite import postgres, services, snippets
from talksite.checks.collect import pytest_collect_file, pytest_sessionfinish
from talksite.checks.ran_on import ran_on
from talksite.errors import NotApplicable, Problem
from talksite.project import find_config_file, load_project

__all__ = [
    "check_snippet",
    "pytest_collect_file",
    "pytest_sessionfinish",
    "snippet_params",
    "talksite_databases",
    "talksite_record",
    "talksite_services",
]

PRIVILEGED = "privileged"
#: pytest's rootdir, where the talk's mkdocs.yml is looked for (it, or a folder above it).
_rootpath: Path | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record",
        action="store_true",
        help="talksite: rewrite each snippet's recorded .out from this run instead of checking",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _rootpath
    _rootpath = config.rootpath
    config.addinivalue_line("markers", "browser: drives a real browser (Chromium)")
    config.addinivalue_line(
        "markers",
        f"{PRIVILEGED}(own_slot=False): needs root, for example to create network namespaces;"
        " with own_slot=True, its runs do not take turns machine-wide",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``privileged`` is not applicable without root, as check() says of a
    privileged snippet (a snippet's test carries the marker, so this comes first)."""
    if item.get_closest_marker(PRIVILEGED) is None or os.geteuid() == 0:
        return
    _not_applicable(snippets.without_root(item.nodeid))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup``: privileged tests (but ``own_slot`` ones) form the group
    ``privileged``, and groups (the ``xdist_group`` marker's too) run first, each on one worker;
    the snippet tests among the others are spread evenly through the run."""
    # Set by xdist from `--dist loadgroup`, on the controller and on each worker alike.
    if not getattr(config.option, "loadgroup", False):
        return
    grouped = []
    for item in items:
        groups = {str(mark.args[0]) for mark in item.iter_markers("xdist_group")}
        privileged = item.get_closest_marker(PRIVILEGED)
        if privileged is not None and not privileged.kwargs.get("own_slot", False):
            groups.add(PRIVILEGED)
        if groups:
            # xdist reads the group from a nodeid suffix; pytest 9 keeps the nodeid in `_id`,
            # where xdist 3.8 no longer puts it.
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")  # type: ignore[attr-defined]
            grouped.append(item)
    rest = [item for item in items if item not in grouped]
    items[:] = grouped + _spread(rest, chosen=_is_snippet_test)


def _is_snippet_test(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and any(
        isinstance(value, snippets.Snippet) for value in callspec.params.values()
    )


def _spread(items: list[pytest.Item], chosen: Callable[[pytest.Item], bool]) -> list[pytest.Item]:
    """``items`` in order, but with the chosen ones spread evenly among the others. Snippet
    tests mostly wait (on servers, sockets, timeouts): side by side at the end of the run
    (test_snippets.py sorts late) they left the CPU idle a fifth of the last 30 s."""
    picked = [item for item in items if chosen(item)]
    others = [item for item in items if not chosen(item)]
    spread: list[pytest.Item] = []
    step = len(others) / max(len(picked), 1)
    taken = 0
    for number, item in enumerate(picked):
        until = round((number + 0.5) * step)
        spread += others[taken:until]
        spread.append(item)
        taken = until
    return spread + others[taken:]


def pytest_report_header(config: pytest.Config) -> list[str]:
    """What the session runs on: the PostgreSQL, where its data is kept, the browser, and
    the other services snippets may ask for."""
    return [f"talksite: {line}" for line in ran_on()] + [
        f"talksite: services: {services.describe()}"
    ]


@pytest.fixture(scope="session")
def talksite_databases() -> Iterator[postgres.DatabaseSource]:
    """Where the session's runs get their databases: each run a fresh one, on servers shared
    by the session (started as runs first need them) or on the user's server."""
    with postgres.from_environment() as databases:
        yield databases


@pytest.fixture(scope="session")
def talksite_services() -> Iterator[services.ServicePool]:
    """The servers of the other services the session's runs declare (``redis``), one per
    kind, each run getting a fresh space on it."""
    with services.ServicePool() as pool:
        yield pool


@pytest.fixture(scope="session")
def talksite_record(request: pytest.FixtureRequest) -> bool:
    """Whether this session records outputs (``--record``) rather than checking them."""
    return bool(request.config.getoption("--record"))


def snippet_params(
    root: Path | None = None, settings: snippets.SnippetSettings | None = None
) -> list[object]:
    """Every snippet under ``root`` (default: the talk's snippets folder, with the kinds its
    mkdocs.yml declares; else `settings`, or the built-in kinds), as
    ``pytest.mark.parametrize`` values named by path; snippets that declare ``privileged``
    carry the marker (``own_slot=True`` for ``own-slot``)."""
    folder = _rootpath
    if root is None:
        project = load_project(find_config_file(_rootpath))
        root, folder = project.snippets_dir, project.folder
        settings = project.snippet_settings
    try:
        found = snippets.discover(root, settings or snippets.DEFAULT_SETTINGS)
    except snippets.SnippetError as error:
        problems = error.problems
    else:
        # A section marker that does not pair up breaks the pages that show the snippet.
        problems = [problem for snippet in found for problem in snippets.sections(snippet.path)[1]]
    if problems:
        _cannot_collect(problems, folder)  # outside the except: no chained traceback
    return [
        pytest.param(snippet, id=snippet.id, marks=_marks(snippet.directives)) for snippet in found
    ]


def _cannot_collect(problems: list[Problem], folder: Path | None) -> NoReturn:
    """Stop collecting with one line per problem, its path relative to the talk's folder as
    ``talksite build`` prints it, instead of a traceback."""
    lines = []
    for problem in problems:
        path = Path(problem.source)
        if folder is not None and path.is_relative_to(folder):
            problem = replace(problem, source=path.relative_to(folder).as_posix())
        lines.append(str(problem))
    pytest.fail("\n".join(lines), pytrace=False)


def _marks(needs: snippets.Directives) -> list[pytest.MarkDecorator]:
    if not needs.privileged:
        return []
    return [pytest.mark.privileged(own_slot=True) if needs.own_slot else pytest.mark.privileged]


def check_snippet(
    snippet: snippets.Snippet,
    databases: postgres.DatabaseSource,
    *,
    record: bool = False,
    services: services.ServicePool | None = None,
) -> None:
    """Run the snippet on a fresh database (and the other services it declares, on the
    servers of `services`: ``talksite_services``; else on servers for its run alone); fail
    with a diff unless it prints its .out file.

    With `record`, a successful run's output becomes the recording instead. A snippet that
    is not applicable here is skipped with the reason, by design when the user chose the
    server; one that needs root fails under ``CI=true`` instead, as CI must run everything.
    """
    if not record and snippet.recording() is None:
        pytest.fail(
            f"{snippet.id} has no recorded output: run `talksite record {snippet.id}`"
            f" and review {snippet.recording_path.name}",
            pytrace=False,
        )
    try:
        outcome = snippets.check(snippet, databases, services=services)
    except NotApplicable as error:
        _not_applicable(error)
    if record and outcome.result.ok:
        snippets.record(outcome)
        return
    failure = outcome.failure()
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def _not_applicable(error: NotApplicable) -> NoReturn:
    """Skip with the reason; but CI must run everything the user did not rule out (a server
    of their own may lack what a snippet needs; root is CI's to give)."""
    if not error.users_choice and os.environ.get("CI") == "true":
        pytest.fail(f"{error}, and CI must run it", pytrace=False)
    pytest.skip(error.explanation)
