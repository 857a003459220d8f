"""Evaluate a checkpoint: ``python -m musicui.evaluate CHECKPOINT [--corpus cache/corpus] [--baseline DIR]``.

Everything is measured from the generated music with the corpus's analysis module, never read back
from the control tokens: validity, held-out NLL against an unconditional baseline, control accuracy
(key CK, tempo bin TB and TBT with text2midi's definitions, meter, mode, style, valence and arousal
direction), musicality (notes in key, chord-melody consonance on strong beats, overlap of pitch-class,
interval and duration histograms with the test set) and the hard constraints (continuation, infill,
lyric note counts). Writes JSON and a markdown table (``--card`` puts it into the model card).
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from musicui.core.abc import parse_abc, write_abc
from musicui.core.chords import parse_chord
from musicui.core.leadsheet import EPSILON, GRID, Key, LeadSheet
from musicui.core.theory import key_agreement, key_heard, krumhansl_schmuckler, spelled_key
from musicui.data.analysis import analyse, counted_bpm
from musicui.data.build import DEFAULT_CACHE
from musicui.model.composer import Composer, ComposeRequest
from musicui.model.dataset import load_split
from musicui.model.grammar import Phrase
from musicui.model.prompt import parse_explicit
from musicui.model.text_encoder import EMBEDDING_DIM
from musicui.model.tasks import Continuation, Infill
from musicui.model.sampler import SamplingParams

SUITE = Path(__file__).with_name("prompt_suite.json")
# text2midi's tempo bins (MidiCaps tempo words): TB = same bin, TBT = same or a neighbouring bin.
TEMPO_EDGES = (40, 60, 70, 90, 110, 140, 160, 210)
CONSONANT_INTERVALS = {0, 3, 4, 7, 8, 9}
STYLE_FEATURES = ("density", "syncopation", "tempo", "pitch_range", "step_share", "leap_share",
                  "minor_chord_share", "notes_per_second", "mean_pitch")


def tempo_bin(bpm: float) -> int:
    return bisect.bisect_right(TEMPO_EDGES, bpm)


@dataclass
class Target:
    text: str
    key: Key | None = None
    tempo: float | None = None
    meter: str | None = None
    style: str | None = None
    valence: str | None = None
    arousal: str | None = None


def suite_targets() -> list[Target]:
    return [Target(p["text"], Key.parse(p["key"]) if p.get("key") else None, p.get("tempo"), p.get("meter"),
                   p.get("style"), p.get("valence"), p.get("arousal")) for p in json.loads(SUITE.read_text())]


def caption_targets(records: list[dict], count: int, seed: int) -> list[Target]:
    """Held-out tunes' long captions (they name key, tempo and meter) with the tunes' attributes."""
    rng = random.Random(seed)
    chosen = rng.sample(records, min(count, len(records)))
    targets = []
    for record in chosen:
        attrs = record["attributes"]
        long = next((c["text"] for c in record["captions"] if c["kind"] == "long"), record["captions"][0]["text"])
        named = long.lower()
        targets.append(Target(long, Key.parse(attrs["key"]) if attrs["tonic"].lower() in named else None,
                              attrs["tempo"] if "bpm" in named or "beats per minute" in named else None,
                              attrs["meter"], attrs["style"], attrs["valence_bin"], attrs["arousal_bin"]))
    return targets


class StyleMeter:
    """Style measured from the music: nearest centroid over standardised analysis features."""

    def __init__(self, records: list[dict]) -> None:
        rows = [(r["attributes"]["style"], [float(r["attributes"][f]) for f in STYLE_FEATURES]) for r in records]
        features = np.array([f for _, f in rows])
        self.mean, self.std = features.mean(0), features.std(0) + 1e-6
        self.centroids = {style: ((np.array([f for s, f in rows if s == style]) - self.mean) / self.std).mean(0)
                          for style in {s for s, _ in rows}}

    def __call__(self, attrs) -> str:
        x = (np.array([float(getattr(attrs, f)) for f in STYLE_FEATURES]) - self.mean) / self.std
        return min(self.centroids, key=lambda s: float(((x - self.centroids[s]) ** 2).sum()))


def consonance(sheet: LeadSheet) -> tuple[int, int]:
    """(consonant, total) melody notes on strong beats, against the chord sounding there."""
    spans = sheet.chord_spans()
    strong_every = sheet.bar_beats / 2 if sheet.meter.numerator in (4, 6, 12, 2) else sheet.bar_beats
    good = total = 0
    for note in sheet.notes:
        position = round((note.onset - sheet.pickup) * GRID) % round(strong_every * GRID)
        if position or note.onset < sheet.pickup:
            continue
        chord = next((c for c, end in spans if c.onset <= note.onset < end), None)
        if chord is None:
            continue
        parsed = parse_chord(chord.symbol)
        total += 1
        good += note.pitch % 12 in parsed.pitch_classes or (note.pitch - parsed.root) % 12 in CONSONANT_INTERVALS
    return good, total


def histograms(sheets: list[LeadSheet]) -> dict[str, np.ndarray]:
    pcs, intervals, durations = np.zeros(12), np.zeros(25), np.zeros(16)
    for sheet in sheets:
        tonic = sheet.key.tonic_pc
        for n in sheet.notes:
            pcs[(n.pitch - tonic) % 12] += 1
            durations[min(15, int(round(n.duration * 4)))] += 1
        for a, b in zip(sheet.notes, sheet.notes[1:]):
            intervals[max(-12, min(12, b.pitch - a.pitch)) + 12] += 1
    return {name: h / max(h.sum(), 1) for name, h in (("pitch class", pcs), ("interval", intervals),
                                                         ("duration", durations))}


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.minimum(a, b).sum())


def music21_key(sheet: LeadSheet) -> Key:
    """music21's Krumhansl-Schmuckler key of the melody and the chords (each chord sounding until the next)."""
    from music21 import analysis, chord, note, stream

    melody, harmony = stream.Part(), stream.Part()
    for n in sheet.notes:
        melody.insert(n.onset, note.Note(n.pitch, quarterLength=n.duration))
    ends = [c.onset for c in sheet.chords[1:]] + [sheet.end_beats]
    for c, end in zip(sheet.chords, ends):
        if end > c.onset:
            pitches = [48 + pc for pc in parse_chord(c.symbol).pitch_classes]
            harmony.insert(c.onset, chord.Chord(pitches, quarterLength=end - c.onset))
    found = analysis.discrete.KrumhanslSchmuckler().getSolution(stream.Score([melody, harmony]))
    return spelled_key(found.tonic.pitchClass, found.mode)


def parses(sheet: LeadSheet) -> bool:
    from musicui.core.arrangement import basic_arrangement
    from musicui.core.midi import arrangement_midi_bytes, read_midi

    try:
        again = parse_abc(write_abc(sheet))
        read_midi(arrangement_midi_bytes(basic_arrangement(sheet)))
        return bool(sheet.notes) and len(again.notes) == len(sheet.notes)
    except Exception:
        return False


def same_bars(a: LeadSheet, b: LeadSheet, bars: list[int]) -> bool:
    def notes(sheet: LeadSheet, bar: int):
        start, stop = sheet.bar_range(bar, bar)
        return [(n.pitch, n.onset, n.duration) for n in sheet.notes if start - EPSILON <= n.onset < stop - EPSILON]
    return all(notes(a, bar) == notes(b, bar) for bar in bars)


@torch.no_grad()
def body_nll(folder: Path, records: list[dict], unconditional: bool) -> float:
    """Mean per-token negative log-likelihood of the first 8 bars' body tokens."""
    from musicui.model.vocab import split_bars

    composer = Composer(folder)
    model, vocab = composer.model, composer.vocab
    from musicui.model.text_encoder import shared_encoder
    total, count = 0.0, 0
    for record in records:
        sheet = LeadSheet.from_dict(record["sheet"])
        sheet = sheet.slice_bars(0, min(sheet.num_bars, 8) - 1)
        ids = composer.tokenizer.encode(sheet, record["controls"])
        head, bars = split_bars(ids, vocab)
        if unconditional:
            head = [vocab.id("BOS"), vocab.id("SEP")]
        body = [t for bar in bars for t in bar] + [vocab.id("EOS")]
        sequence = torch.tensor([head + body])
        caption = "" if unconditional else record["captions"][0]["text"]
        encoded = shared_encoder().encode(caption) if caption else None
        states = encoded.states[None] if encoded else torch.zeros(1, 1, EMBEDDING_DIM)
        mask = encoded.mask[None] if encoded else torch.zeros(1, 1, dtype=torch.bool)
        labels = sequence.clone()
        labels[0, : len(head)] = -100
        loss = model(sequence, states, mask, labels=labels).loss
        total += float(loss) * len(body)
        count += len(body)
    return total / max(count, 1)


def evaluate(folder: Path, corpus: Path, baseline: Path | None, prompts: int, candidates: int, seed: int,
             tonal_prior: bool | float = True, drafts: int | None = None) -> dict:
    composer = Composer(folder)
    test = load_split(corpus, "test")
    style_meter = StyleMeter(load_split(corpus, "validation"))
    targets = suite_targets() + caption_targets(test, prompts, seed)
    counts = {k: [0, 0] for k in ("validity", "CK", "key heard by music21 (melody and chords)", "TB", "TBT", "meter",
                                  "meter (not named: implied by a dance or guessed)", "mode", "style", "notes in key")}
    consonant = [0, 0]
    generated: list[LeadSheet] = []
    by_mood: dict[str, list[tuple[str, float]]] = {"valence": [], "arousal": []}
    started = time.time()
    for index, target in enumerate(targets):
        result = composer.compose(ComposeRequest(text=target.text, bars=8, candidates=candidates,
                                                 sampling=SamplingParams(seed=seed + index), tonal_prior=tonal_prior,
                                                 drafts=drafts))
        for sheet in result.sheets:
            ok = parses(sheet)
            counts["validity"][0] += ok
            counts["validity"][1] += 1
            if not ok:
                continue
            generated.append(sheet)
            attrs = analyse(sheet)
            measured_key, _ = krumhansl_schmuckler(sheet)
            goal_key = target.key or result.plan.key
            if target.key is not None:
                counts["CK"][0] += key_heard(target.key, measured_key)  # a mode itself: the mode measure
                counts["CK"][1] += 1
                if target.key.mode in ("major", "minor"):  # music21's analysis knows only these (the relative key fails)
                    heard = music21_key(sheet)
                    counts["key heard by music21 (melody and chords)"][0] += key_agreement(target.key, heard) == "same"
                    counts["key heard by music21 (melody and chords)"][1] += 1
            family = "minor" if goal_key.mode in ("minor", "dorian", "phrygian", "locrian") else "major"
            measured_family = "minor" if attrs.mode in ("minor", "dorian", "phrygian", "locrian") else "major"
            counts["mode"][0] += family == measured_family
            counts["mode"][1] += 1
            if target.tempo is not None:  # the beat as counted, as the caption states it (a jig's dotted quarter)
                made, asked = counted_bpm(attrs.tempo, attrs.meter), counted_bpm(target.tempo, target.meter)
                counts["TB"][0] += tempo_bin(made) == tempo_bin(asked)
                counts["TBT"][0] += abs(tempo_bin(made) - tempo_bin(asked)) <= 1
                counts["TB"][1] += 1
                counts["TBT"][1] += 1
            if target.meter is not None:
                named = parse_explicit(target.text).meter_named
                which = "meter" if named else "meter (not named: implied by a dance or guessed)"
                counts[which][0] += attrs.meter == target.meter
                counts[which][1] += 1
            if target.style is not None:
                counts["style"][0] += style_meter(attrs) == target.style
                counts["style"][1] += 1
            scale = set(goal_key.scale_pcs)
            counts["notes in key"][0] += sum(n.pitch % 12 in scale for n in sheet.notes)
            counts["notes in key"][1] += len(sheet.notes)
            good, total = consonance(sheet)
            consonant[0] += good
            consonant[1] += total
            for axis in by_mood:
                wanted = getattr(target, axis)
                if wanted in ("low", "high"):
                    by_mood[axis].append((wanted, getattr(attrs, axis)))
    minutes = (time.time() - started) / 60
    reference = [LeadSheet.from_dict(r["sheet"]) for r in test[:300]]
    mine, theirs = histograms(generated), histograms(reference)
    report = {name: (hit / total if total else None) for name, (hit, total) in counts.items()}
    report["consonance on strong beats"] = consonant[0] / max(consonant[1], 1)
    for axis, pairs in by_mood.items():
        lows = [v for w, v in pairs if w == "low"]
        highs = [v for w, v in pairs if w == "high"]
        wins = sum(h > l for h in highs for l in lows)
        report[f"{axis} direction"] = wins / max(len(highs) * len(lows), 1) if lows and highs else None
    report.update({f"OA {name}": overlap(mine[name], theirs[name]) for name in mine})
    report.update(heard_accuracy(composer))
    report.update(constraints(composer, test, seed))
    records = test[:150]
    report["NLL (this model)"] = body_nll(folder, records, unconditional=False)
    report["NLL (unconditional baseline)"] = body_nll(baseline, records, unconditional=True) if baseline else None
    report["prompts"] = len(targets)
    report["candidates per prompt"] = candidates
    report["minutes"] = round(minutes, 1)
    return report


def heard_accuracy(composer: Composer) -> dict:
    """Text -> attributes on the free-form prompt suite (paraphrases unlike the caption templates):
    explicit words parsed, the rest from the attribute head."""
    hits: dict[str, list[int]] = {}
    for item in json.loads(SUITE.read_text()):
        chosen = composer.plan(item["text"])
        checks = {"key": item.get("key") and Key.parse(item["key"]) == chosen.key,
                  "tempo bin": item.get("tempo") and tempo_bin(chosen.tempo) == tempo_bin(item["tempo"]),
                  "meter": item.get("meter") and str(chosen.meter) == item["meter"],
                  "style": item.get("style") and chosen.style == item["style"],
                  "valence": item.get("valence") and chosen.valence == item["valence"],
                  "arousal": item.get("arousal") and chosen.arousal == item["arousal"]}
        for name, label in (("key", "key"), ("tempo bin", "tempo"), ("meter", "meter"), ("style", "style"),
                            ("valence", "valence"), ("arousal", "arousal")):
            if item.get(label):
                hits.setdefault(name, [0, 0])
                hits[name][0] += bool(checks[name])
                hits[name][1] += 1
    return {f"heard {name} (prompt suite)": hit / total for name, (hit, total) in hits.items()}


def constraints(composer: Composer, test: list[dict], seed: int) -> dict:
    kept = {"continuation keeps the seed": [0, 0], "infill keeps the outside bars": [0, 0],
            "lyric note counts": [0, 0]}
    for index, record in enumerate(test[:20]):
        sheet = LeadSheet.from_dict(record["sheet"])
        if sheet.num_bars < 8:
            continue
        seed_part = sheet.slice_bars(0, 3)
        sampling = SamplingParams(seed=seed + index)
        for out in composer.compose(ComposeRequest(bars=4, candidates=2, task=Continuation(seed_part), sampling=sampling)).sheets:
            kept["continuation keeps the seed"][0] += same_bars(out, seed_part, list(range(4)))
            kept["continuation keeps the seed"][1] += 1
        eight = sheet.slice_bars(0, 7)
        for out in composer.compose(ComposeRequest(candidates=2, task=Infill(eight, 2, 4), sampling=sampling)).sheets:
            kept["infill keeps the outside bars"][0] += same_bars(out, eight, [0, 1, 4, 5, 6, 7])
            kept["infill keeps the outside bars"][1] += 1
        phrases = [Phrase(0, 2, 7 + index % 4), Phrase(2, 4, 5 + index % 3)]
        for out in composer.compose(ComposeRequest(text="a song", bars=4, candidates=2, phrases=phrases,
                                                   sampling=sampling)).sheets:
            bar = out.bar_beats  # no pickup here: bar k spans [k * bar, (k + 1) * bar)
            ok = all(sum(p.first_bar * bar - EPSILON <= n.onset < p.stop_bar * bar - EPSILON for n in out.notes) == p.notes
                     for p in phrases)
            kept["lyric note counts"][0] += ok
            kept["lyric note counts"][1] += 1
    return {name: hit / total if total else None for name, (hit, total) in kept.items()}


def markdown(report: dict, ablation: dict | None = None) -> str:
    """The evaluation as a markdown table; ``ablation`` adds a column for the decoder alone."""
    def shown(name: str, value) -> str:
        if value is None:
            return "n/a"
        if isinstance(value, float):
            return f"{value:.3f}" if "NLL" in name or value > 1 else f"{value:.1%}"
        return str(value)

    head = ["| measure | shipped (with the tonal prior) |" if ablation else "| measure | value |"]
    if ablation:
        head = ["| measure | shipped (with the tonal prior) | decoder alone |", "| --- | --- | --- |"]
    else:
        head.append("| --- | --- |")
    rows = [f"| {name} | {shown(name, value)} |" + (f" {shown(name, ablation.get(name))} |" if ablation else "")
            for name, value in report.items()]
    return "\n".join(head + rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m musicui.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--baseline", type=Path, help="the unconditional baseline's checkpoint folder")
    parser.add_argument("--prompts", type=int, default=60, help="held-out captions besides the prompt suite")
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--card", action="store_true", help="write the table into the checkpoint's MODEL_CARD.md")
    parser.add_argument("--no-tonal-prior", action="store_true",
                        help="the decoder alone: no key, chord-tone and home-ending pulls (an ablation)")
    parser.add_argument("--musicality", action="store_true",
                        help="only the musicality table: takes against held-out human tunes, Markov and shuffled bars")
    parser.add_argument("--dev", action="store_true",
                        help="with --musicality: the dev prompts, for tuning decoding (musicality-dev.json, never the card)")
    parser.add_argument("--form", default="none", help="with --musicality: write the takes to this form (auto: the style's)")
    parser.add_argument("--prior-strength", type=float, help="the tonal prior's pulls scaled by this (0: off)")
    parser.add_argument("--drafts", type=int, help="drafts per take for the critic (1: no reranking)")
    parser.add_argument("--prompt-suite", action="store_true",
                        help="only text -> plan on the user-written prompt suite (per language and attribute)")
    parser.add_argument("--idea-distance", action="store_true",
                        help="only how far apart four ideas are with every attribute fixed (against human tunes)")
    args = parser.parse_args(argv)
    if args.idea_distance:
        write_idea_distance(args.checkpoint, args.corpus, args.seed, args.candidates, args.card)
        return
    if args.prompt_suite:
        from musicui.model import prompt_eval

        suite = prompt_eval.prompt_suite_report(Composer(args.checkpoint))
        (args.checkpoint / "prompt_suite.json").write_text(json.dumps(suite, indent=1))
        table = prompt_eval.markdown(suite)
        print(table)
        if args.card:
            write_card_section(args.checkpoint / "MODEL_CARD.md", "prompt suite", table)
        return
    if args.musicality:
        write_musicality(args.checkpoint, args.corpus, args.candidates, args.seed, _prior(args), args.card,
                         args.form, args.drafts, args.dev)
        return
    report = evaluate(args.checkpoint, args.corpus, args.baseline, args.prompts, args.candidates, args.seed,
                      tonal_prior=_prior(args), drafts=args.drafts)
    name = ("evaluation-no-tonal-prior.json" if args.no_tonal_prior else "evaluation.json" if args.prior_strength is None
            else f"evaluation-prior-{args.prior_strength:g}.json")
    if args.drafts is not None:
        name = name.replace(".json", f"-drafts-{args.drafts}.json")
    (args.checkpoint / name).write_text(json.dumps(report, indent=1))
    ablation_file = args.checkpoint / "evaluation-no-tonal-prior.json"
    ablation = json.loads(ablation_file.read_text()) if ablation_file.exists() and not args.no_tonal_prior else None
    table = markdown(report, ablation)
    print(table)
    if args.card:
        write_card_section(args.checkpoint / "MODEL_CARD.md", "evaluation", table)
        if (args.checkpoint / "training.json").exists():
            write_card_section(args.checkpoint / "MODEL_CARD.md", "training",
                               training_markdown(json.loads((args.checkpoint / "training.json").read_text())))


def write_idea_distance(checkpoint: Path, corpus: Path, seed: int, candidates: int, card: bool) -> None:
    """The four ideas' pairwise melodic distance with everything fixed, by the studio's own compose."""
    import os

    from musicui.model import idea_distance
    from musicui.model.composer import CHECKPOINT_VAR

    os.environ[CHECKPOINT_VAR] = str(checkpoint)
    report = idea_distance.idea_distances(seed, candidates)
    human = idea_distance.human_reference(load_split(corpus, "test"), seed=seed) if (corpus / "test.jsonl.gz").exists() \
        else None
    (checkpoint / "idea_distance.json").write_text(json.dumps({"ideas": report, "human": human}, indent=1))
    table = idea_distance.markdown(report, human)
    print(table)
    if card:
        write_card_section(checkpoint / "MODEL_CARD.md", "idea distance", table)


def training_markdown(summary: dict) -> str:
    """The card's training section: the config, tokens, throughput and the validation-loss curve."""
    c, history = summary["config"], summary["history"]
    start = history[0]
    lines = [f"- config `{c['name']}`: {c['n_layer']} layers, {c['n_head']} heads, width {c['n_embd']}, "
             f"context {c['n_positions']}; " + (f"batches of {c['batch_tokens']} tokens (windows bucketed by length), "
                                                 if "batch_tokens" in c else f"batches of {c['batch_size']} windows, ") +
             f"peak learning rate {c['learning_rate']}, {c['max_steps']} steps",
             f"- {summary['tokens_seen'] / 1e6:.1f}M real (non-padding) tokens seen"
             + (f", starting from `{start['init']}` ({start['tokens'] / 1e6:.1f}M of them)" if "init" in start else "")
             + f"; {summary['minutes']:.0f} minutes on {summary['device']}; "
             f"{summary.get('session_tokens_per_s', '?')} real tokens/s in the last run",
             f"- best validation loss {summary['best_valid_loss']:.4f}",
             "", "| step | tokens seen | validation loss | train loss | real tokens/s |", "|---|---|---|---|---|"]
    for row in history:
        lines.append(f"| {row['step']} | {row.get('tokens', 0) / 1e6:.2f}M | {row['valid_loss']:.3f} | "
                     f"{row.get('train_loss', float('nan')):.3f} | {row.get('tokens_per_s', '')} |")
    phrases = f" ({c['phrase_windows']:.0%} whole 4-bar phrases)" if "phrase_windows" in c else ""  # older runs: not kept
    lines.append(f"\n- windows of {c['window_bars']} bars{phrases}, text "
                 f"dropout {c['text_dropout']} (classifier-free guidance), fill-in-the-middle share {c['infill_rate']}, "
                 "random transposition")
    return "\n".join(lines)


def _prior(args) -> bool | float:
    """--no-tonal-prior, --prior-strength X, or the composer's default."""
    return False if args.no_tonal_prior else (args.prior_strength if args.prior_strength is not None else True)


def write_card_section(card: Path, name: str, text: str) -> None:
    """Put ``text`` between the card's <!-- name --> markers (added at the end when missing)."""
    old = card.read_text() if card.exists() else "# Model card\n"
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if start not in old:
        old = old.rstrip() + f"\n\n{start}\n{end}\n"
    head, _, rest = old.partition(start)
    _, _, tail = rest.partition(end)
    card.write_text(f"{head}{start}\n{text}\n{end}{tail}")


def write_musicality(folder: Path, corpus: Path, candidates: int, seed: int, tonal_prior: bool | float, card: bool,
                     form: str = "none", drafts: int | None = None, dev: bool = False) -> dict:
    """The musicality evaluation (musicui.model.musicality_eval), as JSON, a table, and in the card."""
    import os

    from musicui.model import musicality_eval as M
    from musicui.model.composer import CHECKPOINT_VAR

    os.environ[CHECKPOINT_VAR] = str(folder)  # the studio's compose (with a form) reads this checkpoint too
    composer = Composer(folder)
    report = M.evaluate_musicality(composer, load_split(corpus, "train"), load_split(corpus, "test"),
                                   load_split(corpus, "validation"), candidates=min(candidates, 3), seed=seed,
                                   tonal_prior=tonal_prior, form=form, drafts=drafts, dev=dev)
    suffix = (("" if tonal_prior else "-no-tonal-prior") + ("" if tonal_prior in (True, False) else f"-prior-{tonal_prior:g}")
              + ("" if form == "none" else f"-form-{form}")
              + ("" if drafts is None else f"-drafts-{drafts}") + ("-dev" if dev else ""))
    (folder / f"musicality{suffix}.json").write_text(json.dumps(report, indent=1))
    table = M.markdown(report)
    print(table)
    if card and not dev:
        write_card_section(folder / "MODEL_CARD.md", "musicality" + suffix, table)
    return report


if __name__ == "__main__":
    main()
