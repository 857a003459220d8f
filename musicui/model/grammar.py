"""Grammar-constrained decoding: at each step only the tokens that keep the lead sheet valid.

Bars are filled exactly to the meter (notes and rests never cross the bar line), chords sit on
beats, every Rest and Root gets its Dur and Qual, and the piece ends after the asked-for number of
bars. Optional hard constraints: stay in a scale, an exact note count per phrase (lyrics), a rhythm
template (vary the pitches, keep the rhythm). Every sequence the sampler can produce decodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from musicui.core.leadsheet import GRID
from musicui.model.dataset import ModelVocab

SIXTEENTH = GRID // 4


@dataclass
class Phrase:
    """Bars [first_bar, stop_bar) must hold exactly ``notes`` notes (one per lyric syllable)."""
    first_bar: int
    stop_bar: int
    notes: int


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
    first_bar: int = 0  # bar index where generation starts (continuation and infill)
    min_note_ticks: int = SIXTEENTH


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
        self.pos = family("Pos_")
        self.root = family("Root_")
        self.bass = family("Bass_")
        self.qual = [i for i, t in enumerate(tokens) if t.startswith("Qual_")]
        self.bar, self.rest, self.eos = vocab.id("Bar"), vocab.id("Rest"), vocab.id("EOS")
        self.by_id = {i: t for i, t in enumerate(tokens)}


class GrammarState:
    """One sequence's position in the grammar; ``allowed()`` lists the legal next ids."""

    def __init__(self, families: TokenFamilies, constraints: Constraints) -> None:
        self.f, self.c = families, constraints
        self.bar = constraints.first_bar - 1  # index of the bar being written
        self.bar_start = self.bar_end = self._bar_start(constraints.first_bar)
        self.cursor = self.bar_end
        self.note_start = self.note_end = self.cursor
        self.prev_dur = GRID // 2
        self.pending: str | None = None  # "note_dur", "rest_dur", "qual", "bass", "root"
        self.chord_ticks: set[int] = set()
        self.root: int | None = None
        self.finished = False
        self.template_index = 0
        self.notes_in_bar: dict[int, int] = {}

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
        """Whether ``notes_after`` more notes of the phrase still fit after ``end_tick``."""
        phrase = self._phrase()
        if phrase is None:
            return True
        return self._phrase_ticks_left(phrase, end_tick) >= notes_after * self.c.min_note_ticks

    def _can_end_at(self, tick: int, notes_after: int) -> bool:
        """An event may end at ``tick`` if it stays in the bar, the rest of the bar can still be
        filled (no single tick left over), and the phrase's remaining notes still fit."""
        left_in_bar = self.bar_end - tick
        return (left_in_bar == 0 or left_in_bar >= 2) and self._fits(tick, notes_after)

    # --- the rule -------------------------------------------------------------------------
    def allowed(self) -> list[int]:
        if self.finished:
            return [self.f.eos]
        if self.c.rhythm_template is not None and self.template_index < len(self.c.rhythm_template):
            return self._template_allowed(self.c.rhythm_template[self.template_index])
        if self.pending == "qual":
            return self.f.qual
        if self.pending == "root":
            return self._roots()
        if self.pending == "rest_dur":
            left = self._notes_left() or 0
            return [i for d, i in self.f.dur.items() if self._can_end_at(self.cursor + d, left)]
        ids: list[int] = []
        if self.pending == "note_dur":
            left = max(0, (self._notes_left() or 0))
            ids += [i for d, i in self.f.dur.items() if self._can_end_at(self.note_start + d, left)]
            if not self._can_end_at(self.note_start + self.prev_dur, left):
                return ids  # the duration must be written
        if self.pending == "bass":
            ids += [i for pc, i in self.f.bass.items() if pc != self.root]
        return ids + self._events()

    def _roots(self) -> list[int]:
        return list(self.f.root.values())

    def _events(self) -> list[int]:
        """Tokens that may start the next event at the cursor."""
        cursor = self.cursor
        if self.pending == "note_dur":
            cursor = self.note_start + self.prev_dur
        ids: list[int] = []
        if cursor < self.note_end:  # after a chord under a held note: more chords, or back to its end
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
        if notes_left is None or notes_left > 0:
            ids += [i for p, i in self.f.pitch.items() if self._pitch_ok(p)]
        if notes_left is None or self._fits(cursor + min(self.f.dur), notes_left):
            ids.append(self.f.rest)
        on_beat = in_bar % self.c.pulse_ticks == 0
        if on_beat and cursor not in self.chord_ticks:
            ids += self._roots()
        # A chord under the note just written: jump back to a beat inside it.
        for tick in range(self.note_start + 1, min(self.note_end, self.bar_end)):
            if (tick - self.bar_start) % self.c.pulse_ticks == 0 and tick not in self.chord_ticks and tick > max(self.chord_ticks, default=-1):
                ids.append(self.f.pos[tick - self.bar_start])
        return ids

    def _pitch_ok(self, pitch: int) -> bool:
        low, high = self.c.pitch_range
        if not low <= pitch <= high:
            return False
        return self.c.scale_pcs is None or pitch % 12 in self.c.scale_pcs

    def _template_allowed(self, token: str) -> list[int]:
        if token.startswith("Pitch_"):
            return [i for p, i in self.f.pitch.items() if self._pitch_ok(p)]
        if token.startswith("Root_"):
            return self._roots()
        if token.startswith("Qual_"):
            return self.f.qual
        if token.startswith("Bass_"):
            return list(self.f.bass.values())
        return [self.f.vocab.id(token)]

    # --- moving on -----------------------------------------------------------------------
    def advance(self, token_id: int) -> None:
        token = self.f.by_id[token_id]
        if self.c.rhythm_template is not None and self.template_index < len(self.c.rhythm_template):
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
        elif token.startswith("Qual_"):
            self.pending = "bass"
        elif token.startswith("Bass_"):
            self.pending = None
        if self.pending == "bass" and not token.startswith("Qual_"):
            self.pending = None

    def _end_note(self, ticks: int) -> None:
        self.prev_dur = ticks
        self.note_end = self.note_start + ticks
        self.cursor = self.note_end
        self.pending = None


def mask_for(states: list[GrammarState], vocab_size: int) -> torch.Tensor:
    """(batch, vocab) bool: True where the token is allowed."""
    mask = torch.zeros(len(states), vocab_size, dtype=torch.bool)
    for row, state in enumerate(states):
        mask[row, state.allowed()] = True
    return mask
