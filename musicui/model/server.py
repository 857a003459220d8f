"""The model in a process of its own, for a server with many users.

The web server's Python (Gradio, arranging, rendering) and the model's steps would otherwise share
one interpreter lock, and one core. ``RemoteComposer`` has the Composer's interface; each call goes
through a pipe to one model process, which takes the composes waiting at that moment together
(``Composer.compose_many``: one model pass for all of them, each with its own seeds and answer).
Progress, Stop and the first idea's finished bars travel back as messages while it writes.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

from musicui.core.leadsheet import LeadSheet
from musicui.model.seed_windows import TokenBudget

log = logging.getLogger(__name__)
MAX_BATCH = 4  # composes written together in one pass
START_TIMEOUT_S = 300.0


class ModelTimeout(Exception):
    """The model spent longer than its time limit (its own CPU time) on one request."""


class ModelUnavailable(Exception):
    """The model process could not load the model, or died."""


# --- the model process --------------------------------------------------------------------------------------
def _serve(connection: Connection, threads: int, time_limit_s: float) -> None:
    import torch

    from musicui.model.composer import Composer

    torch.set_num_threads(threads)
    try:
        composer = Composer.shared()
    except Exception as error:  # noqa: BLE001 - the parent says so in one sentence
        connection.send(("failed", None, f"{type(error).__name__}: {str(error)[:300]}"))
        return
    connection.send(("ready", None, {"room": composer.room, "head_problem": composer.head_problem}))
    jobs: queue.Queue = queue.Queue()
    cancelled: set[int] = set()
    send_lock = threading.Lock()

    def send(message: tuple) -> None:
        with send_lock:
            connection.send(message)

    def receive() -> None:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                jobs.put(None)
                return
            if message[0] == "cancel":
                cancelled.add(message[1])
            else:
                jobs.put(message)

    threading.Thread(target=receive, daemon=True).start()
    while True:
        job = jobs.get()
        if job is None:
            return
        batch = [job]
        while job[2] == "compose" and len(batch) < MAX_BATCH:  # the composes waiting now go together
            try:
                following = jobs.get_nowait()
            except queue.Empty:
                break
            if following is None or following[2] != "compose":
                jobs.put(following)
                break
            batch.append(following)
        if job[2] == "compose":
            _compose_batch(composer, batch, send, cancelled, time_limit_s)
        else:
            _kind, number, method, args = job
            try:
                send(("done", number, getattr(composer, method)(*args)))
            except Exception as error:  # noqa: BLE001 - raised again in the caller
                send(("error", number, error))


def _compose_batch(composer, batch: list[tuple], send, cancelled: set[int], time_limit_s: float) -> None:
    requests = []
    for _kind, number, _method, (request, wants_bars) in batch:
        clock = {"start": None, "timed_out": False}  # starts when the request's own pass starts

        def on_step(step: int, _grammars, number=number, clock=clock) -> bool:
            clock["start"] = time.thread_time() if clock["start"] is None else clock["start"]
            if time.thread_time() - clock["start"] > time_limit_s:
                clock["timed_out"] = True
                return True
            if step % 4 == 0:
                send(("step", number, step))
            return number in cancelled

        def on_bars(sheet: LeadSheet, plan, number=number) -> None:
            send(("bars", number, (sheet, plan)))

        requests.append((number, clock, replace(request, on_step=on_step, on_bars=on_bars if wants_bars else None)))
    try:
        results = composer.compose_many([request for _, _, request in requests])
    except Exception:  # noqa: BLE001 - one bad request must not fail the others: run them alone
        results = []
        for _, _, request in requests:
            try:
                results.append(composer.compose(request))
            except Exception as error:  # noqa: BLE001 - raised again in its caller
                results.append(error)
    for (number, clock, _), result in zip(requests, results):
        cancelled.discard(number)
        if isinstance(result, Exception):
            send(("error", number, result))
        elif clock["timed_out"]:
            send(("timeout", number, time_limit_s))
        else:
            send(("done", number, result))


# --- the web server's side ------------------------------------------------------------------------------------
@dataclass
class _Call:
    on_step: Callable | None = None
    on_bars: Callable | None = None
    answer: queue.Queue = field(default_factory=queue.Queue)


class RemoteComposer:
    """The Composer's interface, served by the model process (started on first use)."""

    def __init__(self, threads: int = 1, time_limit_s: float = 30.0) -> None:
        self.threads, self.time_limit_s = threads, time_limit_s
        self.lock = threading.Lock()
        self.calls: dict[int, _Call] = {}
        self.numbers = itertools.count(1)
        self.connection: Connection | None = None
        self.process = None
        self.room = 0
        self.head_problem = ""
        self.failure = ""

    def start(self) -> None:
        with self.lock:
            if self.connection is not None:
                return
            if self.failure:
                raise ModelUnavailable(self.failure)
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            self.process = context.Process(target=_serve, args=(child, self.threads, self.time_limit_s),
                                           name="musicui-model", daemon=True)
            self.process.start()
            child.close()
            if not parent.poll(START_TIMEOUT_S):
                self.process.kill()
                self.failure = "the model process did not start"
                raise ModelUnavailable(self.failure)
            kind, _, value = parent.recv()
            if kind != "ready":
                self.failure = value
                raise ModelUnavailable(value)
            self.room, self.head_problem = value["room"], value["head_problem"]
            self.connection = parent
            threading.Thread(target=self._dispatch, name="musicui-model-answers", daemon=True).start()

    def _dispatch(self) -> None:
        while True:
            try:
                kind, number, value = self.connection.recv()
            except (EOFError, OSError):  # the process died (killed, out of memory): the next call starts another
                with self.lock:
                    calls, self.calls, self.connection = list(self.calls.values()), {}, None
                for call in calls:
                    call.answer.put(("error", ModelUnavailable("the model process stopped")))
                return
            call = self.calls.get(number)
            if call is None:
                continue
            if kind == "step":
                if call.on_step is not None and call.on_step(value, None):
                    self._send(("cancel", number))
            elif kind == "bars":
                if call.on_bars is not None:
                    call.on_bars(*value)
            else:
                self.calls.pop(number, None)
                call.answer.put((kind, value))

    def _send(self, message: tuple) -> None:
        with self.lock:
            if self.connection is None:
                raise ModelUnavailable(self.failure or "the model process is not running")
            try:
                self.connection.send(message)
            except OSError as error:  # it died a moment ago; the dispatcher is about to notice
                raise ModelUnavailable("the model process stopped") from error

    def _call(self, method: str, args: tuple, on_step=None, on_bars=None) -> Any:
        self.start()
        number = next(self.numbers)
        call = _Call(on_step, on_bars)
        self.calls[number] = call
        try:
            self._send(("call", number, method, args))
        except ModelUnavailable:
            self.calls.pop(number, None)
            raise
        kind, value = call.answer.get()
        if kind == "done":
            return value
        if kind == "timeout":
            raise ModelTimeout(value)
        raise value

    # --- the Composer's interface ---------------------------------------------------------------------
    def compose(self, request):
        on_step, on_bars = request.on_step, request.on_bars
        sendable = replace(request, on_step=None, on_bars=None)
        return self._call("compose", (sendable, on_bars is not None), on_step, on_bars)

    def plan(self, text: str, overrides: dict | None = None):
        return self._call("plan", (text, overrides))

    @property
    def budget(self) -> TokenBudget:
        return TokenBudget(self.room)

    def bar_token_counts(self, sheet: LeadSheet) -> list[int]:
        return self._call("bar_token_counts", (sheet,))
