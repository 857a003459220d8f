"""Running the model for a mode: the shared model (here, or in its own process on a server), its
watch (progress, Stop, the time limit) and the way a long seed's last bars are cut to fit."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from musicui.core.leadsheet import LeadSheet
from musicui.modes.base import arrangement_style
from musicui.params import ComposeError, ComposeParams

TIME_LIMIT_S = float(os.environ.get("MUSICUI_TIME_LIMIT_S", "30"))
MODEL_UNAVAILABLE = ("the model could not be loaded (its checkpoint is missing or damaged), so no new music can be "
                     "written now; the seed editor, playback, harmonize (with the corpus harmonizer) and restyle "
                     "still work")
log = logging.getLogger(__name__)


def on_gpu_when_lent(function: Callable) -> Callable:
    """On a Hugging Face ZeroGPU Space, run ``function`` with a GPU attached (the ``spaces`` package is
    there); anywhere else it runs as it is."""
    try:
        import spaces
    except ImportError:
        return function
    return spaces.GPU(duration=60)(function)


_model_process = None  # a RemoteComposer once a server asks for one (serve_model_apart)


def serve_model_apart(threads: int) -> None:
    """A server's composes go to the model in a process of its own (musicui.model.server), which
    writes the composes waiting at one moment together; the CLI and the Python API keep it here."""
    global _model_process
    from musicui.model.server import RemoteComposer

    if _model_process is None:
        _model_process = RemoteComposer(threads=threads, time_limit_s=TIME_LIMIT_S)


# Loading the model stack (transformers, the text encoder) from two threads at once, say the
# warm-up and a first compose, can fail inside transformers' lazy imports: one thread loads it.
MODEL_LOADING = threading.RLock()


def shared_composer(params: ComposeParams):
    """The loaded model; a missing or damaged checkpoint is one plain sentence (ComposeError), and
    a missing attribute head a notice on the take, since the words then steer less."""
    try:
        with MODEL_LOADING:
            from musicui.model.composer import Composer

            composer = _model_process if _model_process is not None else Composer.shared()
            if _model_process is not None:
                _model_process.start()
    except Exception as error:  # noqa: BLE001 - any damage: the user hears one sentence
        log.warning("the model was not loaded: %s", error)
        raise ComposeError(MODEL_UNAVAILABLE) from None
    if composer.head_problem and params.text.strip() and composer.head_problem not in params.notices:
        params.notices.append(composer.head_problem)
    return composer


@on_gpu_when_lent
def run_on_model(mode, params: ComposeParams, seed: LeadSheet | None, on_progress, on_bars):
    """A model mode's work, with the shared model (its ``without_model`` when there is none)."""
    try:
        composer = shared_composer(params)
    except ComposeError as error:
        return mode.without_model(params, seed, str(error))
    return mode.write(composer, params, seed, on_progress, on_bars)


def tail_window(composer, sheet: LeadSheet, counts: list[int], new_bars: int) -> tuple[LeadSheet | None, LeadSheet]:
    """(the bars before, the last bars) of a piece to continue: as many last bars as the model holds
    with ``new_bars`` to write (``counts``: tokens per bar); the bars before are None when all fits."""
    from musicui.model import seed_windows as W

    start = W.continue_start(counts, composer.budget, new_bars)
    if not start:
        return None, sheet
    return sheet.slice_bars(0, start - 1), sheet.slice_bars(start, sheet.num_bars - 1)


STEPS_PER_BAR = 40  # about the sampler's steps for one bar of four candidates: for the progress bar only


def run_model(composer, request, params: ComposeParams, on_progress, bars: int):
    """The model writes under the watch (progress, Stop, time limit); returns its result and the style."""
    result = run_models(composer, [request], on_progress, bars)[0]
    return result, arrangement_style(params, result.plan)


def run_models(composer, requests: list, on_progress, bars: int) -> list:
    """Several requests written in one batch (where the composer batches) under one watch."""
    from musicui.model.server import ModelTimeout, ModelUnavailable

    watch = Watch(on_progress, STEPS_PER_BAR * max(1, bars))
    for request in requests:
        request.on_step = watch.step
    results = []
    try:
        if len(requests) > 1 and hasattr(composer, "compose_many"):
            results = composer.compose_many(requests)
        else:
            results = [composer.compose(request) for request in requests]
    except ModelTimeout:
        watch.timed_out = True
    except ModelUnavailable as error:
        log.warning("the model process failed: %s", error)
        raise ComposeError(MODEL_UNAVAILABLE) from None
    watch.check()
    return results


class Watch:
    """Progress for the page, a way to stop, and the time limit: the model stops writing after
    TIME_LIMIT_S and the user hears why (nothing of theirs is touched)."""

    PROGRESS_EVERY_S = 0.15  # each report is a message to the page: a few a second are enough

    def __init__(self, on_progress, expected_steps: int) -> None:
        self.on_progress, self.expected = on_progress, max(1, expected_steps)
        self.started = self.reported = time.perf_counter()
        self.cpu_started = time.thread_time()  # the limit counts the model's own work, not CPU contention
        self.stopped_by_user = self.timed_out = False

    def step(self, step: int, _states) -> bool:
        now = time.perf_counter()
        if time.thread_time() - self.cpu_started > TIME_LIMIT_S:
            self.timed_out = True
            return True
        if self.on_progress is not None and now - self.reported >= self.PROGRESS_EVERY_S:
            self.reported = now
            if self.on_progress(min(0.99, step / self.expected)):
                self.stopped_by_user = True
                return True
        return False

    def check(self) -> None:
        if self.timed_out:
            raise ComposeError(f"the model took longer than {TIME_LIMIT_S:g} s; ask for fewer bars or ideas")
        if self.stopped_by_user:
            raise ComposeError("stopped")
