"""The model: grammar-constrained decoding always parses; explicit words are honoured; the tiny
config trains and its loss falls; the shipped checkpoint writes a valid tune on the CPU."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicui.core.abc import parse_abc, write_abc
from musicui.core.leadsheet import GRID, Key, Meter
from musicui.model.tokenizer import LeadSheetTokenizer
from musicui.model.attributes import plan
from musicui.model.tasks import Continuation, FollowMelody, FollowRhythm
from musicui.model.vocab import ModelVocab
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


@settings(max_examples=60, deadline=None)
@given(meter=st.sampled_from(METERS), bars=st.integers(1, 6), seed=st.integers(0, 10**6),
       pickup_eighths=st.integers(0, 3), tonic=st.integers(0, 11))
def test_with_the_prior_a_piece_closes_on_a_long_tonic_to_the_bar_line(meter, bars, seed, pickup_eighths, tonic):
    from musicui.model.grammar import TonalPrior

    parsed_meter = Meter.parse(meter)
    bar_ticks, pulse = round(parsed_meter.bar_beats * GRID), round(parsed_meter.pulse_beats * GRID)
    pickup = min(pickup_eighths * GRID // 2, bar_ticks - GRID // 2)
    constraints = Constraints(bars=bars + (1 if pickup else 0), bar_ticks=bar_ticks, pulse_ticks=pulse,
                              pickup_ticks=pickup, tonal=TonalPrior(tonic_pc=tonic, minor=False), close_home=True)
    head = ["BOS", "Key_0", "Mode_major", f"Meter_{meter}", "Tempo_100", "Length_1"] + (["Pickup", f"Dur_{pickup}"] if pickup else [])
    sheet = VOCAB.tokenizer.decode([VOCAB.id(t) for t in head + ["SEP"]] + random_walk(constraints, random.Random(seed)))
    last = sheet.notes[-1]
    assert last.pitch % 12 == tonic, "the piece ends on its tonic"
    assert last.duration >= parsed_meter.pulse_beats - 1e-9, "held a pulse or more"
    assert abs(last.end - (sheet.bar_starts()[-1] + parsed_meter.bar_beats)) < 1e-9, "to the bar line"


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(1, 12), min_size=1, max_size=3), seed=st.integers(0, 10**6),
       meter=st.sampled_from(["4/4", "3/4", "6/8"]))
def test_a_sung_line_ends_on_a_note_a_pulse_long_and_never_sticks(counts, seed, meter):
    from musicui.core.leadsheet import Meter as M

    parsed = M.parse(meter)
    bar_ticks, pulse = round(parsed.bar_beats * GRID), round(parsed.pulse_beats * GRID)
    phrases = [Phrase(2 * i, 2 * i + 2, n, tuple(k % 2 == 1 for k in range(n))) for i, n in enumerate(counts)]
    constraints = Constraints(bars=2 * len(counts), bar_ticks=bar_ticks, pulse_ticks=pulse, phrases=phrases)
    ids = [VOCAB.id(t) for t in ["BOS", "Key_0", "Mode_major", f"Meter_{meter}", "Tempo_100", "Length_1", "SEP"]]
    sheet = VOCAB.tokenizer.decode(ids + random_walk(constraints, random.Random(seed)))
    starts = sheet.bar_starts() + [sheet.end_beats]
    for index, count in enumerate(counts):
        sung = [n for n in sheet.notes if starts[2 * index] - 1e-9 <= n.onset < starts[min(2 * index + 2, len(starts) - 1)] - 1e-9]
        assert len(sung) == count
        assert sung[-1].duration >= parsed.pulse_beats - 1e-9, "the line's last syllable is held"


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


@pytest.fixture(scope="module")
def mini_corpus(tmp_path_factory) -> Path:
    """A real corpus in miniature: 24 Essen and O'Neill's tunes, harmonized, analysed, captioned."""
    from musicui.data.analysis import analyse
    from musicui.data.build import write_jsonl_gz
    from musicui.data.captions import captions_for
    from musicui.core.harmonizer import harmonize
    from musicui.model.tokenizer import canonical
    from tests.helpers import corpus_tunes

    folder = tmp_path_factory.mktemp("corpus")
    records = []
    for index, text in enumerate(corpus_tunes("essenFolksong/han1.abc", 14) + corpus_tunes("oneills1850/0001-0050.abc", 10)):
        sheet = canonical(harmonize(parse_abc(text).for_model().slice_bars(0, 7)))
        attrs = analyse(sheet)
        controls = {"style": attrs.style, "tune_type": attrs.tune_type, "valence": attrs.valence_bin,
                    "arousal": attrs.arousal_bin}
        records.append({"id": f"t{index}", "sheet": sheet.to_dict(), "attributes": attrs.to_dict(), "controls": controls,
                        "captions": captions_for(attrs, seed=0, key=f"t{index}")})
    write_jsonl_gz(folder / "train.jsonl.gz", records[:18])
    write_jsonl_gz(folder / "validation.jsonl.gz", records[18:])
    LeadSheetTokenizer().save(folder)
    return folder


def test_tiny_config_trains_and_its_loss_falls(mini_corpus, tmp_path):
    from musicui.model.config import get_config
    from musicui.model.train import train

    summary = train(get_config("tiny", max_steps=40, eval_every=20, eval_batches=1), mini_corpus, tmp_path / "run")
    losses = [entry["valid_loss"] for entry in summary["history"]]
    assert losses[0] > losses[-1] + 0.3, f"validation loss did not fall: {losses}"
    assert (tmp_path / "run" / "model.safetensors").exists() and not list((tmp_path / "run").glob("*.pt"))

    from musicui.model.composer import ComposeRequest, Composer

    composer = Composer(tmp_path / "run")
    result = composer.compose(ComposeRequest(text="a waltz in D minor at 90 bpm", bars=4, candidates=2))
    for sheet in result.sheets:
        assert str(sheet.meter) == "3/4" and sheet.key == Key("D", "minor") and sheet.tempo == 90
        assert sheet.notes and sheet.num_bars <= 4


def test_loading_refuses_pickles(tmp_path):
    from musicui.model.checkpoint import refuse_pickles

    (tmp_path / "model.pt").write_bytes(b"not really")
    with pytest.raises(ValueError, match="pickle"):
        refuse_pickles(tmp_path)


def test_shipped_checkpoint_writes_a_valid_four_bar_tune():
    from musicui.model.composer import DEFAULT_CHECKPOINT, ComposeRequest, Composer
    from musicui.model.sampler import SamplingParams

    assert (DEFAULT_CHECKPOINT / "model.safetensors").stat().st_size < 30 * 2**20
    composer = Composer.shared()
    result = composer.compose(ComposeRequest(text="a hopeful spring morning, in G major", bars=4, candidates=2,
                                             sampling=SamplingParams(seed=7)))
    assert result.plan.key == Key("G", "major")
    for sheet in result.sheets:
        assert sheet.notes and 3 <= sheet.num_bars <= 4
        again = parse_abc(write_abc(sheet))
        assert [(n.pitch, n.onset, n.duration) for n in again.notes] == [(n.pitch, n.onset, n.duration) for n in sheet.notes]
    same = composer.compose(ComposeRequest(text="a hopeful spring morning, in G major", bars=4, candidates=2,
                                           sampling=SamplingParams(seed=7)))
    assert [s.notes for s in same.sheets] == [s.notes for s in result.sheets], "the same seed gives the same tunes"


def _body_tokens(abc: str) -> tuple[list[str], int, int]:
    sheet = parse_abc(abc)
    ids = VOCAB.tokenizer.encode(sheet, {"style": "folk", "tune_type": "", "valence": "mid", "arousal": "mid"})
    tokens = VOCAB.tokenizer.ids_to_tokens(ids)
    body = tokens[tokens.index("SEP") + 1:]
    return body, round(sheet.bar_beats * GRID), sheet.num_bars


SEED_ABC = "X:1\nT:t\nM:3/4\nL:1/8\nK:G\n\"G\"G2 B2 d2|\"C\"e4 d2|\"D7\"c2 A2 F2|\"G\"G6|B2 d2 g2|f2 e2 d2|c2 A2 F2|G6|]\n"


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_harmonize_template_keeps_every_melody_token_and_parses(seed):
    body, bar_ticks, bars = _body_tokens(SEED_ABC)
    melody = [t for t in body if not t.startswith(("Root_", "Qual_", "Bass_", "Pos_"))]
    constraints = Constraints(bars=bars, bar_ticks=bar_ticks, pulse_ticks=GRID, melody_template=melody)
    out = VOCAB.tokenizer.ids_to_tokens(random_walk(constraints, random.Random(seed)))
    assert [t for t in out if not t.startswith(("Root_", "Qual_", "Bass_", "Pos_"))] == melody
    head = ["BOS", "Key_7", "Mode_major", "Meter_3/4", "Tempo_100", "Length_1", "SEP"]
    sheet = VOCAB.tokenizer.decode([VOCAB.id(t) for t in head + out])
    assert [(n.pitch, n.onset, n.duration) for n in sheet.notes] == \
        [(n.pitch, n.onset, n.duration) for n in parse_abc(SEED_ABC).notes]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_contour_variation_keeps_the_rhythm_and_the_ups_and_downs(seed):
    body, bar_ticks, bars = _body_tokens(SEED_ABC)
    pitches = [n.pitch for n in parse_abc(SEED_ABC).notes]
    contour = [0] + [(b > a) - (b < a) for a, b in zip(pitches, pitches[1:])]
    constraints = Constraints(bars=bars, bar_ticks=bar_ticks, pulse_ticks=GRID, rhythm_template=body,
                              contour=contour, scale_pcs=Key("G", "major").scale_pcs)
    out = VOCAB.tokenizer.ids_to_tokens(random_walk(constraints, random.Random(seed)))
    free = ("Pitch_", "Root_", "Qual_", "Bass_")  # a variation may change the pitches and the chords
    assert [t for t in out if not t.startswith(free)] == [t for t in body if not t.startswith(free)]
    new = [int(t[6:]) for t in out if t.startswith("Pitch_")]
    low, high = constraints.pitch_range
    in_scale = [p for p in range(low, high + 1) if p % 12 in constraints.scale_pcs]
    for a, b, way in zip(new, new[1:], contour[1:]):
        # the direction is kept unless the range leaves no pitch that way
        assert (b > a) - (b < a) == way or (way > 0 and a == max(in_scale)) or (way < 0 and a == min(in_scale))


def test_tonal_prior_pulls_toward_the_key_chord_tones_and_home():
    from musicui.model.grammar import TonalPrior, bias_for

    prior = TonalPrior(tonic_pc=9, minor=True)  # A minor
    constraints = Constraints(bars=2, bar_ticks=4 * GRID, pulse_ticks=GRID, tonal=prior)
    state = GrammarState(FAMILIES, constraints)
    for token in ("Bar", "Root_4", "Qual_7"):
        state.advance(VOCAB.id(token))
    row = bias_for([state], len(VOCAB))[0]
    a, c, gsharp, b_flat = (row[VOCAB.id(f"Pitch_{p}")] for p in (69, 72, 68, 70))
    assert a > b_flat and c > b_flat, "the tonic and the minor third lean in"
    assert gsharp > b_flat, "on the beat, a tone of E7 leans in too"
    for token in ("Pitch_69", "Dur_12", "Bar"):
        state.advance(VOCAB.id(token))
    last_bar = bias_for([state], len(VOCAB))[0]
    assert last_bar[VOCAB.id("Root_9")] > last_bar[VOCAB.id("Root_2")], "the last bar goes home"
    assert last_bar[VOCAB.id("Pitch_69")] > last_bar[VOCAB.id("Pitch_71")], "the tonic, even just after it sounded"


def test_a_checkpoint_may_carry_its_own_lighter_prior(tmp_path):
    import json

    from musicui.model.grammar import TonalPrior

    assert TonalPrior.weights_from(tmp_path / "tonal_prior.json") == {}  # none: the defaults
    (tmp_path / "tonal_prior.json").write_text(json.dumps({"chord_tone_weight": 0.6, "repeat_penalty": 0.75}))
    weights = TonalPrior.weights_from(tmp_path / "tonal_prior.json")
    light = TonalPrior.at_strength(9, True, 0.5, weights)
    assert light.chord_tone_weight == pytest.approx(0.3) and light.key_weight == pytest.approx(0.75)
    for bad in ({"chord_tone": 1.0}, {"home_weight": -1}, {"home_weight": "strong"}):
        (tmp_path / "tonal_prior.json").write_text(json.dumps(bad))
        with pytest.raises(ValueError, match="numbers from 0 to 10"):
            TonalPrior.weights_from(tmp_path / "tonal_prior.json")


def test_tonal_prior_closes_the_last_bar_and_each_phrase_on_a_long_note():
    from musicui.model.grammar import TonalPrior, bias_for

    def length_pulls(bars: int, bar: int, beat: float) -> dict[int, float]:
        """The pull on each note length for a note starting on ``beat`` of ``bar`` (4/4, from 0)."""
        state = GrammarState(FAMILIES, Constraints(bars=bars, bar_ticks=4 * GRID, pulse_ticks=GRID,
                                                   tonal=TonalPrior(tonic_pc=0, minor=False)))
        for _ in range(bar + 1):
            state.advance(VOCAB.id("Bar"))
            if _ < bar:
                state.advance(VOCAB.id("Rest")), state.advance(VOCAB.id(f"Dur_{4 * GRID}"))
        if beat:
            state.advance(VOCAB.id("Rest")), state.advance(VOCAB.id(f"Dur_{int(beat * GRID)}"))
        state.advance(VOCAB.id("Pitch_60"))
        row = bias_for([state], len(VOCAB))[0]
        return {ticks: float(row[VOCAB.id(f"Dur_{ticks}")]) for ticks in (GRID // 4, GRID // 2, GRID, 2 * GRID)}

    last = length_pulls(bars=8, bar=7, beat=2)
    assert last[2 * GRID] > last[GRID], "a half note to the bar line closes the piece"
    clipped = length_pulls(bars=8, bar=7, beat=3.5)
    assert clipped[GRID // 2] < clipped[GRID // 4], "an eighth clipped at the bar line does not"
    phrase, inner = length_pulls(bars=8, bar=3, beat=2), length_pulls(bars=8, bar=2, beat=2)
    assert phrase[2 * GRID] > inner[2 * GRID] == inner[GRID], "bar 4 ends its phrase; bar 3 has no pull"
    assert last[2 * GRID] - last[GRID] > phrase[2 * GRID] - phrase[GRID], "the piece's end pulls hardest"


def test_shipped_checkpoint_harmonizes_varies_and_remakes_one_take():
    from musicui.model.composer import ComposeRequest, Composer
    from musicui.model.sampler import SamplingParams

    composer = Composer.shared()
    seed_sheet = parse_abc(SEED_ABC)
    harmonized = composer.compose(ComposeRequest(candidates=2, task=FollowMelody(seed_sheet), sampling=SamplingParams(seed=3)))
    for sheet in harmonized.sheets:
        assert [(n.pitch, n.onset, n.duration) for n in sheet.notes] == \
            [(n.pitch, n.onset, n.duration) for n in seed_sheet.notes]
        assert sheet.chords, "the model wrote chords"
    varied = composer.compose(ComposeRequest(candidates=2, task=FollowRhythm(seed_sheet, contour=True),
                                             sampling=SamplingParams(seed=3)))
    for sheet in varied.sheets:
        assert [(n.onset, n.duration) for n in sheet.notes] == [(n.onset, n.duration) for n in seed_sheet.notes]
    both = composer.compose(ComposeRequest(text="a jig", bars=4, candidates=2, sampling=SamplingParams(seed=11)))
    alone = composer.compose(ComposeRequest(text="a jig", bars=4, candidates=1, sampling=SamplingParams(seed=12)))
    assert alone.sheets[0].notes == both.sheets[1].notes, "take k is remade alone with seed + k"


def test_composes_batched_together_get_the_takes_they_would_get_alone():
    """Several users' composes in one model pass (the server batches them): prompts, seeds, lengths,
    guidance, temperature and a continued seed (a longer prefix, padded) all differ; each request's
    takes are exactly those it gets alone."""
    from musicui.core.abc import write_abc
    from musicui.model.composer import ComposeRequest, Composer
    from musicui.model.sampler import SamplingParams

    composer = Composer.shared()
    seed_sheet = parse_abc(SEED_ABC)

    def requests() -> list:
        return [ComposeRequest(text="a hopeful spring morning", bars=4, candidates=2, sampling=SamplingParams(seed=1)),
                ComposeRequest(text="a very sad slow farewell in the rain", bars=2, candidates=1,
                               sampling=SamplingParams(seed=7, guidance=1.0)),
                ComposeRequest(bars=2, candidates=2, task=Continuation(seed_sheet), sampling=SamplingParams(seed=3)),
                ComposeRequest(text="a jig", bars=4, candidates=1, sampling=SamplingParams(seed=9, temperature=1.2))]

    alone = [composer.compose(request) for request in requests()]
    together = composer.compose_many(requests())
    for one, batched in zip(alone, together):
        assert [write_abc(s) for s in one.sheets] == [write_abc(s) for s in batched.sheets]
        assert one.plan == batched.plan


def test_the_model_process_answers_like_the_model_here_and_stops_when_asked():
    """A server's RemoteComposer: the same takes as the Composer in this process, progress while it
    writes, and Stop honoured (the caller's on_step returning True ends the request early)."""
    from musicui.core.abc import write_abc
    from musicui.model.composer import ComposeRequest, Composer
    from musicui.model.sampler import SamplingParams
    from musicui.model.server import RemoteComposer

    remote = RemoteComposer(threads=1)
    try:
        request = ComposeRequest(text="a calm evening", bars=4, candidates=2, sampling=SamplingParams(seed=5))
        steps: list[int] = []
        far = remote.compose(ComposeRequest(**{**request.__dict__, "on_step": lambda step, _: steps.append(step)}))
        here = Composer.shared().compose(request)
        assert [write_abc(s) for s in far.sheets] == [write_abc(s) for s in here.sheets]
        assert steps, "progress came back while it wrote"
        stopped = remote.compose(ComposeRequest(text="a calm evening", bars=16, candidates=1,
                                                on_step=lambda step, _: step >= 8))
        assert max(stopped.token_counts) < max(here.token_counts), "Stop ended it early"
        assert remote.bar_token_counts(parse_abc(SEED_ABC)) == Composer.shared().bar_token_counts(parse_abc(SEED_ABC))
        remote.process.kill()  # a model process that dies (say, out of memory) is started again by the next call
        remote.process.join(timeout=10)
        for _ in range(100):
            if remote.connection is None:
                break
            time.sleep(0.05)
        again = remote.compose(request)
        assert [write_abc(s) for s in again.sheets] == [write_abc(s) for s in here.sheets]
    finally:
        if remote.process is not None:
            remote.process.kill()


def test_the_attribute_head_learns_free_captions_and_is_calibrated(mini_corpus, tmp_path):
    from musicui.model.attributes import AttributeHead, plan
    from musicui.model.head_training import train_head
    from musicui.model.text_encoder import shared_encoder

    report = train_head(mini_corpus, tmp_path, epochs=12, free=3000)
    assert report["free_validation_accuracy"]["valence"] > 0.6  # three levels: chance is about a third
    assert report["free_validation_accuracy"]["arrangement"] > 0.5
    head = AttributeHead.load(tmp_path)
    assert set(head.temperature) == set(report["calibration"]) and "arrangement" in head.labels
    words = "a quiet walk through the hills"  # no style named: the head guesses one
    assert plan(words, shared_encoder().encode(words).sentence, head).source["arrangement"] == "model"
