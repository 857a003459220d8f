"""The studio page: layout and event wiring. ``build_app()`` returns the Blocks; its ``launch()``
brings the theme, CSS, upload limit and queue settings along, so ``build_app().launch()`` is enough.

Named API endpoints (all checked on the server, see ``handlers`` and ``compose``):
``/play``, ``/render_abc``, ``/render_file``, ``/preview``, ``/compose``. Page-only events are private.
``launch()`` also warms the model up in the background (``MUSICUI_WARM_UP=0`` turns that off).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from musicui.ui import compose_tab as C
from musicui.ui import handlers as H
from musicui.ui.api import build_api
from musicui.ui.chord_palette import PALETTE_JS
from musicui.ui.keyboard import sampler_head, serve_samples
from musicui.ui.guard import BodyLimit, ConfigCache, missing_values_error, unreadable_value_error
from musicui.ui.seed_tab import HUM_CLOCK, RENDER_CONCURRENCY, UNDO_KEYS, build_seed_tab, wire_seed_tab
from musicui.ui.takes_panel import build_takes_panel, kept_takes, wire_takes_panel
from musicui.ui.theme import CSS, HEAD, THEME

MAX_FILE_SIZE = "16mb"  # a minute of recorded WAV to transcribe; seed files stay at 5 MB (service)
# Composes in flight at once (compose_tab.COMPOSE_CONCURRENCY = 4): their model work goes to the model
# process, which writes those waiting together in one pass, while the others arrange and render here
# (20 clients on 2 cores: 60 composes a minute with 4, 51 with 2, 38 with 1 and the model in this process).
QUEUE_SIZE = 64
CACHE_CLEANING = (300, 1800)  # every 5 minutes, drop renders and uploads older than 30 (Gradio's cache)
CACHE_TRIM_EVERY_S = 15  # ... and every 15 s, the oldest past the size limit
DEFAULT_EXAMPLE = H.EXAMPLES[0][1]

HEADER = """
<div class="mu-header">
  <div class="mu-logo" aria-hidden="true">♫</div>
  <div>
    <h1>musicui <span>seed melody studio</span></h1>
    <p>Write a melody in ABC, or click it into the piano roll, and hear it at once. Pick an example to start,
    or open a MIDI, ABC or MusicXML file. The sheet music and the piano roll follow every edit.</p>
  </div>
</div>
"""


class Studio(gr.Blocks):
    """gr.Blocks whose ``launch()`` defaults to the studio's theme, CSS, upload limit and queue."""

    def launch(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        kwargs.setdefault("theme", THEME)
        kwargs.setdefault("css", CSS)
        kwargs.setdefault("head", HEAD + UNDO_KEYS + HUM_CLOCK + PALETTE_JS + sampler_head())
        kwargs.setdefault("max_file_size", MAX_FILE_SIZE)
        kwargs.setdefault("ssr_mode", False)
        kwargs.setdefault("footer_links", ["api", "gradio"])
        kwargs.setdefault("app_kwargs", {})
        kwargs["app_kwargs"].setdefault("middleware", []).extend([Middleware(BodyLimit), Middleware(ConfigCache)])
        _serving_threads()
        threading.Thread(target=self._keep_cache_trimmed, name="musicui-cache", daemon=True).start()
        if os.environ.get("MUSICUI_WARM_UP", "1") != "0":
            threading.Thread(target=self._warm_up_when_serving, name="musicui-warm-up", daemon=True).start()
        return super().launch(*args, **kwargs)

    def validate_inputs(self, block_fn, inputs: list[Any]) -> None:  # type: ignore[override]
        """Too few values from an API caller: a sentence naming what is wanted."""
        if len(inputs) < len(block_fn.inputs):
            defaults = _trailing_defaults(block_fn, len(inputs))
            if defaults is None:
                raise missing_values_error(_parameter_names(block_fn), len(inputs))
            inputs.extend(defaults)  # a caller of an older, shorter signature: the new parameters' defaults

    async def preprocess_data(self, block_fn, inputs: list[Any], state,  # type: ignore[override]
                              explicit_call: bool = False):
        """A value a component cannot take (text for a number, say): a sentence naming the value."""
        try:
            return await super().preprocess_data(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except Exception as error:  # noqa: BLE001 - Gradio's own text is for developers
            raise unreadable_value_error(block_fn, inputs, error) from None

    def _keep_cache_trimmed(self) -> None:
        """Gradio cleans its cache by age; this bounds it by size too (LIMITS.cache_bytes)."""
        while True:
            time.sleep(CACHE_TRIM_EVERY_S)
            H.trim_cache(self.GRADIO_CACHE)

    def _warm_up_when_serving(self) -> None:
        """Load the model once the page is served (not before: the start stays quick)."""
        from musicui.sandbox import readers
        from musicui.studio import warm_up

        for _ in range(600):
            if getattr(self, "is_running", False):
                break
            time.sleep(0.1)
        readers().start()  # the reader processes, so that the first seed opens at once
        warm_up()


def _typed_parameters(block_fn) -> list | None:
    """A typed endpoint's (gr.api) parameters, the request left out; None for a component endpoint."""
    import inspect

    if block_fn.fn is None or not block_fn.api_name:
        return None
    params = [p for p in inspect.signature(block_fn.fn).parameters.values()
              if p.annotation is not gr.Request and p.kind is not p.VAR_KEYWORD]
    return params if len(params) == len(block_fn.inputs) else None


def _trailing_defaults(block_fn, received: int) -> list | None:
    """A caller of an endpoint's older, shorter signature: the defaults of the parameters added since
    (``api.ADDED_LATER``), or None when the call lacks more than those."""
    from musicui.ui.api import ADDED_LATER

    params = _typed_parameters(block_fn)
    missing = params[received:] if params else []
    if not missing or not all(p.name in ADDED_LATER.get(block_fn.api_name, ()) for p in missing):
        return None
    return [p.default for p in missing]


def _parameter_names(block_fn) -> list[str]:
    """An endpoint's parameters by name: a typed function's own (gr.api), else the components' labels."""
    params = _typed_parameters(block_fn)
    if params:
        return [p.name for p in params]
    return [getattr(block, "label", None) or type(block).__name__ for block in block_fn.inputs]


def _serving_threads() -> None:
    """A server gives the model half the cores (MUSICUI_TORCH_THREADS overrides): the web server, the
    synths and other users' requests run beside it, and a two-thread matrix multiply stalls whenever
    one of its cores is busy (measured on 2 cores, browser click -> 4 ideas: 1.6-1.9 s with one
    thread against 1.9-2.0 s with two)."""
    import torch

    threads = os.environ.get("MUSICUI_TORCH_THREADS", "")
    count = int(threads) if threads.isdigit() and int(threads) > 0 else max(1, (os.cpu_count() or 2) // 2)
    torch.set_num_threads(count)
    if os.environ.get("MUSICUI_MODEL_PROCESS", "1") != "0" and not _on_zero_gpu():
        from musicui.studio import serve_model_apart

        serve_model_apart(count)  # the model on a core of its own, composes batched (musicui.model.server)


def _on_zero_gpu() -> bool:
    """A ZeroGPU Space attaches its GPU to this process's functions: keep the model here."""
    import importlib.util

    return importlib.util.find_spec("spaces") is not None


def build_app() -> Studio:
    """The page: a header, the Seed melody tab, the Compose tab, and the named API endpoints."""
    serve_samples()  # the keyboard's and the roll's instant sound (musicui/render/samples.py)
    with Studio(title="musicui · seed melody studio", delete_cache=CACHE_CLEANING, analytics_enabled=False) as demo:
        gr.HTML(HEADER, padding=False, elem_classes="mu-flush")
        with gr.Tabs(elem_id="mu-tabs") as tabs:
            with gr.Tab("Seed melody", id="seed", elem_id="mu-seed-tab"):
                seed = build_seed_tab(H.load_example(DEFAULT_EXAMPLE))
            with gr.Tab("Compose", id="compose", elem_id="mu-compose-tab"):
                compose = C.build_tab()
                takes = build_takes_panel()
        takes.kept = kept_takes()
        wire_seed_tab(demo, seed)
        C.wire_compose_tab(demo, seed, compose, tabs, takes)
        wire_takes_panel(demo, seed, takes, tabs)
        build_api(demo)
    demo.queue(default_concurrency_limit=RENDER_CONCURRENCY, max_size=QUEUE_SIZE)
    return demo
