"""What stands between the open internet and the studio's handlers: every error a sentence for a
person (the same in the page and the API), request bodies capped, and a way for long work to
notice that its caller has gone.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import gradio as gr

from musicui.core.limits import LIMITS
from musicui.sandbox import Cancelled

log = logging.getLogger("musicui")
SERVER_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.+~-]+){2,}[\\/]?")
MESSAGE_CHARS = 400
INTERNAL = "Something went wrong on the server while {what}; it has been logged. Your work is kept: try again."


def sentence(error: BaseException | str) -> str:
    """An error as the person sees it: no server paths, no long values, one line."""
    text = error if isinstance(error, str) else (getattr(error, "message", None) and str(error)) or str(error)
    text = " ".join(SERVER_PATH.sub("…", text).split())
    if len(text) > MESSAGE_CHARS:
        text = text[: MESSAGE_CHARS - 1] + "…"
    return text or "The request could not be carried out."


def user_error(error: BaseException, what: str) -> gr.Error:
    """The gr.Error to raise for ``error``: ours say what is wrong; anything else is logged."""
    from musicui.core.errors import SeedError
    from musicui.studio import ComposeError
    from musicui.ui.handlers import InputError

    if isinstance(error, gr.Error):
        return gr.Error(sentence(error.message))
    if isinstance(error, (SeedError, ComposeError, InputError)):
        return gr.Error(sentence(error))
    if isinstance(error, MemoryError):
        return gr.Error(f"The server ran short of memory while {what}; try a smaller piece.")
    log.exception("unexpected error while %s", what)
    return gr.Error(INTERNAL.format(what=what))


def speaks(what: str) -> Callable:
    """Decorate a handler: whatever it raises reaches the caller as one plain sentence; a caller
    that has gone (Cancelled) gets nothing. Works for functions and generators alike."""

    def decorate(function: Callable) -> Callable:
        if inspect.isgeneratorfunction(function):
            @functools.wraps(function)
            def generator(*args: Any, **kwargs: Any):
                try:
                    return (yield from function(*args, **kwargs))
                except Cancelled:
                    return None
                except Exception as error:  # noqa: BLE001 - turned into a sentence
                    raise user_error(error, what) from None

            return generator

        @functools.wraps(function)
        def plain(*args: Any, **kwargs: Any):
            try:
                return function(*args, **kwargs)
            except Cancelled:
                raise gr.Error("Stopped.") from None
            except Exception as error:  # noqa: BLE001 - turned into a sentence
                raise user_error(error, what) from None

        return plain

    return decorate


def missing_values_error(names: list[str], received: int) -> gr.Error:
    """Too few values for an endpoint: say which are wanted."""
    return gr.Error(f"This call needs {len(names)} values ({', '.join(names)}); {received} arrived.")


KINDS = {"float": "a number", "int": "a whole number", "str": "text", "bool": "true or false"}


def unreadable_value_error(block_fn, inputs: list[Any], error: Exception) -> gr.Error:
    """A value the endpoint's component could not take: which one, what came, what is wanted."""
    from musicui.core.limits import quoted

    found = re.search(r"at index (\d+)", str(error))
    index = int(found.group(1)) if found else None
    if index is None or index >= len(block_fn.inputs):
        return gr.Error("One of the values sent could not be read; check their types against the API page.")
    label = getattr(block_fn.inputs[index], "label", None) or f"value {index + 1}"
    wanted = re.search(r"Expected a `([^`|]+)", str(error))
    kind = KINDS.get(wanted.group(1).strip(), "another kind of value") if wanted else "another kind of value"
    sent = inputs[index] if index < len(inputs) else None
    return gr.Error(f"{label} must be {kind}, not {quoted(sent)}")


class BodyLimit:
    """ASGI middleware: a JSON request body over ``limit`` bytes is refused before it is read
    (uploads are multipart and have their own limit, Gradio's max_file_size)."""

    def __init__(self, app, limit: int = LIMITS.json_body_bytes) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or _is_multipart(scope):
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(send)
        seen = 0
        refused = False

        async def counted():
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    raise _TooLarge()
            return message

        try:
            return await self.app(scope, counted, send)
        except _TooLarge:
            if refused:
                return await self._refuse(send)
            raise

    async def _refuse(self, send) -> None:
        body = json.dumps({"error": f"The request is larger than {self.limit // 2**20} MB; the studio accepts "
                                    "requests up to that size (files go through the upload, up to "
                                    f"{LIMITS.file_bytes // 2**20} MB)."}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class ConfigCache:
    """ASGI middleware: the page's config (hundreds of KB that Gradio copies and rewrites for every
    request, under the interpreter lock) is made once for everyone arriving within a few seconds, so
    20 clients connecting at once are served in about the time of one."""

    def __init__(self, app, seconds: float = 10.0) -> None:
        self.app, self.seconds = app, seconds
        self.answers: dict[tuple, tuple[float, list[dict]]] = {}
        self.locks: dict[tuple, asyncio.Lock] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or not scope.get("path", "").endswith("/config"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        key = (scope["path"], scope.get("query_string", b""), headers.get(b"host"), headers.get(b"cookie"),
               headers.get(b"authorization"), headers.get(b"x-forwarded-host"), headers.get(b"x-forwarded-proto"))
        if len(self.locks) > 1024:
            self.locks.clear()
        lock = self.locks.setdefault(key, asyncio.Lock())
        async with lock:  # the first caller makes it; those arriving meanwhile wait for its answer
            cached = self.answers.get(key)
            if cached is None or time.monotonic() - cached[0] > self.seconds:
                messages: list[dict] = []

                async def keep(message: dict) -> None:
                    messages.append(message)

                await self.app(scope, receive, keep)
                status = next((m.get("status") for m in messages if m["type"] == "http.response.start"), 0)
                cached = (time.monotonic(), messages)
                if status == 200:
                    if len(self.answers) > 256:
                        self.answers.clear()
                    self.answers[key] = cached
        for message in cached[1]:
            await send(message)


class _TooLarge(Exception):
    pass


def _is_multipart(scope) -> bool:
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
    return content_type.startswith(b"multipart/")


_STOP_PRESSED: dict[str, float] = {}  # session -> when its Stop was last pressed (the queue's clock)
STOP_SESSIONS_KEPT = 10_000


def press_stop(request: gr.Request | None) -> None:
    """The page's Stop: the session's writing (running, or still waiting in the queue) stops at its
    next step and ends quietly. Gradio's own ``cancels`` would flash "Error" on the page."""
    session = getattr(request, "session_hash", None) if request is not None else None
    if session:
        _STOP_PRESSED.pop(session, None)
        _STOP_PRESSED[session] = time.monotonic()
        while len(_STOP_PRESSED) > STOP_SESSIONS_KEPT:  # the oldest sessions are long gone
            del _STOP_PRESSED[next(iter(_STOP_PRESSED))]


def stopped_by_user(blocks: gr.Blocks, request: gr.Request | None, concurrency_id: str) -> Callable[[], bool]:
    """A check for the running event of ``concurrency_id``: True once Stop was pressed after it
    joined the queue (so a Stop pressed while it waited counts, and an old one does not)."""
    session = getattr(request, "session_hash", None) if request is not None else None
    jobs = getattr(getattr(blocks, "_queue", None), "active_jobs", None) or []
    joined = [event.enqueue_time for job in list(jobs) if job for event in job
              if getattr(event, "session_hash", None) == session and getattr(event, "concurrency_id", None) == concurrency_id]
    if not session or not joined:
        return lambda: False
    since = max(joined)
    return lambda: _STOP_PRESSED.get(session, float("-inf")) >= since


def cancelled_when_gone(blocks: gr.Blocks, request: gr.Request | None) -> Callable[[], bool]:
    """A check that long work calls now and then: True once the caller's session has no live event
    in the queue any more (the page was closed, the client dropped or cancelled)."""
    session = getattr(request, "session_hash", None) if request is not None else None
    if not session:
        return lambda: False

    def gone() -> bool:
        jobs = getattr(getattr(blocks, "_queue", None), "active_jobs", None)
        if jobs is None:
            return False
        return not any(getattr(event, "alive", True) for job in list(jobs) if job for event in job
                       if getattr(event, "session_hash", None) == session)

    return gone
