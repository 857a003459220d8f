"""Hearing a long piece while the model is still writing it.

The model hands over the first idea's finished bars as they come (``compose(on_bars=...)``); each
time, :class:`BarStream` renders the arranged bars so far and sends only the samples the player has
not had yet, up to the start of the newest finished bar (its notes may still ring into the next
one). Rendered at a fixed gain, two renders agree on the bars they share (FluidSynth is not
bit-exact between requests: a few stray samples differ by ~-50 dBFS), so the chunks join without an
audible seam. :class:`StreamPlayer` (a ``gr.HTML``
component) queues the chunks back to back with the Web Audio API.
"""

from __future__ import annotations

import base64
import queue
import threading
import uuid
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import gradio as gr

from musicui.render import audio
from musicui.sandbox import Cancelled
from musicui.studio import Take
from musicui.ui.props_html import PropsHTML

STREAM_MIN_BARS = 12  # shorter pieces are written in well under a second: no need to stream
MIN_CHUNK_BARS = 2  # re-render (from the start) only when this many more bars can be sent

_HERE = Path(__file__).parent


class BarStream:
    """The chunks of one take's audio, bar by bar, for one :class:`StreamPlayer`."""

    def __init__(self, label: str = "idea 1") -> None:
        self.id, self.label = uuid.uuid4().hex[:12], label
        self.sent_frames = self.sent_bars = self.seq = 0

    def chunk(self, take: Take, final: bool = False) -> dict[str, Any] | None:
        """The player's next value, or None when there is nothing new worth sending yet."""
        sheet = take.sheet
        if not sheet.notes:
            return None
        starts = sheet.bar_starts()
        ready_bars = len(starts) if final else len(starts) - 1  # the newest bar may still ring on
        if not final and ready_bars - self.sent_bars < MIN_CHUNK_BARS:
            return None
        if not audio.audio_status()[0]:
            return None
        pool = audio.synth_pool()
        samples = audio.render_audio(take.arrangement, pool, normalise=False)
        rate = pool.config.sample_rate
        cut = len(samples) if final else min(len(samples), round(starts[ready_bars] * sheet.seconds_per_beat * rate))
        if cut <= self.sent_frames and not final:
            return None
        pcm = samples[self.sent_frames:cut]
        self.sent_frames, self.sent_bars, self.seq = max(cut, self.sent_frames), ready_bars, self.seq + 1
        return {"id": self.id, "seq": self.seq, "rate": rate, "channels": 2, "done": final, "label": self.label,
                "seconds": round(self.sent_frames / rate, 2), "pcm": base64.b64encode(pcm.tobytes()).decode("ascii")}

    def finished(self) -> dict[str, Any]:
        """The last value when nothing more will come (the run was stopped or failed)."""
        self.seq += 1
        return {"id": self.id, "seq": self.seq, "rate": 0, "channels": 2, "done": True, "label": self.label,
                "seconds": round(self.sent_frames / audio.SynthConfig().sample_rate, 2), "pcm": ""}


class StreamPlayer(PropsHTML):
    """Plays the chunks of a :class:`BarStream` back to back (value: :meth:`BarStream.chunk`)."""

    def __init__(self, *, unlock: str = "#compose-button", **kwargs: Any) -> None:
        """``unlock``: CSS selector of the button whose click may start sound (browsers allow audio
        to start only from a user's gesture)."""
        kwargs.setdefault("apply_default_css", False)
        super().__init__(value=None, html_template=(_HERE / "stream.html").read_text(encoding="utf-8"),
                         css_template=(_HERE / "stream.css").read_text(encoding="utf-8"),
                         js_on_load=(_HERE / "stream.js").read_text(encoding="utf-8"), unlock=unlock, **kwargs)

    def api_info(self) -> dict[str, Any]:
        return {"type": "object", "description": "a chunk of streamed audio (base64 int16 PCM)"}


def streams(params) -> bool:
    """Whether this request is long enough to be heard while it is written."""
    return params.mode == "compose" and (params.bars >= STREAM_MIN_BARS or bool(params.lyrics.strip()))


def compose_streaming(params, run: Callable[..., Any],
                      stopped: Callable[[], bool] = lambda: False) -> Generator[dict[str, Any], None, Any]:
    """Run ``run(on_bars=..., on_progress=...)`` (the studio's compose) in a worker thread; yield the
    player's values while it writes, then the rest of the first idea; return its Composition.
    Closing the generator, or ``stopped()`` turning true (the page's Stop), asks the model to stop: a
    stopped run yields nothing more (the player already says so) and raises Cancelled; an error is
    raised after the player is told."""
    stream, newest, outcome, stop = BarStream(), queue.Queue(), {}, threading.Event()

    def work() -> None:
        try:
            outcome["result"] = run(on_bars=newest.put, on_progress=lambda _fraction: stop.is_set() or stopped())
        except BaseException as error:  # handed to the page below
            outcome["error"] = error

    worker = threading.Thread(target=work, name="musicui-compose", daemon=True)
    worker.start()
    try:
        while worker.is_alive() or not newest.empty():
            try:
                take = newest.get(timeout=0.05)
            except queue.Empty:
                continue
            while not newest.empty():  # only the newest bars matter: they hold the older ones
                take = newest.get_nowait()
            value = None if stopped() else stream.chunk(take)
            if value is not None:
                yield value
    except GeneratorExit:  # the caller has gone: the model stops at its next step
        stop.set()
        raise
    worker.join()
    if "error" in outcome and stopped():
        raise Cancelled()
    if "error" in outcome:
        yield stream.finished()
        raise outcome["error"]
    result = outcome["result"]
    yield stream.chunk(result.takes[0], final=True) or stream.finished()
    return result
