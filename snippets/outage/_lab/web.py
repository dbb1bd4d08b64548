"""The web: workers that keep querying the table the migration alters, each request timed on the
scenario's clock, so that the clock can tell which requests the load balancer gave up on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg

REQUEST = "SELECT total FROM shop_order WHERE id = 42"  # needs ACCESS SHARE on shop_order
THINK_S = 0.1  # between one answer and the next request


class WebWorker(threading.Thread):
    """One web worker: a request at a time, on a connection of its own named web-N."""

    def __init__(self, number: int, database_url: str, clock: Callable[[], float]):
        super().__init__(name=f"web-{number}", daemon=True)  # its application_name too
        self.database_url, self.clock = database_url, clock
        self.stopping = threading.Event()
        self.requests: list[tuple[float, float]] = []  # (started, finished), every answered one
        self.in_flight: float | None = None  # when the request still waiting for its answer began

    def run(self) -> None:
        with psycopg.connect(self.database_url, autocommit=True, application_name=self.name) as db:
            while not self.stopping.is_set():
                self.in_flight = self.clock()
                db.execute(REQUEST).fetchone()
                self.requests.append((self.in_flight, self.clock()))
                self.in_flight = None
                time.sleep(THINK_S)


def start(workers: int, database_url: str, clock: Callable[[], float]) -> list[WebWorker]:
    web = [WebWorker(number, database_url, clock) for number in range(1, workers + 1)]
    for worker in web:
        worker.start()
    return web


def stop(web: list[WebWorker]) -> None:
    """No more requests; wait for the ones in flight (by now the queue has cleared)."""
    for worker in web:
        worker.stopping.set()
    for worker in web:
        worker.join(timeout=10)
