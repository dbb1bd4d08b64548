"""``talksite present``: build (or take) the site, warm the demos' servers, serve the deck.

Ctrl-C (or SIGTERM) leaves nothing behind: uvicorn stops serving and passes the signal on,
which unwinds through the clean-up of the run (its session's processes), the servers (their
databases and data) and the built site, as ``talksite run`` does
(:mod:`talksite.processes.interrupt`).

The presenter and the audience have a listener each (:mod:`~talksite.present.listeners`), so
that a full room leaves the presenter's deck and controls untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talksite import postgres
from talksite.errors import SetupError
from talksite.policy import site_policy
from talksite.present.app import Presenting, make_app
from talksite.present.catalog import Demo
from talksite.present.guard import Guard, new_token
from talksite.present.listeners import LOOPBACK, open_listeners, serve
from talksite.present.room import Budget, Room, raise_open_files
from talksite.present.runs import Runs
from talksite.present.sources import read_sources
from talksite.present.state import CurrentSlide
from talksite.presenting_log import PresentingLog, default_log_path
from talksite.processes import interrupt
from talksite.project import Project
from talksite.services import ServicePool
from talksite.snippets import applicability
from talksite.wording import counted

__all__ = ["DEFAULT_PORT", "PresentSettings", "present"]

DEFAULT_PORT = 8400


@dataclass(frozen=True)
class PresentSettings:
    """What ``talksite present`` was asked for: which talk, and how to serve it."""

    project: Project
    #: A built site to serve; None: build one for this session.
    site: Path | None
    port: int
    #: The address the audience reaches us at; None: this machine only.
    lan: str | None
    log: Path | None


def present(settings: PresentSettings) -> int:
    if settings.site is not None and not (settings.site / "slides" / "index.html").is_file():
        raise SetupError(
            f"{settings.site}: not a built site (no slides/index.html); run `talksite build`"
        )
    sources = read_sources(settings.project)
    budget = Budget(raise_open_files())
    listeners = open_listeners(settings.port, settings.lan, budget)
    log = PresentingLog(settings.log or default_log_path())
    try:
        with (
            _site(settings) as site,
            postgres.from_environment() as databases,
            ServicePool() as others,
        ):
            _warm(databases, others, sources.demos)
            token = new_token()
            stopping = threading.Event()
            runs = Runs(databases, stopping, services=others)
            current_slide = CurrentSlide({s.anchor: s.title for s in sources.slides}, log)
            presenting = Presenting(
                site=site,
                guard=Guard(token, listeners.origins),
                current_slide=current_slide,
                demos=sources.demos,
                runs=runs,
                hosts=listeners.hosts,
                config={"totalTime": sources.slot_s, "demos": _page_demos(sources.demos)},
                room=Room(budget.followers),
                policy=site_policy(site),
                audience_url=listeners.audience_url,
            )
            _say(f"presenter: http://{LOOPBACK}:{listeners.port}/slides/?token={token}")
            if listeners.audience_url is not None:
                _say(f"audience:  {listeners.audience_url}")
                _say(
                    f"room: up to {budget.followers} audience pages"
                    f" ({budget.open_files} open files)"
                )
            _say(f"log: {log.path}")

            def stop() -> None:
                stopping.set()  # ends the live run's stream
                current_slide.close()  # ends the audience's streams

            try:
                serve(make_app(presenting), listeners.sockets, listeners.limits, stop)
            finally:
                runs.close()
    finally:
        log.close()
        listeners.close()
    return 0


def _warm(
    databases: postgres.DatabaseSource, others: ServicePool, demos: Mapping[str, Demo]
) -> None:
    """Start the servers the demos will run on now (PostgreSQL, and the other services they
    declare), so that none waits for one on stage; only for what can run here: a demo that
    is not applicable shows its recording."""
    started = time.monotonic()
    runnable = [
        demo.snippet for demo in demos.values() if applicability(demo.snippet, databases) is None
    ]
    count = databases.warm(snippet.needs for snippet in runnable if snippet.uses_database)
    count += others.warm(kind for snippet in runnable for kind in snippet.services)
    took = time.monotonic() - started
    _say(f"warmed {counted(count, 'server')} for {counted(len(demos), 'demo')} in {took:.1f} s")


def _page_demos(demos: Mapping[str, Demo]) -> dict[str, dict[str, Any]]:
    """What the presenter's deck knows of each demo: enough to fall back without asking."""
    return {
        slide: {
            "snippet": demo.snippet.id,
            "recordedOn": demo.recorded_on,
            "recording": demo.recording.splitlines(),
        }
        for slide, demo in demos.items()
    }


def _say(line: str) -> None:
    print(f"talksite: {line}", flush=True)


@contextlib.contextmanager
def _site(settings: PresentSettings) -> Iterator[Path]:
    """The built site: the one given, or a fresh strict build removed afterwards."""
    if settings.site is not None:
        yield settings.site.resolve()
        return
    from talksite.site.build import build_site

    # Named after this process, so that a check for leftovers can find it.
    building = Path(tempfile.mkdtemp(prefix=f"talksite-present-{os.getpid()}-"))
    interrupt.register_folder(building)  # removed even if an interrupted clean-up overruns
    try:
        _say("building the site")
        build_site(settings.project.config_file, building / "site")
        yield building / "site"
    finally:
        shutil.rmtree(building, ignore_errors=True)
        interrupt.forget_folder(building)
