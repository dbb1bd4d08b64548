"""The one live run at a time: started by the presenter, streamed to the presenter's deck,
ended when the presenter leaves its slide, starts another, or stops presenting.

The run itself blocks (a subprocess and its servers), so it lives in a thread; its events
cross into the event loop through a queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from talksite.postgres import DatabaseSource
from talksite.present.catalog import Demo
from talksite.present.live import Event, fallback, live_run
from talksite.services import ServicePool

__all__ = ["Runs"]


@dataclass
class _Run:
    demo: Demo
    cancel: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


#: While a run streams, how often it looks whether presenting is stopping.
STOPPING_POLL_S = 0.2


@dataclass
class Runs:
    #: Warm servers (or the user's): each run gets a fresh database there.
    databases: DatabaseSource
    #: Set when presenting stops: open streams end, so that the server can close at once.
    stopping: threading.Event
    #: Warm servers of the other services the demos declare (``redis``).
    services: ServicePool | None = None
    _current: _Run | None = None
    #: Every run started, so that closing can wait for each one's processes to be gone.
    _started: list[_Run] = field(default_factory=list)

    async def start(self, demo: Demo) -> AsyncIterator[Event]:
        """Start `demo` (ending any other run first); yields its lines, then its end event."""
        self.stop()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event] = asyncio.Queue()
        run = _Run(demo)

        def emit(event: Event) -> None:
            # Once presenting has stopped, the loop is closed and nobody is listening; the
            # run is being ended meanwhile (close()), so its last lines go nowhere.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, event)

        def work() -> None:
            try:
                emit(
                    live_run(
                        demo, self.databases, emit=emit, cancel=run.cancel, services=self.services
                    )
                )
            except Exception as error:  # the deck must hear of it, and show the recording
                emit(fallback(demo, f"the run failed: {error}"))
                raise

        run.thread = threading.Thread(target=work, name=f"run {demo.slide}", daemon=True)
        self._current = run
        self._started = [r for r in self._started if r.thread and r.thread.is_alive()] + [run]
        run.thread.start()
        try:
            while not self.stopping.is_set():
                try:
                    event = await asyncio.wait_for(queue.get(), STOPPING_POLL_S)
                except TimeoutError:
                    continue
                yield event
                if event["kind"] == "end":
                    return
        finally:
            # The presenter's deck went away (or the stream ended): so does the run.
            run.cancel.set()

    def stop(self, *, unless_on: str | None = None) -> None:
        """End the current run, unless it belongs to the slide `unless_on`."""
        run = self._current
        if run is not None and run.demo.slide != unless_on:
            run.cancel.set()
            self._current = None

    def close(self) -> None:
        """End every run and wait for its processes to be gone."""
        self.stop()
        for run in self._started:
            run.cancel.set()
            if run.thread is not None:
                run.thread.join()
