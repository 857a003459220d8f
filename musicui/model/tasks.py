"""What the decoder is asked to write, one class per kind of task (as MidiTok has one class per
scheme): each lays out the tokens the model starts from and the grammar's templates, and puts
what the model wrote back into the piece. The studio's modes (musicui.modes) are built on these.

    NewPiece()                     the controls, then ``bars`` new bars
    Continuation(seed)             the seed's bars, then ``bars`` more
    Infill(seed, start, stop)      bars start..stop-1 rewritten, knowing what comes before and after
    FollowRhythm(seed, contour)    new pitches on the seed's rhythm (and its ups and downs)
    FollowMelody(seed)             the seed's melody kept note for note, new chords
    OverChords(chords, bars)       a new melody over exactly these chords
    Remeter(seed, meter)           the seed's notes in order, bar for bar, re-timed in another meter
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from musicui.core.leadsheet import GRID, ChordSymbol, LeadSheet, Meter
from musicui.core.remeter import bar_plans, planned_chords, tie_over
from musicui.model.grammar import ChordAt, Phrase
from musicui.model.tokenizer import chord_tokens
from musicui.model.vocab import INFILL, MODEL_SPECIALS, ModelVocab, infill_prompt

HARMONY_TOKENS = ("Root_", "Qual_", "Bass_", "Pos_")  # what a new harmonization may change
OVER_CHORDS_PULL = 2.0  # a melody over the user's chords leans on them twice as hard on the beat


@dataclass
class Layout:
    """A task as token sequences: where the model starts, what the grammar counts and copies."""
    prefix: list[int]  # the tokens the model starts from (the controls first)
    head: list[int]  # [BOS controls SEP] at the start of the prefix
    total_bars: int  # the bars the grammar counts, up to where the model stops
    first_bar: int = 0  # the first bar the model writes
    new_bars: int = 0  # bars the model writes freely (each needs room in the budget)
    suffix: list[int] = field(default_factory=list)  # infill: the seed's bars after the gap
    rhythm: list[str] | None = None  # keep-the-rhythm template
    melody: list[str] | None = None  # keep-the-melody template
    contour: list[int] | None = None  # keep-the-contour: -1, 0, +1 per note
    chords: list[ChordAt] | None = None  # over chords: exactly these
    chord_tone_pull: float = 1.0  # the tonal prior's pull to chord tones on the beat, scaled (over given chords: more)
    ends_piece: bool = True  # the last bar written ends the piece (a phrase of a longer plan does not)
    phrases: list[Phrase] = field(default_factory=list)  # exact note counts (and accents) per bar range
    pitches: list[int] | None = None  # re-metering: the notes' pitches, in order
    rest_bars: frozenset[int] | None = None  # re-metering: the bars that may hold rests (None: all)
    markers: int = 0  # layout tokens in the prefix that are not music (infill's three), within the budget's margin

    @property
    def fixed_tokens(self) -> int:
        """Music tokens the model must hold besides the controls and the new bars (what windows count)."""
        return len(self.prefix) - len(self.head) - self.markers + len(self.rhythm or self.melody or [])


HeadIds = Callable[[int], list[int]]  # bars of the whole piece -> [BOS controls SEP]
SeedBars = Callable[[LeadSheet], list[list[int]]]  # a seed -> its tokens, bar by bar


class Task:
    """What every task does; ``seed`` is the piece it works on (None for a new piece)."""
    keeps_key = True  # the grammar keeps the notes in the key's scale (when asked)

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        raise NotImplementedError

    def fixed_part(self, layout: Layout, vocab: ModelVocab) -> list[int]:
        """The tokens before where the model writes (its first note may repeat their last length)."""
        return layout.prefix

    def assemble(self, layout: Layout, body: list[int], vocab: ModelVocab) -> list[int]:
        """The whole piece's tokens from what the model wrote (``body``, without EOS)."""
        return layout.prefix + body + [vocab.id("EOS")]

    def put_back(self, written: LeadSheet) -> LeadSheet:
        return written

    def meter(self) -> Meter | None:
        """The meter the task writes in when it is not the seed's (re-metering), else None."""
        return None


@dataclass
class NewPiece(Task):
    """A piece from nothing: the controls, then ``bars`` bars. With ``piece_bars``, only its first
    ``bars`` are written (the opening phrase of a planned form), the controls saying the whole length."""
    piece_bars: int | None = None
    seed = None

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        head = head_ids(self.piece_bars or bars)
        return Layout(prefix=head, head=head, total_bars=bars, new_bars=bars,
                      ends_piece=self.piece_bars is None or bars >= self.piece_bars)


@dataclass
class Continuation(Task):
    """The seed, then ``bars`` new bars after it; with ``piece_bars``, a phrase of a piece that long."""
    seed: LeadSheet
    piece_bars: int | None = None

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        before = seed_bars(self.seed)
        total = len(before) + bars
        head = head_ids(max(total, self.piece_bars or 0))
        return Layout(prefix=head + [t for bar in before for t in bar], head=head, total_bars=total,
                      first_bar=len(before), new_bars=bars, ends_piece=self.piece_bars is None or total >= self.piece_bars)


@dataclass
class Infill(Task):
    """Bars start..stop-1 (0-based) of the seed rewritten; the rest kept."""
    seed: LeadSheet
    start: int
    stop: int
    ends_piece: bool = True  # the prior pulls home in the last rewritten bar (False: a phrase mid-piece)

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        all_bars = seed_bars(self.seed)
        if not 0 <= self.start < self.stop <= len(all_bars):
            raise ValueError(f"infill bars {self.start + 1}-{self.stop} are outside the seed's 1-{len(all_bars)}")
        head = head_ids(len(all_bars))
        return Layout(prefix=infill_prompt(head, all_bars, self.start, self.stop, vocab), head=head,
                      total_bars=self.stop, first_bar=self.start, new_bars=self.stop - self.start,
                      suffix=[t for bar in all_bars[self.stop:] for t in bar], ends_piece=self.ends_piece,
                      markers=len(MODEL_SPECIALS))

    def fixed_part(self, layout: Layout, vocab: ModelVocab) -> list[int]:
        return layout.prefix[: layout.prefix.index(vocab.id(INFILL))]

    def assemble(self, layout: Layout, body: list[int], vocab: ModelVocab) -> list[int]:
        return self.fixed_part(layout, vocab) + body + layout.suffix + [vocab.id("EOS")]

    def put_back(self, written: LeadSheet) -> LeadSheet:
        return self.seed.with_bars_from(written, self.start, self.stop)


@dataclass
class FollowRhythm(Task):
    """New pitches on the seed's rhythm; with ``contour``, rising and falling where the seed does."""
    seed: LeadSheet
    contour: bool = False

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        all_bars = seed_bars(self.seed)
        head = head_ids(len(all_bars))
        steps = None
        if self.contour:
            pitches = [n.pitch for n in self.seed.notes]
            steps = [0] + [(b > a) - (b < a) for a, b in zip(pitches, pitches[1:])]
        rhythm = vocab.tokenizer.ids_to_tokens([t for bar in all_bars for t in bar]) + ["EOS"]
        return Layout(prefix=head, head=head, total_bars=len(all_bars), rhythm=rhythm, contour=steps)


@dataclass
class FollowMelody(Task):
    """The seed's melody note for note; the model writes the chords."""
    seed: LeadSheet
    keeps_key = False  # the melody is the user's, accidentals and all

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        all_bars = seed_bars(self.seed)
        head = head_ids(len(all_bars))
        tokens = vocab.tokenizer.ids_to_tokens([t for bar in all_bars for t in bar])
        return Layout(prefix=head, head=head, total_bars=len(all_bars),
                      melody=[t for t in tokens if not t.startswith(HARMONY_TOKENS)] + ["EOS"])


@dataclass
class OverChords(Task):
    """A new melody over given chords (onsets in beats from the start of bar 1): the grammar writes
    each chord where it is due and no other."""
    chords: list[ChordSymbol]
    seed = None

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        head = head_ids(bars)
        template = [ChordAt(round(c.onset * GRID), *_split(chord_tokens(c.symbol))) for c in self.chords]
        return Layout(prefix=head, head=head, total_bars=bars, new_bars=bars, chords=template,
                      chord_tone_pull=OVER_CHORDS_PULL)


@dataclass
class Remeter(Task):
    """The seed's tune in ``target`` meter: its notes in order and its chords, bar for bar; the model
    writes each bar's rhythm anew (the notes that fell on the old strong beats lean to the new beats)."""
    seed: LeadSheet
    target: Meter
    keeps_key = False  # the pitches are the seed's own

    def meter(self) -> Meter:
        return self.target

    def layout(self, bars: int, head_ids: HeadIds, seed_bars: SeedBars, vocab: ModelVocab) -> Layout:
        plans = bar_plans(self.seed, self.target)
        head = head_ids(len(plans))
        phrases = [Phrase(i, i + 1, len(p.notes), p.stresses, long_end=False) for i, p in enumerate(plans)]
        chords = [ChordAt(round(c.onset * GRID), *_split(chord_tokens(c.symbol)))
                  for c in planned_chords(plans, self.target, self.seed.pickup)]
        return Layout(prefix=head, head=head, total_bars=len(plans), new_bars=len(plans), chords=chords,
                      phrases=phrases, pitches=[n.pitch for p in plans for n in p.notes],
                      rest_bars=frozenset(i for i, p in enumerate(plans) if p.silent or p.held))

    def put_back(self, written: LeadSheet) -> LeadSheet:
        """The new rhythm with the seed's own notes' words and loudness."""
        kept = sorted(self.seed.notes, key=lambda n: n.onset)
        notes = [replace(new, velocity=old.velocity, lyric=old.lyric) for new, old in zip(written.notes, kept)]
        return tie_over(written.copy(notes=notes, title=self.seed.title), bar_plans(self.seed, self.target))


def _split(tokens: list[str]) -> tuple[str, str, str | None]:
    return tokens[0], tokens[1], tokens[2] if len(tokens) > 2 else None
