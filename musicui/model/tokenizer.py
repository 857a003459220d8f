"""Event tokens for lead sheets, compact enough for an 8-bar melody with chords in ~100-150 tokens.

Sequence: ``BOS`` + control tokens (key, mode, meter, tempo, style, tune type, valence, arousal,
length, pickup) + ``SEP`` + body + ``EOS``. The body walks a time cursor through the bars:

* ``Bar``                   the next bar starts; the cursor moves to its start
* ``Pos_p``                 move the cursor to p/12 beats after the bar start (chord under a held note)
* ``Rest`` ``Dur_d``        silence of d/12 beats from the cursor
* ``Root_r`` ``Qual_q`` [``Bass_b``]  a chord symbol at the cursor
* ``Pitch_m`` [``Dur_d``]   a note at the cursor; the duration is left out when it equals the previous
                            note's (as ABC's unit length), the cursor moves to the note's end

Durations longer than the largest Dur token are written as several Dur tokens that add up.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from musicui.core.chords import QUALITIES, ParsedChord, parse_chord, spell
from musicui.core.leadsheet import GRID, MODES, PITCH_NAMES_FLAT, PITCH_NAMES_SHARP, ChordSymbol, Key, LeadSheet, \
    Meter, Note

STYLES = ("folk", "chorale", "pop")
TUNE_TYPES = ("reel", "jig", "slip jig", "hornpipe", "air", "waltz", "march", "polka", "strathspey", "slide",
              "set dance", "schottische", "mazurka", "minuet", "gavotte", "country dance", "morris dance",
              "barn dance", "quadrille", "song", "carol", "folk tune", "folk song", "ballad", "children's song",
              "mountain song", "work song", "ditty", "yangge dance song", "chorale", "pop song")
LEVELS = ("low", "mid", "high")
LENGTH_BINS = (4, 8, 16, 32, 64, 128, 100000)  # upper bounds in bars


def _default_durations() -> list[int]:
    return list(range(1, 25)) + [27, 30, 32, 33, 36, 42, 45, 48, 54, 60, 72, 84, 96]


@dataclass
class TokenizerConfig:
    pitch_low: int = 21
    pitch_high: int = 108
    durations: list[int] = field(default_factory=_default_durations)  # in 1/GRID beats
    max_bar_ticks: int = 16 * GRID  # positions 0..max-1 within a bar (bars up to 16 quarter beats)
    tempo_low: int = 40
    tempo_high: int = 240
    tempo_step: int = 4
    meters: list[str] = field(default_factory=lambda: [f"{n}/{d}" for d in (1, 2, 4, 8, 16) for n in range(1, 17)])
    qualities: list[str] = field(default_factory=lambda: list(QUALITIES))
    styles: list[str] = field(default_factory=lambda: list(STYLES))
    tune_types: list[str] = field(default_factory=lambda: list(TUNE_TYPES))
    omit_repeated_durations: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


def tempo_token_value(bpm: float, config: TokenizerConfig) -> int:
    value = round(bpm / config.tempo_step) * config.tempo_step
    return int(min(config.tempo_high, max(config.tempo_low, value)))


def chord_tokens(symbol: str) -> list[str]:
    """A chord symbol's tokens: its root, its quality and, for a slash chord, its bass."""
    p = parse_chord(symbol)
    return [f"Root_{p.root}", f"Qual_{p.quality or 'maj'}"] + ([f"Bass_{p.bass}"] if p.bass not in (None, p.root) else [])


def length_bin(bars: int) -> int:
    return next(i for i, upper in enumerate(LENGTH_BINS) if bars <= upper)


class LeadSheetTokenizer:
    def __init__(self, config: TokenizerConfig | None = None):
        self.config = config or TokenizerConfig()
        c = self.config
        vocab = ["PAD", "BOS", "SEP", "EOS", "Bar", "Rest", "Pickup", "UNK"]
        vocab += [f"Key_{i}" for i in range(12)] + [f"Mode_{m}" for m in MODES]
        vocab += [f"Meter_{m}" for m in c.meters]
        vocab += [f"Tempo_{t}" for t in range(c.tempo_low, c.tempo_high + 1, c.tempo_step)]
        vocab += [f"Style_{s}" for s in c.styles] + [f"Type_{t}" for t in c.tune_types]
        vocab += [f"Valence_{v}" for v in LEVELS] + [f"Arousal_{a}" for a in LEVELS]
        vocab += [f"Length_{i}" for i in range(len(LENGTH_BINS))]
        vocab += [f"Pos_{p}" for p in range(c.max_bar_ticks)]
        vocab += [f"Pitch_{p}" for p in range(c.pitch_low, c.pitch_high + 1)]
        vocab += [f"Dur_{d}" for d in c.durations]
        vocab += [f"Root_{r}" for r in range(12)] + [f"Qual_{q or 'maj'}" for q in c.qualities]
        vocab += [f"Bass_{b}" for b in range(12)]
        self.vocab = vocab
        self.index = {t: i for i, t in enumerate(vocab)}
        self._durs_desc = sorted(c.durations, reverse=True)

    # ---------------------------------------------------------------- helpers
    def __len__(self) -> int:
        return len(self.vocab)

    @property
    def pad_id(self) -> int:
        return self.index["PAD"]

    def ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self.vocab[i] for i in ids]

    def _dur_tokens(self, ticks: int) -> list[str]:
        out = []
        remaining = ticks
        while remaining > 0:
            d = next(d for d in self._durs_desc if d <= remaining)
            out.append(f"Dur_{d}")
            remaining -= d
        return out

    def control_tokens(self, sheet: LeadSheet, controls: dict | None = None) -> list[str]:
        """Key/mode/meter/tempo/length from the sheet; style, tune type and mood bins from ``controls``."""
        controls = controls or {}
        c = self.config
        toks = [f"Key_{sheet.key.tonic_pc}", f"Mode_{sheet.key.mode}"]
        meter = str(sheet.meter)
        toks.append(f"Meter_{meter}" if meter in c.meters else "UNK")
        toks.append(f"Tempo_{tempo_token_value(sheet.tempo, c)}")
        if controls.get("style") in c.styles:
            toks.append(f"Style_{controls['style']}")
        if controls.get("tune_type") in c.tune_types:
            toks.append(f"Type_{controls['tune_type']}")
        if controls.get("valence") in LEVELS:
            toks.append(f"Valence_{controls['valence']}")
        if controls.get("arousal") in LEVELS:
            toks.append(f"Arousal_{controls['arousal']}")
        toks.append(f"Length_{length_bin(sheet.num_bars)}")
        pickup = round(sheet.pickup * GRID)
        if pickup > 0:
            toks += ["Pickup"] + self._dur_tokens(pickup)
        return toks

    # ---------------------------------------------------------------- encode
    def encode_tokens(self, sheet: LeadSheet, controls: dict | None = None) -> list[str]:
        c = self.config
        toks = ["BOS"] + self.control_tokens(sheet, controls) + ["SEP"]
        events = []  # (tick, order, kind, payload)
        for ch in sheet.chords:
            events.append((round(ch.onset * GRID), 0, "chord", ch.symbol))
        for n in sheet.notes:
            events.append((round(n.onset * GRID), 1, "note", n))
        events.sort(key=lambda e: (e[0], e[1]))
        bar_starts = [round(b * GRID) for b in sheet.bar_starts()]
        bar_ends = bar_starts[1:] + [round(sheet.end_beats * GRID)]
        ei = 0
        prev_dur = None
        last_end = 0
        for start, stop in zip(bar_starts, bar_ends):
            toks.append("Bar")
            cursor = start
            while ei < len(events) and events[ei][0] < stop:
                tick, _, kind, payload = events[ei]
                if tick > cursor:
                    if cursor >= last_end:
                        toks += ["Rest"] + self._dur_tokens(tick - cursor)
                    else:
                        toks.append(f"Pos_{tick - start}")
                    cursor = tick
                elif tick < cursor:  # cannot happen for a monophonic line; kept for safety
                    toks.append(f"Pos_{tick - start}")
                    cursor = tick
                if kind == "chord":
                    toks += chord_tokens(payload)
                else:
                    n: Note = payload
                    pitch = min(c.pitch_high, max(c.pitch_low, n.pitch))
                    toks.append(f"Pitch_{pitch}")
                    dur = round(n.duration * GRID)
                    if dur != prev_dur or not c.omit_repeated_durations:
                        toks += self._dur_tokens(dur)
                    prev_dur = dur
                    cursor = tick + dur
                    last_end = cursor
                ei += 1
        toks.append("EOS")
        return toks

    def encode(self, sheet: LeadSheet, controls: dict | None = None) -> list[int]:
        unk = self.index["UNK"]
        return [self.index.get(t, unk) for t in self.encode_tokens(sheet, controls)]

    # ---------------------------------------------------------------- decode
    def decode(self, ids: list[int], tempo: float | None = None, title: str = "") -> LeadSheet:
        return self.decode_tokens(self.ids_to_tokens(ids), tempo, title)

    def decode_tokens(self, toks: list[str], tempo: float | None = None, title: str = "") -> LeadSheet:
        """Tokens -> lead sheet. Tolerant of model output: unknown or misplaced tokens are skipped."""
        tonic, mode, meter, bpm, pickup = 0, "major", Meter(), 120.0, 0
        i = 0
        if toks and toks[0] == "BOS":
            i = 1
        while i < len(toks) and toks[i] != "SEP":
            t = toks[i]
            if t.startswith("Key_"):
                tonic = int(t[4:])
            elif t.startswith("Mode_"):
                mode = t[5:]
            elif t.startswith("Meter_"):
                meter = Meter.parse(t[6:])
            elif t.startswith("Tempo_"):
                bpm = float(t[6:])
            elif t == "Pickup":
                pickup = 0
                while i + 1 < len(toks) and toks[i + 1].startswith("Dur_"):
                    i += 1
                    pickup += int(toks[i][4:])
            i += 1
        key_probe = Key(PITCH_NAMES_SHARP[tonic], mode)
        flats = key_probe.prefers_flats or key_probe.sharps > 6
        key = Key((PITCH_NAMES_FLAT if flats else PITCH_NAMES_SHARP)[tonic], mode)
        bar_ticks = round(meter.bar_beats * GRID)
        i += 1
        bar = -1
        bar_start = 0
        cursor = 0
        prev_dur = GRID // 2
        notes: list[Note] = []
        chords: list[ChordSymbol] = []

        def read_durs(j: int) -> tuple[int, int]:
            total = 0
            while j < len(toks) and toks[j].startswith("Dur_"):
                total += int(toks[j][4:])
                j += 1
            return total, j

        while i < len(toks):
            t = toks[i]
            if t == "EOS":
                break
            if t == "Bar":
                bar += 1
                if bar == 0:
                    bar_start = 0
                elif bar == 1 and pickup:
                    bar_start = pickup
                else:
                    bar_start = bar_start + bar_ticks if not (bar == 1 and not pickup) else bar_ticks
                cursor = bar_start
                i += 1
            elif t.startswith("Pos_"):
                cursor = bar_start + int(t[4:])
                i += 1
            elif t == "Rest":
                d, i = read_durs(i + 1)
                cursor += d
            elif t.startswith("Root_"):
                root = int(t[5:])
                quality, bass = "", None
                i += 1
                if i < len(toks) and toks[i].startswith("Qual_"):
                    quality = toks[i][5:]
                    quality = "" if quality == "maj" else quality
                    i += 1
                if i < len(toks) and toks[i].startswith("Bass_"):
                    bass = int(toks[i][5:])
                    i += 1
                chords.append(ChordSymbol(cursor / GRID, spell(ParsedChord(root, quality if quality in QUALITIES
                                                                            else "", bass), flats)))
            elif t.startswith("Pitch_"):
                pitch = int(t[6:])
                d, i = read_durs(i + 1)
                if d == 0:
                    d = prev_dur
                prev_dur = d
                notes.append(Note(pitch, cursor / GRID, d / GRID))
                cursor += d
            else:
                i += 1
        return LeadSheet(notes=notes, chords=chords, key=key, meter=meter, tempo=tempo or bpm, title=title,
                         pickup=pickup / GRID)

    # ---------------------------------------------------------------- persistence
    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "tokenizer_config.json").write_text(json.dumps(self.config.to_dict(), indent=1))
        (folder / "vocab.json").write_text(json.dumps(self.index, indent=0))

    @classmethod
    def load(cls, folder: Path) -> LeadSheetTokenizer:
        config = TokenizerConfig(**json.loads((Path(folder) / "tokenizer_config.json").read_text()))
        return cls(config)


def canonical(sheet: LeadSheet, tempo_config: TokenizerConfig | None = None) -> LeadSheet:
    """The corpus form of a sheet: what the tokenizer represents exactly (tempo on the token grid,
    pitches in range, chords re-spelled for the key, velocities and lyrics dropped)."""
    c = tempo_config or TokenizerConfig()
    flats = sheet.key.prefers_flats or sheet.key.sharps > 6
    chords = []
    for ch in sheet.chords:
        try:
            chords.append(ChordSymbol(ch.onset, spell(parse_chord(ch.symbol), flats)))
        except ValueError:
            continue
    notes = [Note(n.pitch, n.onset, n.duration) for n in sheet.notes]
    meter = sheet.meter
    if str(meter) not in c.meters or meter.bar_beats * GRID > c.max_bar_ticks:
        meter = Meter(4, 4)  # a handful of free-metre Essen tunes (19/8 ...): bar lines every 4 beats
    out = sheet.copy(notes=notes, chords=chords, meter=meter, tempo=float(tempo_token_value(sheet.tempo, c)))
    return out.quantized()


def same_sheet(a: LeadSheet, b: LeadSheet) -> str | None:
    """None when equal for the tokenizer's purposes, else a description of the first difference."""
    if a.key.tonic_pc != b.key.tonic_pc or a.key.mode != b.key.mode:
        return f"key {a.key} != {b.key}"
    if str(a.meter) != str(b.meter):
        return f"meter {a.meter} != {b.meter}"
    if abs(a.tempo - b.tempo) > 1e-6:
        return f"tempo {a.tempo} != {b.tempo}"
    if abs(a.pickup - b.pickup) > 1e-6:
        return f"pickup {a.pickup} != {b.pickup}"
    if len(a.notes) != len(b.notes):
        return f"{len(a.notes)} notes != {len(b.notes)}"
    for x, y in zip(a.notes, b.notes):
        if x.pitch != y.pitch or abs(x.onset - y.onset) > 1e-6 or abs(x.duration - y.duration) > 1e-6:
            return f"note {x} != {y}"
    if len(a.chords) != len(b.chords):
        return f"{len(a.chords)} chords != {len(b.chords)}"
    for x, y in zip(a.chords, b.chords):
        if abs(x.onset - y.onset) > 1e-6 or parse_chord(x.symbol) != parse_chord(y.symbol):
            return f"chord {x} != {y}"
    return None


def transpositions(sheet: LeadSheet, low: int = 36, high: int = 96) -> list[tuple[int, LeadSheet]]:
    """The sheet in all 12 keys (shift in -6..+5, or the octave-adjusted shift that stays within
    [low, high]); the key, its spelling and the chord symbols follow. Keys that cannot fit are skipped."""
    if not sheet.notes:
        return [(0, sheet)]
    lo, hi = min(n.pitch for n in sheet.notes), max(n.pitch for n in sheet.notes)
    out = []
    for k in range(-6, 6):
        candidates = sorted((k + 12 * o for o in (-1, 0, 1)), key=abs)
        for shift in candidates:
            if lo + shift >= low and hi + shift <= high:
                out.append((shift, sheet.transpose(shift) if shift else sheet.copy()))
                break
    return out
