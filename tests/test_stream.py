"""Hearing a long piece while it is written: the chunks sent bar by bar join into exactly the audio
of the finished first idea, and the first of them is ready before the model is done."""

from __future__ import annotations

import base64
import time

import numpy as np
import pytest

from musicui.render import audio
from musicui.studio import compose
from musicui.ui.stream import BarStream

pytestmark = pytest.mark.skipif(not audio.audio_status()[0], reason="libfluidsynth is not installed")


def pcm(value: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(value["pcm"]), dtype=np.int16).reshape(-1, value["channels"])


@pytest.mark.parametrize("style", ["folk", "pop ballad"])
def test_chunks_sent_while_writing_join_into_the_finished_take(style):
    compose("warm up", bars=1, candidates=1, seed=0)  # the model loaded, so the clock times the writing
    stream, chunks, first_at = BarStream(), [], []
    started = time.perf_counter()

    def on_bars(take) -> None:
        value = stream.chunk(take)
        if value is not None:
            first_at.append(time.perf_counter() - started)
            chunks.append(value)

    result = compose("a hopeful spring morning", bars=24, candidates=2, seed=4, style=style, on_bars=on_bars)
    finished = time.perf_counter() - started
    chunks.append(stream.chunk(result.takes[0], final=True))
    assert len(chunks) >= 4 and chunks[-1]["done"] and [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert first_at[0] < finished / 2, "the first bars can play long before the piece is written"
    joined = np.concatenate([pcm(c) for c in chunks])
    whole = audio.render_audio(result.takes[0].arrangement, normalise=False)
    assert joined.shape == whole.shape
    # FluidSynth is not bit-exact from one request to the next (a few stray samples differ, seen up to
    # ~300 of 32767, i.e. -40 dBFS), so "no seams" means: within that, and on average almost nothing
    difference = np.abs(joined.astype(np.int32) - whole.astype(np.int32))
    assert difference.max() <= 500 and difference.mean() < 0.5, (difference.max(), difference.mean())
    assert np.abs(whole).max() > 3000, "and it is not silence"
    assert result.takes[0].sheet.num_bars == 24
