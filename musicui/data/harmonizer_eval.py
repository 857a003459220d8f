"""The harmonizer measured on held-out tunes with chords: beat accuracy against two baselines
(the tonic chord throughout; the diatonic triad covering most of each segment)."""

from __future__ import annotations

from collections import defaultdict

from musicui.core.chords import ParsedChord, parse_chord, spell
from musicui.core.harmonizer import FAMILY, HMMHarmonizer, chord_at, segment_length, segment_profile, segments
from musicui.core.leadsheet import EPSILON, ChordSymbol, Key, LeadSheet
from musicui.core.theory import mode_family


def tonic_baseline(sheet: LeadSheet, style: str | None = None) -> LeadSheet:
    q = "" if mode_family(sheet.key) == "major" else "m"
    symbol = spell(ParsedChord(sheet.key.tonic_pc, q), sheet.key.prefers_flats)
    return sheet.copy(chords=[ChordSymbol(0.0, symbol)])


def diatonic_triads(key: Key) -> list[tuple[int, str]]:
    scale = key.scale_pcs
    out = []
    for i, root in enumerate(scale):
        third, fifth = scale[(i + 2) % 7], scale[(i + 4) % 7]
        t, f = (third - root) % 12, (fifth - root) % 12
        quality = {(4, 7): "", (3, 7): "m", (3, 6): "dim", (4, 8): "aug"}.get((t, f), "")
        out.append((root, quality))
    return out


def coverage_baseline(sheet: LeadSheet, style: str | None = None) -> LeadSheet:
    """Per segment, the diatonic triad covering the most melody (ties: the earlier scale degree)."""
    triads = diatonic_triads(sheet.key)
    chords: list[ChordSymbol] = []
    for a, b in segments(sheet, segment_length(sheet, style)):
        prof = segment_profile(sheet, a, b)
        best = max(range(7), key=lambda i: (sum(prof[(triads[i][0] + x) % 12] for x in
                                                 ((0, 4, 7) if triads[i][1] == "" else (0, 3, 7) if triads[i][1] == "m"
                                                  else (0, 3, 6) if triads[i][1] == "dim" else (0, 4, 8))), -i))
        symbol = spell(ParsedChord(triads[best][0], triads[best][1]), sheet.key.prefers_flats)
        if not chords or chords[-1].symbol != symbol:
            chords.append(ChordSymbol(a, symbol))
    return sheet.copy(chords=chords)


def beat_accuracy(reference: LeadSheet, predicted: LeadSheet) -> tuple[int, int, int]:
    """(beats compared, root correct, root+quality-family correct), one comparison per quarter beat."""
    n = root_ok = full_ok = 0
    t = 0.0
    end = reference.end_beats
    while t < end - EPSILON:
        ref, pred = chord_at(reference, t), chord_at(predicted, t)
        if ref and pred:
            try:
                r, p = parse_chord(ref), parse_chord(pred)
            except ValueError:
                t += 1
                continue
            n += 1
            if r.root == p.root:
                root_ok += 1
                if FAMILY.get(r.quality, "") == FAMILY.get(p.quality, ""):
                    full_ok += 1
        t += 1.0
    return n, root_ok, full_ok


def evaluate(model: HMMHarmonizer, tunes: list[tuple[LeadSheet, str]]) -> dict:
    """Accuracy table per style and overall for the HMM and the two baselines."""
    methods = {"hmm": lambda s, st: model.harmonize(s, st), "tonic triad": tonic_baseline,
               "most-covering diatonic triad": coverage_baseline}
    table: dict[str, dict[str, dict[str, float]]] = {}
    groups = defaultdict(list)
    for sheet, style in tunes:
        groups[style].append((sheet, style))
        groups["all"].append((sheet, style))
    for group, items in groups.items():
        table[group] = {}
        for name, fn in methods.items():
            n = r = f = 0
            for sheet, style in items:
                a, b, c = beat_accuracy(sheet, fn(sheet, style))
                n, r, f = n + a, r + b, f + c
            table[group][name] = {"tunes": len(items), "beats": n, "root": round(r / max(1, n), 4),
                                  "root+quality": round(f / max(1, n), 4)}
    return table
