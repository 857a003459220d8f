"""Parts that break say so: a damaged SoundFont, a missing or damaged checkpoint, a missing or
damaged attribute head. Each gives one plain notice; everything else keeps working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import musicui
from musicui.core.leadsheet import LeadSheet, Note
from musicui.model import composer as composer_module
from musicui.model.composer import DEFAULT_CHECKPOINT, Composer
from musicui.studio import MODEL_UNAVAILABLE, ComposeError

SEED = LeadSheet(notes=[Note(60 + step, beat, 1.0) for beat, step in enumerate((0, 2, 4, 5, 7, 5, 4, 2))])


@pytest.fixture()
def checkpoint(tmp_path, monkeypatch):
    """A copy of the shipped checkpoint that the test may break, read in this process (not by a model
    process a studio launched earlier in the session started); the shared model is reloaded after."""
    from musicui.modes import running

    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_CHECKPOINT, folder)
    monkeypatch.setenv(composer_module.CHECKPOINT_VAR, str(folder))
    monkeypatch.setattr(running, "_model_process", None)
    yield folder
    Composer._shared = None


def test_a_missing_checkpoint_is_one_sentence_and_the_rest_works(checkpoint):
    (checkpoint / "model.safetensors").unlink()
    with pytest.raises(ComposeError) as raised:
        musicui.compose("a calm evening", bars=2, candidates=1, seed=1)
    assert str(raised.value) == MODEL_UNAVAILABLE and str(Path.cwd()) not in str(raised.value)
    restyled = musicui.compose(seed_sheet=SEED, mode="restyle", candidates=2, seed=1)
    assert len(restyled.takes) == 2
    harmonized = musicui.compose(seed_sheet=SEED, mode="harmonize", candidates=2, seed=1)
    assert harmonized.takes[0].sheet.chords and "corpus harmonizer" in " ".join(harmonized.notices)


def test_a_damaged_checkpoint_is_one_sentence(checkpoint):
    (checkpoint / "model.safetensors").write_bytes(b"not a safetensors file" * 10)
    with pytest.raises(ComposeError, match="could not be loaded"):
        musicui.compose("a calm evening", bars=2, candidates=1, seed=1)


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_without_the_attribute_head_the_take_says_so(checkpoint, damage):
    head = checkpoint / "attribute_head.safetensors"
    if damage == "missing":
        head.unlink()
    else:
        head.write_bytes(b"\x00" * 64)
    result = musicui.compose("a sad farewell", bars=2, candidates=1, seed=1)
    assert result.takes and any(f"attribute head) is {damage}" in notice for notice in result.notices)


def test_a_damaged_soundfont_says_audio_is_off_and_the_rest_works(tmp_path, monkeypatch):
    from musicui import service
    from musicui.render import audio, soundfont

    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"RIFF" + b"\x00" * 1000)
    monkeypatch.setenv(soundfont.ENV_VAR, str(broken))
    soundfont.default_soundfont.cache_clear()
    saved_pools, saved_error = dict(audio._pools), audio._pool_error
    audio._pools.clear()
    try:
        for _ in range(2):  # the first render finds the damage, the next ones know it
            result = service.render(SEED, want=("audio", "midi", "svg"))
            assert result.wav is None and result.midi and result.svg
            assert "Audio is off" in result.audio_message and "broken" in result.audio_message
            assert str(tmp_path) not in result.audio_message
    finally:
        audio._pools.clear()
        audio._pools.update(saved_pools)
        audio._pool_error = saved_error
        monkeypatch.delenv(soundfont.ENV_VAR)
        soundfont.default_soundfont.cache_clear()
