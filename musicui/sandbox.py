"""The backstop for reading user input: each parse runs in a worker process under a wall-clock and a
memory limit. A worker that overruns, or whose caller has gone, is killed and replaced, so that no
input can hold the server or its memory, whatever slipped past the limits the readers check.

Workers fork from a small server process that has music21 and the readers loaded (``forkserver``),
so a replacement is ready in well under a second and the web server's memory is never copied.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import queue
import resource
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from musicui.core.errors import SeedError
from musicui.core.limits import LIMITS

log = logging.getLogger(__name__)
WORKERS = 2
POLL_S = 0.02
PRELOAD = ["musicui.service"]


class Cancelled(Exception):
    """The caller went away (closed the page, pressed Stop): its work was dropped."""


def _serve(connection: Connection, memory_bytes: int) -> None:
    """A worker: run jobs one at a time until the pipe closes."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    connection.send(("ready", os.getpid()))
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = ("ok", function(*args))
        except SeedError as error:
            answer = ("seed", (error.message, error.line, error.column))
        except MemoryError:
            answer = ("memory", None)
        except RecursionError:
            answer = ("seed", ("the input is nested too deeply to read", None, None))
        except Exception as error:  # noqa: BLE001 - reported to the caller as one line
            answer = ("error", f"{type(error).__name__}: {str(error)[:200]}")
        try:
            connection.send(answer)
        except (OSError, ValueError, TypeError) as error:  # an answer that cannot travel
            connection.send(("error", f"{type(error).__name__}: {str(error)[:200]}"))


class _Worker:
    def __init__(self, context, memory_bytes: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_bytes), daemon=True,
                                       name="musicui-reader")
        self.process.start()
        child.close()
        try:
            ready = self.connection.poll(60) and self.connection.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError("a reader process did not start")

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=2)
        self.connection.close()


class WorkerPool:
    """A few reader processes; ``call`` runs one job in one of them, bounded in time and memory."""

    def __init__(self, size: int = WORKERS, seconds: float = LIMITS.parse_seconds,
                 memory_bytes: int = LIMITS.parse_memory_bytes) -> None:
        self.size, self.seconds, self.memory_bytes = size, seconds, memory_bytes
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.busy: set[_Worker] = set()
        self.lock = threading.Lock()
        self.started = False
        self.context = multiprocessing.get_context("forkserver")

    def start(self) -> None:
        with self.lock:
            if self.started:
                return
            self.context.set_forkserver_preload(PRELOAD)
            self.started = True
        for _ in range(self.size):
            self.idle.put(_Worker(self.context, self.memory_bytes))

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background (the caller answers at once)."""
        with self.lock:
            self.busy.discard(worker)
        worker.kill()
        threading.Thread(target=lambda: self.idle.put(_Worker(self.context, self.memory_bytes)),
                         name="musicui-reader-start", daemon=True).start()

    def call(self, function: Callable, *args: Any, seconds: float | None = None,
             cancelled: Callable[[], bool] | None = None) -> Any:
        """``function(*args)`` in a worker; SeedError when it fails or runs past the limits,
        Cancelled when ``cancelled()`` turns true while it runs."""
        self.start()
        limit = self.seconds if seconds is None else seconds
        worker = self.idle.get()
        with self.lock:
            self.busy.add(worker)
        try:
            worker.connection.send((function, args))
        except (OSError, ValueError):
            self._replace(worker)
            raise SeedError("the input could not be handed to a reader; try again") from None
        deadline = time.monotonic() + limit
        while not worker.connection.poll(POLL_S):
            if cancelled is not None and cancelled():
                self._replace(worker)
                raise Cancelled()
            if time.monotonic() > deadline:
                self._replace(worker)
                raise SeedError(f"reading this input took longer than {limit:g} s, so it was stopped; "
                                "it is probably far larger or stranger than a seed melody")
        try:
            status, value = worker.connection.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise SeedError(self._memory_message()) from None
        if status == "memory":
            self._replace(worker)  # a worker that ran out of memory may have left its heap in pieces
            raise SeedError(self._memory_message())
        with self.lock:
            self.busy.discard(worker)
        self.idle.put(worker)
        if status == "ok":
            return value
        if status == "seed":
            message, line, column = value
            raise SeedError(message, line, column)
        log.warning("a reader failed: %s", value)
        raise SeedError("the input could not be read as music; check it for typing mistakes")

    def _memory_message(self) -> str:
        return (f"reading this input used more memory than the studio allows ({self.memory_bytes / 2**30:.3g} GB), "
                "so it was stopped")

    def pids(self) -> list[int]:
        """The worker processes now alive (for tests and the benchmark)."""
        with self.lock:
            workers = list(self.busy) + list(self.idle.queue)
        return [w.pid for w in workers if w.pid and w.process.is_alive()]

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().kill()


@functools.cache
def readers() -> WorkerPool:
    """The process-wide pool of reader workers (its processes start on first use)."""
    return WorkerPool()


def bounded(function: Callable, *args: Any, cancelled: Callable[[], bool] | None = None) -> Any:
    """Run a reader on user input in a worker (``MUSICUI_SANDBOX=0`` runs it in this process, and so
    does a program whose workers cannot start, e.g. one read from standard input: the limits the
    readers check still hold there, only the backstop is missing)."""
    if os.environ.get("MUSICUI_SANDBOX", "1") == "0" or _NO_WORKERS:
        return function(*args)
    try:
        readers().start()
    except RuntimeError as error:
        _NO_WORKERS.append(str(error))
        log.warning("reading in this process: %s", error)
        return function(*args)
    return readers().call(function, *args, cancelled=cancelled)


_NO_WORKERS: list[str] = []  # why the workers could not start, once they could not
