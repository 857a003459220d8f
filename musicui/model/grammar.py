"""Grammar-constrained decoding: at each step only the tokens that keep the lead sheet valid.

Bars are filled exactly to the meter (notes and rests never cross the bar line), chords sit on
beats, every Rest and Root gets its Dur and Qual, and the piece ends after the asked-for number of
bars. Optional hard constraints: stay in a scale, an exact note count per phrase (lyrics), a rhythm
template (vary the pitches, keep the rhythm). Every sequence the sampler can produce decodes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path

import torch

from musicui.core.chords import QUALITIES
from musicui.core.leadsheet import GRID
from musicui.core.theory import KK_MAJOR, KK_MINOR
from musicui.model.vocab import ModelVocab

SIXTEENTH = GRID // 4


@dataclass
class Phrase:
    """Bars [first_bar, stop_bar) must hold exactly ``notes`` notes (one per lyric syllable).

    ``stresses`` (one per note, optional) softly puts stressed syllables on strong beats; with them
    the phrase's last syllable lasts a pulse or more (``long_end``), where the bars leave room."""
    first_bar: int
    stop_bar: int
    notes: int
    stresses: tuple[bool, ...] = ()
    long_end: bool = True  # with stresses: the phrase's last note a pulse or longer


STRESS_ON_BEAT = 2.5  # log-odds for a duration that lands a stressed syllable on the downbeat
STRESS_BY_WEIGHT = (0.0, 0.5, 0.8, 1.0)  # ... a share of it by the onset's metric weight (off beat .. downbeat)
UNSTRESSED_OFF_BEAT = 0.5  # ... an unstressed one on a weak beat or off the beat
UNSTRESSED_ON_STRONG = -1.0  # ... and on the downbeat or the bar's middle beat
LONG_PHRASE_END = 1.5  # a phrase's last note held two pulses or more
PACING = 3.0  # log-odds against a length that leaves the phrase's later syllables under half a pulse each


@dataclass
class Constraints:
    bars: int  # bars to write in total (the pickup bar counts when there is one)
    bar_ticks: int
    pulse_ticks: int
    pickup_ticks: int = 0
    scale_pcs: tuple[int, ...] | None = None  # allowed pitch classes (stay in key)
    pitch_range: tuple[int, int] = (48, 93)
    phrases: list[Phrase] = field(default_factory=list)
    rhythm_template: list[str] | None = None  # body tokens whose non-pitch tokens are kept
    contour: list[int] | None = None  # with a rhythm template: -1/0/1, each note's direction from the one before
    melody_template: list[str] | None = None  # harmonize: these melody tokens exactly, chords free between them
    first_bar: int = 0  # bar index where generation starts (continuation and infill)
    min_note_ticks: int = SIXTEENTH
    tonal: TonalPrior | None = None  # soft pulls toward the key, the chord and a home ending
    previous_note_ticks: int = GRID // 2  # the length a note without a Dur repeats (the fixed prefix's last)
    ends_piece: bool = True  # the last bar ends the piece (the prior pulls home); False for a phrase mid-piece
    chord_template: list[ChordAt] | None = None  # over chords: exactly these chords at these ticks, nothing else
    pitch_sequence: list[int] | None = None  # re-metering: exactly these pitches in this order (the rhythm free)
    rest_bars: frozenset[int] | None = None  # bars where rests may be written (None: every bar)
    max_leap: int | None = None  # exercises: the widest interval between two notes, in semitones
    repeats: bool = True  # exercises: False forbids a note on the pitch just sung (steps only)
    lengths: frozenset[int] | None = None  # exercises: the only lengths (ticks) notes and rests may take
    final_pc: int | None = None  # exercises: the last bar's note is this pitch class (the tonic) when a step reaches it
    close_home: bool = False  # with the prior: the piece's last note is its tonic, a pulse or longer, to the bar line


@dataclass(frozen=True)
class ChordAt:
    """A chord the melody is written over: its tick from the start and its tokens."""
    tick: int
    root: str  # "Root_9"
    quality: str  # "Qual_m"
    bass: str | None = None  # "Bass_4" for a slash chord


@dataclass(frozen=True)
class TonalPrior:
    """Soft preferences added to the model's logits (log-odds), so the music says its key clearly:
    pitches weighted by the Krumhansl-Kessler profile of the key, chord tones on the beat, the tonic
    (note and chord) in the last bar. The grammar's hard rules still decide what is allowed."""
    tonic_pc: int
    minor: bool
    key_weight: float = 1.5
    chord_tone_weight: float = 1.2
    home_weight: float = 4.0
    third_weight: float = 1.0  # minor: the minor third tells it from the parallel major, so sound it
    repeat_penalty: float = 1.5  # per repetition of the same pitch in a row (no droning)
    bar_chord_weight: float = 2.0  # a chord at the start of each bar, so the harmony moves with the tune
    ending_weight: float = 2.0  # the last bar closes on a note a pulse or longer (or a rest), not a short one
    phrase_end_weight: float = 1.0  # ... and, more gently, the bar ending each four-bar phrase

    @classmethod
    def at_strength(cls, tonic_pc: int, minor: bool, strength: float = 1.0,
                    weights: dict[str, float] | None = None) -> TonalPrior:
        """Every pull scaled by ``strength`` (1: the defaults, or the checkpoint's ``weights``)."""
        base = cls(tonic_pc, minor, **(weights or {}))
        pulls = ("key_weight", "chord_tone_weight", "home_weight", "third_weight", "repeat_penalty", "bar_chord_weight",
                 "ending_weight", "phrase_end_weight")
        return replace(base, **{name: getattr(base, name) * strength for name in pulls})

    @classmethod
    def weights_from(cls, path: Path) -> dict[str, float]:
        """A checkpoint's own weights for the pulls (``tonal_prior.json``, measured for its decoder:
        a stronger decoder needs a lighter touch); {} where it has none."""
        if not path.exists():
            return {}
        fields = {f.name for f in dataclass_fields(cls)} - {"tonic_pc", "minor"}
        weights = json.loads(path.read_text())
        unknown = set(weights) - fields
        if unknown or not all(isinstance(v, (int, float)) and 0 <= v <= 10 for v in weights.values()):
            raise ValueError(f"{path}: weights must be numbers from 0 to 10 for {sorted(fields)}; got {weights}")
        return {name: float(value) for name, value in weights.items()}

    def pitch_class_bias(self) -> list[float]:
        profile = KK_MINOR if self.minor else KK_MAJOR
        mean = sum(profile) / 12
        third = (self.tonic_pc + 3) % 12 if self.minor else None
        return [self.key_weight * math.log(profile[(pc - self.tonic_pc) % 12] / mean)
                + (self.third_weight if pc == third else 0.0) for pc in range(12)]


class TokenFamilies:
    """Id tensors of each token family, built once per vocabulary."""

    def __init__(self, vocab: ModelVocab) -> None:
        self.vocab = vocab
        self.size = len(vocab)
        tokens = vocab.tokens

        def family(prefix: str) -> dict[int, int]:
            return {int(t[len(prefix):]): i for i, t in enumerate(tokens) if t.startswith(prefix) and t[len(prefix):].lstrip("-").isdigit()}

        self.pitch = family("Pitch_")
        # Musical lengths only: on the sixteenth grid or the triplet grid (no 1/12- or 5/12-beat notes).
        self.dur = {d: i for d, i in family("Dur_").items() if d % 3 == 0 or d % 2 == 0}
        self.not_dur = torch.tensor([not t.startswith("Dur_") for t in tokens])
        self.pos = family("Pos_")
        self.root = family("Root_")
        self.bass = family("Bass_")
        self.qual = [i for i, t in enumerate(tokens) if t.startswith("Qual_")]
        self.qual_intervals = {i: QUALITIES["" if t[5:] == "maj" else t[5:]] for i, t in enumerate(tokens)
                               if t.startswith("Qual_") and ("" if t[5:] == "maj" else t[5:]) in QUALITIES}
        self.bar, self.rest, self.eos = vocab.id("Bar"), vocab.id("Rest"), vocab.id("EOS")
        self.by_id = {i: t for i, t in enumerate(tokens)}
        self._prior_tables: dict[TonalPrior, PriorTables] = {}

    def prior_tables(self, prior: TonalPrior) -> PriorTables:
        if prior not in self._prior_tables:
            self._prior_tables[prior] = PriorTables(self, prior)
        return self._prior_tables[prior]


class PriorTables:
    """A tonal prior laid out over one vocabulary: the key's pull on every pitch token, the pitch ids
    of each pitch class, and the home chord's qualities."""

    def __init__(self, families: TokenFamilies, prior: TonalPrior) -> None:
        by_pc = prior.pitch_class_bias()
        self.key = torch.zeros(families.size)
        for pitch, token_id in families.pitch.items():
            self.key[token_id] = by_pc[pitch % 12]
        for pc, token_id in families.root.items():  # chord roots lean the same way, more gently
            self.key[token_id] = 0.5 * by_pc[pc]
        self.pitch_ids = [torch.tensor([i for p, i in families.pitch.items() if p % 12 == pc], dtype=torch.long)
                          for pc in range(12)]
        self.root_ids = torch.tensor(list(families.root.values()), dtype=torch.long)
        third = 3 if prior.minor else 4
        self.home_quality = torch.zeros(families.size)
        for token_id, steps in families.qual_intervals.items():
            if third in steps:
                self.home_quality[token_id] = prior.home_weight


class GrammarState:
    """One sequence's position in the grammar; ``allowed()`` lists the legal next ids."""

    def __init__(self, families: TokenFamilies, constraints: Constraints) -> None:
        self.f, self.c = families, constraints
        self.bar = constraints.first_bar - 1  # index of the bar being written
        self.bar_start = self.bar_end = self._bar_start(constraints.first_bar)
        self.cursor = self.bar_end
        self.note_start = self.note_end = self.cursor
        self.prev_dur = constraints.previous_note_ticks
        self.pending: str | None = None  # "note_dur", "rest_dur", "qual", "bass", "root"
        self.chord_ticks: set[int] = set()
        self.root: int | None = None
        self.chord_pcs: set[int] = set()
        self.finished = False
        self.template_index = 0
        self.notes_in_bar: dict[int, int] = {}
        self.pitches: list[int] = []
        chords = constraints.chord_template
        self.chords = sorted(chords or [], key=lambda c: c.tick)
        self.chord_index = sum(c.tick < self.cursor for c in self.chords)  # the next chord due
        self.placing: ChordAt | None = None  # the template chord whose quality and bass come next
        # the pitches range and key allow, listed once (the grammar asks for them at every note)
        self._allowed_pitch_ids = [i for p, i in families.pitch.items() if self._pitch_ok(p)]
        self._reach: dict[tuple[int, int], bool] = {}  # exercises: (pitch, notes between) -> home reachable
        self._placings: dict[tuple[int, int], bool] = {}  # lyrics: (ticks left in the bar, notes) -> they fit
        self._finishes: dict[int, bool] = {}  # the close: ticks left in the last bar -> it can still close home
        c = constraints
        self._closes_home = (c.close_home and c.tonal is not None and c.final_pc is None and c.lengths is None
                             and c.rhythm_template is None and c.melody_template is None and c.pitch_sequence is None
                             and c.chord_template is None and self._can_close(c.bar_ticks))

    # --- bar geometry --------------------------------------------------------------------
    def _bar_start(self, bar: int) -> int:
        if bar <= 0:
            return 0
        pickup = self.c.pickup_ticks
        return pickup + (bar - 1) * self.c.bar_ticks if pickup else bar * self.c.bar_ticks

    def _bar_length(self, bar: int) -> int:
        return self.c.pickup_ticks if bar == 0 and self.c.pickup_ticks else self.c.bar_ticks

    # --- phrase bookkeeping (lyrics) --------------------------------------------------------
    def _phrase(self) -> Phrase | None:
        return next((p for p in self.c.phrases if p.first_bar <= self.bar < p.stop_bar), None)

    def _phrase_notes_so_far(self, phrase: Phrase) -> int:
        return sum(n for b, n in self.notes_in_bar.items() if phrase.first_bar <= b < phrase.stop_bar)

    def _phrase_ticks_left(self, phrase: Phrase, from_tick: int) -> int:
        return self._bar_start(phrase.stop_bar) - from_tick

    def _notes_left(self) -> int | None:
        phrase = self._phrase()
        return None if phrase is None else phrase.notes - self._phrase_notes_so_far(phrase)

    def _fits(self, end_tick: int, notes_after: int) -> bool:
        """Whether ``notes_after`` more notes of the phrase still fit after ``end_tick`` (its last a
        pulse long, where the phrase ends long)."""
        phrase = self._phrase()
        if phrase is None:
            return True
        if self._ends_long(phrase) and phrase.stop_bar == self.bar + 1 and end_tick <= self.bar_end:
            return self._placeable(self.bar_end - end_tick, notes_after)  # the phrase's last bar: exactly
        return self._phrase_ticks_left(phrase, end_tick) >= self._ticks_for(phrase, notes_after)

    def _placeable(self, left: int, notes: int) -> bool:
        """``notes`` notes (the last a pulse or longer) and any rests fill ``left`` ticks of the bar
        with lengths the grammar has (no single tick left over)."""
        key = (left, notes)
        if key not in self._placings:
            if notes == 0:
                self._placings[key] = left == 0 or left >= 2
            else:
                shortest = self.c.pulse_ticks if notes == 1 else self.c.min_note_ticks
                leaves_room = [d for d in self.f.dur if d == left or 2 <= left - d]
                self._placings[key] = any(self._placeable(left - d, notes - 1) for d in leaves_room if d >= shortest) \
                    or any(self._placeable(left - d, notes) for d in leaves_room if d < left)  # a rest first
        return self._placings[key]

    def _ticks_for(self, phrase: Phrase, notes: int) -> int:
        """The fewest ticks the phrase's last ``notes`` notes take."""
        if notes <= 0:
            return 0
        extra = self.c.pulse_ticks - self.c.min_note_ticks if self._ends_long(phrase) else 0
        return notes * self.c.min_note_ticks + max(0, extra)

    def _ends_long(self, phrase: Phrase) -> bool:
        """A sung phrase's last syllable lasts a pulse or more (no line ends on a clipped note), when
        its bars have room for that and its other notes at their shortest."""
        if not (phrase.stresses and phrase.long_end and self.c.rest_bars is None):
            return False
        room = self._bar_start(phrase.stop_bar) - self._bar_start(phrase.first_bar)
        return room >= (phrase.notes - 1) * self.c.min_note_ticks + self.c.pulse_ticks

    def _long_enough(self, ticks: int) -> bool:
        """The length may be the sung note's: the phrase's last note in a long-ending phrase lasts a pulse."""
        phrase = self._phrase()
        if phrase is None or not self._ends_long(phrase) or self._phrase_notes_so_far(phrase) < phrase.notes:
            return True
        return ticks >= self.c.pulse_ticks

    def _can_end_at(self, tick: int, notes_after: int) -> bool:
        """An event may end at ``tick`` if it stays in the bar, the rest of the bar can still be
        filled (no single tick left over), and the phrase's remaining notes still fit."""
        left_in_bar = self.bar_end - tick
        if not self._rests_allowed() and notes_after == 0 and left_in_bar > 0 and self._phrase() is not None:
            return False  # nothing may fill the rest of the bar but notes, and the phrase has none left
        return (left_in_bar == 0 or left_in_bar >= 2) and self._fits(tick, notes_after)

    def _rests_allowed(self) -> bool:
        return self.c.rest_bars is None or self.bar in self.c.rest_bars

    # --- the rule -------------------------------------------------------------------------
    def allowed(self) -> list[int]:
        if self.finished:
            return [self.f.eos]
        if self.c.melody_template is not None:
            return self._melody_allowed()
        if self.c.rhythm_template is not None and self.template_index < len(self.c.rhythm_template):
            return self._template_allowed(self.c.rhythm_template[self.template_index])
        if self.pending == "qual":
            return [self.f.vocab.id(self.placing.quality)] if self.placing else self.f.qual
        if self.pending == "root":
            return self._roots()
        if self.pending == "rest_dur":
            left = self._notes_left() or 0
            due = self._due_tick()  # over chords, a rest ends where the next chord begins, or before
            return [i for d, i in self.f.dur.items() if self._length_ok(d) and self._can_end_at(self.cursor + d, left)
                    and (due is None or self.cursor + d <= due) and self._leaves_a_close(self.cursor + d)]
        ids: list[int] = []
        if self.pending == "note_dur":
            left = max(0, (self._notes_left() or 0))
            lengths = [(d, i) for d, i in self.f.dur.items() if self._length_ok(d) and self._can_end_at(self.note_start + d, left)
                       and self._closing_note_ok(d) and self._long_enough(d)]
            heading_home = [(d, i) for d, i in lengths if self._home_reachable_after(d)]
            ids += [i for _, i in heading_home or lengths]
            if not (self._length_ok(self.prev_dur) and self._can_end_at(self.note_start + self.prev_dur, left)
                    and self._closing_note_ok(self.prev_dur) and self._long_enough(self.prev_dur)
                    and (not heading_home or self._home_reachable_after(self.prev_dur))):
                return ids  # the duration must be written
        if self.pending == "bass":
            if self.placing is not None:
                if self.placing.bass is not None:
                    return [self.f.vocab.id(self.placing.bass)]
            else:
                ids += [i for pc, i in self.f.bass.items() if pc != self.root]
        return ids + self._events()

    def _roots(self) -> list[int]:
        if self.c.chord_template is None:
            return list(self.f.root.values())
        due = self._due_tick()  # over chords: only the chord due here
        return [self.f.vocab.id(self.chords[self.chord_index].root)] if due == self.cursor else []

    def _due_tick(self) -> int | None:
        """Over chords: the tick of the next template chord not yet written."""
        return self.chords[self.chord_index].tick if self.chord_index < len(self.chords) else None

    def _chord_events(self, cursor: int) -> list[int] | None:
        """Over chords: the one event the template demands before anything else (the due chord's
        root where the cursor is, or a jump to its tick under the held note), else None."""
        due = self._due_tick()
        reached = max(cursor, self.note_end) if self.pending != "note_dur" else cursor  # where the music has got to
        if due is None or due > min(reached, self.bar_end) or due >= self.bar_end:
            return None
        if due == cursor:
            return self._roots()
        return [self.f.pos[due - self.bar_start]]  # the chord changes under the held note

    def _events(self) -> list[int]:
        """Tokens that may start the next event at the cursor."""
        cursor = self.cursor
        if self.pending == "note_dur":
            cursor = self.note_start + self.prev_dur
        if self.c.chord_template is not None:
            demanded = self._chord_events(cursor)
            if demanded is not None:
                return demanded
        return self._free_events(cursor)

    def _free_events(self, cursor: int) -> list[int]:
        ids: list[int] = []
        over_chords = self.c.chord_template is not None
        if cursor < self.note_end:  # after a chord under a held note: more chords, or back to its end
            if not over_chords:
                ids += [self.f.pos[t - self.bar_start] for t in range(cursor + 1, self.note_end)
                        if (t - self.bar_start) % self.c.pulse_ticks == 0]
            if self.note_end < self.bar_end:
                return ids + [self.f.pos[self.note_end - self.bar_start]]
            cursor = self.bar_end
        in_bar = cursor - self.bar_start
        notes_left = self._notes_left()
        if cursor >= self.bar_end:
            phrase = self._phrase()
            phrase_done = phrase is None or self.bar + 1 < phrase.stop_bar or notes_left == 0
            if phrase_done:
                ids.append(self.f.eos if self.bar + 1 >= self.c.bars else self.f.bar)
            return ids
        left_in_bar = self.bar_end - cursor
        final_only = self._in_close() and not self._can_go_on(left_in_bar)  # the piece's last note comes now
        last_too_short = notes_left == 1 and self._ends_long(self._phrase()) and not any(
            d >= self.c.pulse_ticks and (d == left_in_bar or left_in_bar - d >= 2) for d in self.f.dur)
        if (notes_left is None or notes_left > 0) and not last_too_short:  # else a rest, and the last note later
            ids += self._home_pitch_ids() if final_only else self._next_pitch_ids()
        if (notes_left is None or any(self._can_end_at(cursor + d, notes_left) for d in self.f.dur)) \
                and self._rests_allowed() and not final_only:
            ids.append(self.f.rest)
        on_beat = in_bar % self.c.pulse_ticks == 0
        if over_chords:
            return ids  # chords only where the template puts them
        if on_beat and cursor not in self.chord_ticks:
            ids += self._roots()
        # A chord under the note just written: jump back to a beat inside it.
        for tick in range(self.note_start + 1, min(self.note_end, self.bar_end)):
            if (tick - self.bar_start) % self.c.pulse_ticks == 0 and tick not in self.chord_ticks and tick > max(self.chord_ticks, default=-1):
                ids.append(self.f.pos[tick - self.bar_start])
        return ids

    def _next_pitch_ids(self) -> list[int]:
        """The pitches the next note may take: the given sequence's next one, else any in range and
        key (within the widest leap an exercise allows of the last note)."""
        sequence = self.c.pitch_sequence
        if sequence is not None:
            return [self.f.pitch[sequence[len(self.pitches)]]] if len(self.pitches) < len(sequence) else []
        if not self.pitches or (self.c.max_leap is None and self.c.repeats and self.c.final_pc is None):
            return self._allowed_pitch_ids
        last, widest = self.pitches[-1], self.c.max_leap if self.c.max_leap is not None else 127
        ids = [(p, i) for p, i in self.f.pitch.items() if self._pitch_ok(p) and abs(p - last) <= widest
               and (self.c.repeats or p != last)]
        if self.c.final_pc is not None and self.bar >= self.c.bars - 1:
            home = [(p, i) for p, i in ids if p % 12 == self.c.final_pc]
            ids = home or ids  # the piece ends at home, if the leap allowed from the last note gets there
        elif self._approaching_home():  # the bar's last note must reach home: keep it within reach
            notes_after = (self.bar_end - self.cursor) // min(self.c.lengths or self.f.dur) - 1
            near = [(p, i) for p, i in ids if any(self._home_within(p, k) for k in range(notes_after + 1))]
            ids = near or ids
        return [i for _, i in ids]

    def _approaching_home(self) -> bool:
        """The bar before an exercise's last: its last note must be a leap the level allows from home."""
        return self.c.final_pc is not None and self.c.ends_piece and self.bar == self.c.bars - 2

    def _near_home(self, pitch: int) -> bool:
        """Home (the final pitch class, in range) is one allowed move from ``pitch``."""
        return self._home_within(pitch, 0)

    def _home_within(self, pitch: int, notes_between: int) -> bool:
        """Home can be reached from ``pitch`` with ``notes_between`` more notes on the way, each an
        allowed move (within the widest leap, no repeat unless allowed, in range and key)."""
        key = (pitch, notes_between)
        if key not in self._reach:
            widest = self.c.max_leap if self.c.max_leap is not None else 127
            moves = [q for q in range(pitch - widest, pitch + widest + 1) if self._pitch_ok(q) and (self.c.repeats or q != pitch)]
            self._reach[key] = (any(q % 12 == self.c.final_pc for q in moves) if notes_between <= 0 else
                                any(self._home_within(q, notes_between - 1) for q in moves))
        return self._reach[key]

    def _home_reachable_after(self, ticks: int) -> bool:
        """In the bar before an exercise's last, a note this long still lets the bar end on a pitch
        one move from home (always true elsewhere)."""
        if not self._approaching_home() or not self.pitches:
            return True
        left = self.bar_end - (self.note_start + ticks)
        if left <= 0:
            return self._near_home(self.pitches[-1])
        shortest = min(self.c.lengths or self.f.dur)
        return any(self._home_within(self.pitches[-1], notes) for notes in range(1, left // shortest + 1))

    # --- the piece's close (with the prior) ----------------------------------------------------
    def _in_close(self) -> bool:
        """In the piece's last bar, where its last note must be the tonic, a pulse or longer, reaching
        the bar line (a musician's final cadence: no piece stops on a short passing note)."""
        return self._closes_home and self.bar == self.c.bars - 1 and self._phrase() is None

    def _can_close(self, left: int) -> bool:
        """With ``left`` ticks of the last bar to fill, a long final note can still end it: one note
        of ``left`` ticks, or any event first and then a close."""
        if left not in self._finishes:
            self._finishes[left] = (left >= self.c.pulse_ticks and left in self.f.dur) or self._can_go_on(left)
        return self._finishes[left]

    def _can_go_on(self, left: int) -> bool:
        """Some event may come before the final note."""
        return any(self._can_close(left - d) for d in self.f.dur if 2 <= left - d)

    def _leaves_a_close(self, end_tick: int) -> bool:
        """An event (not the final note) ending at ``end_tick`` leaves room for the close."""
        return not self._in_close() or (end_tick < self.bar_end and self._can_close(self.bar_end - end_tick))

    def _closing_note_ok(self, ticks: int) -> bool:
        """The note's length keeps the close: it is the final note (the tonic, a pulse or longer, to
        the bar line), or it leaves room for one."""
        if not self._in_close() or self.note_start + ticks < self.bar_end:
            return self._leaves_a_close(self.note_start + ticks)
        tonic = self.c.tonal.tonic_pc
        return bool(self.pitches) and self.pitches[-1] % 12 == tonic and ticks >= self.c.pulse_ticks

    def _home_pitch_ids(self) -> list[int]:
        """The final note's pitches: the tonic in range (any pitch if none is, so the grammar never sticks)."""
        tonic = self.c.tonal.tonic_pc
        home = [i for p, i in self.f.pitch.items() if self._pitch_ok(p) and p % 12 == tonic]
        return home or self._next_pitch_ids()

    def _length_ok(self, ticks: int) -> bool:
        return self.c.lengths is None or ticks in self.c.lengths

    def _pitch_ok(self, pitch: int) -> bool:
        low, high = self.c.pitch_range
        if not low <= pitch <= high:
            return False
        return self.c.scale_pcs is None or pitch % 12 in self.c.scale_pcs

    def _template_allowed(self, token: str) -> list[int]:
        if token.startswith("Pitch_"):
            pitches = [(p, i) for p, i in self.f.pitch.items() if self._pitch_ok(p)]
            index = len(self.pitches)
            if self.c.contour is not None and 0 < index < len(self.c.contour):
                last, way = self.pitches[-1], self.c.contour[index]
                shaped = [i for p, i in pitches if (p > last) - (p < last) == way]
                if shaped:  # the contour wins unless the range or the key leaves no such pitch
                    return shaped
            return [i for _, i in pitches]
        if token.startswith("Root_"):
            return self._roots()
        if token.startswith("Qual_"):
            return self.f.qual
        if token.startswith("Bass_"):
            return list(self.f.bass.values())
        return [self.f.vocab.id(token)]

    def _melody_allowed(self) -> list[int]:
        """Harmonize: the next melody token as written, or a chord at the cursor (or under the held note)."""
        template = self.c.melody_template
        written = self.f.vocab.id(template[self.template_index] if self.template_index < len(template) else "EOS")
        if self.pending == "qual":
            return self.f.qual
        if self.pending == "root":
            return self._roots()
        if self.pending == "rest_dur" or (self.pending == "note_dur" and self.f.by_id[written].startswith("Dur_")):
            return [written]
        ids = [i for pc, i in self.f.bass.items() if pc != self.root] if self.pending == "bass" else []
        chords = [i for i in self._events() if self.f.by_id[i].startswith(("Root_", "Pos_"))]
        cursor = self.note_start + self.prev_dur if self.pending == "note_dur" else self.cursor
        if cursor < self.note_end:  # under a held note: more chords, or back to where it ends
            return ids + chords
        return ids + [written] + chords

    def bias(self) -> torch.Tensor | None:
        """(vocab,) log-odds from the soft preferences at this point (masked tokens ignore them)."""
        tonal, words = self._tonal_bias(), self._stress_bias()
        if words is None:
            return tonal
        return words if tonal is None else tonal + words

    def _stress_bias(self) -> torch.Tensor | None:
        """Lyrics: choose the sung note's length so the next syllable's stress meets the beat. A token
        other than a Dur keeps the previous length, so it is scored as that length."""
        phrase = self._phrase()
        if self.pending != "note_dur" or phrase is None or not phrase.stresses:
            return None
        sung = self._phrase_notes_so_far(phrase)  # this note included

        def score(ticks: int) -> float:
            if sung >= phrase.notes:  # the phrase's last note
                return LONG_PHRASE_END if phrase.long_end and ticks >= 2 * self.c.pulse_ticks else 0.0
            if sung >= len(phrase.stresses):
                return 0.0
            weight = self._metric_weight(self.note_start + ticks - self.bar_end + self.c.bar_ticks)  # a pickup ends on the downbeat
            stress = STRESS_ON_BEAT * STRESS_BY_WEIGHT[weight] if phrase.stresses[sung] else \
                UNSTRESSED_OFF_BEAT if weight <= 1 else UNSTRESSED_ON_STRONG
            return stress - PACING * self._crowding(phrase, self.note_start + ticks, phrase.notes - sung)

        row = torch.full((self.f.size,), score(self.prev_dur))
        for ticks, token_id in self.f.dur.items():
            row[token_id] = score(ticks)
        return row

    def _crowding(self, phrase: Phrase, end_tick: int, notes_after: int) -> float:
        """0 while the phrase's later syllables have half a pulse each or more, rising to 1 as their
        share shrinks to nothing: a line is sung evenly, not held long and then gabbled."""
        half = self.c.pulse_ticks / 2
        ticks = self._phrase_ticks_left(phrase, end_tick) - (self._ticks_for(phrase, 1) - self.c.min_note_ticks)
        return max(0.0, 1.0 - ticks / notes_after / half)

    def _metric_weight(self, tick_in_bar: int) -> int:
        """3 on the downbeat (or the next bar's), 2 on the middle beat of a bar of four or more even
        pulses (beat 3 of 4/4), 1 on another beat, 0 off the beat."""
        bar, pulse = self.c.bar_ticks, self.c.pulse_ticks
        tick = tick_in_bar % bar
        if tick == 0:
            return 3
        pulses = bar // pulse
        if pulses >= 4 and pulses % 2 == 0 and tick == bar // 2:
            return 2
        return 1 if tick % pulse == 0 else 0

    def _tonal_bias(self) -> torch.Tensor | None:
        prior = self.c.tonal
        if prior is None or self.finished:
            return None
        tables = self.f.prior_tables(prior)
        if self.pending == "qual":  # the home chord in its mode: Am, not A, in A minor
            return tables.home_quality if self.root == prior.tonic_pc else None
        row = tables.key.clone()
        if self.pending not in ("root", "rest_dur"):
            onset = self.note_start + self.prev_dur if self.pending == "note_dur" else self.cursor
            if (onset - self.bar_start) % self.c.pulse_ticks == 0:
                for pc in self.chord_pcs:
                    row[tables.pitch_ids[pc]] += prior.chord_tone_weight
            if self.pitches:
                last = self.pitches[-1]
                run = next((k for k, p in enumerate(reversed(self.pitches)) if p != last), len(self.pitches))
                if last in self.f.pitch:
                    row[self.f.pitch[last]] -= prior.repeat_penalty * run
        if self.pending is None and self.cursor == self.bar_start and self.cursor not in self.chord_ticks:
            row[tables.root_ids] += prior.bar_chord_weight
        if self.c.ends_piece and self.bar >= self.c.bars - 1:  # the last bar: home
            row[tables.pitch_ids[prior.tonic_pc]] += prior.home_weight
            row[self.f.root[prior.tonic_pc]] = prior.home_weight
        closing = self._closing_weight(prior)
        if closing and self.pending == "note_dur":
            self._pull_to_long_close(row, closing)
        return row

    def _closing_weight(self, prior: TonalPrior) -> float:
        """How strongly this bar should close on a long note: the piece's last bar, or a bar that
        ends a four-bar phrase (counted in full bars, after any pickup)."""
        if self.c.ends_piece and self.bar >= self.c.bars - 1:
            return prior.ending_weight
        full_bars = self.bar if self.c.pickup_ticks else self.bar + 1
        if full_bars > 0 and full_bars % 4 == 0 and self.bar < self.c.bars - 1:
            return prior.phrase_end_weight
        return 0.0

    def _pull_to_long_close(self, row: torch.Tensor, weight: float) -> None:
        """Choosing a note's length in a closing bar: a length that reaches the bar line gains
        ``weight`` when it lasts a pulse or more and loses it when shorter (a clipped ending). Tokens
        other than a Dur keep the previous length, so they are scored as that length."""
        def score(ticks: int) -> float:
            if self.note_start + ticks != self.bar_end:
                return 0.0
            return weight if ticks >= self.c.pulse_ticks else -weight

        row[self.f.not_dur] += score(self.prev_dur)
        for ticks, token_id in self.f.dur.items():
            row[token_id] += score(ticks)

    # --- moving on -----------------------------------------------------------------------
    def advance(self, token_id: int) -> None:
        token = self.f.by_id[token_id]
        if self.c.melody_template is not None:
            if self.template_index < len(self.c.melody_template) and token == self.c.melody_template[self.template_index]:
                self.template_index += 1
        elif self.c.rhythm_template is not None and self.template_index < len(self.c.rhythm_template):
            self.template_index += 1
        if self.pending == "note_dur" and not token.startswith("Dur_"):
            self._end_note(self.prev_dur)
        if token == "EOS":
            self.finished = True
        elif token == "Bar":
            self.bar += 1
            self.bar_start = self._bar_start(self.bar)
            self.bar_end = self.bar_start + self._bar_length(self.bar)
            self.cursor = self.note_start = self.note_end = self.bar_start
            self.chord_ticks = set()
            self.pending = None
        elif token.startswith("Pitch_"):
            self.pitches.append(int(token[6:]))
            self.note_start = self.cursor
            self.notes_in_bar[self.bar] = self.notes_in_bar.get(self.bar, 0) + 1
            self.pending = "note_dur"
        elif token.startswith("Dur_"):
            ticks = int(token[4:])
            if self.pending == "note_dur":
                self._end_note(ticks)
            else:  # a rest's length
                self.cursor += ticks
                self.pending = None
        elif token == "Rest":
            self.pending = "rest_dur"
        elif token.startswith("Pos_"):
            self.cursor = self.bar_start + int(token[4:])
            self.pending = "root" if self.cursor < self.note_end else None
        elif token.startswith("Root_"):
            self.root = int(token[5:])
            self.chord_ticks.add(self.cursor)
            self.pending = "qual"
            if self._due_tick() == self.cursor:
                self.placing = self.chords[self.chord_index]
                self.chord_index += 1
        elif token.startswith("Qual_"):
            self.chord_pcs = {(self.root + i) % 12 for i in self.f.qual_intervals.get(token_id, (0, 4, 7))}
            self.pending = "bass"
        elif token.startswith("Bass_"):
            self.pending = None
        if self.pending == "bass" and not token.startswith("Qual_"):
            self.pending = None
        if self.pending not in ("qual", "bass"):
            self.placing = None

    def _end_note(self, ticks: int) -> None:
        self.prev_dur = ticks
        self.note_end = self.note_start + ticks
        self.cursor = self.note_end
        self.pending = None


def bias_for(states: list[GrammarState], vocab_size: int) -> torch.Tensor | None:
    """(batch, vocab) additive logits from each state's soft preferences, or None when none has any."""
    if all(state.c.tonal is None and not any(p.stresses for p in state.c.phrases) for state in states):
        return None
    rows = [state.bias() for state in states]
    return torch.stack([torch.zeros(vocab_size) if row is None else row for row in rows])


def mask_for(states: list[GrammarState], vocab_size: int) -> torch.Tensor:
    """(batch, vocab) bool: True where the token is allowed."""
    mask = torch.zeros(len(states), vocab_size, dtype=torch.bool)
    for row, state in enumerate(states):
        mask[row, state.allowed()] = True
    return mask
