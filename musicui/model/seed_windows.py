"""Long seeds in windows the model can hold at once.

The decoder sees a few hundred tokens (about 16-24 bars of melody with chords). A longer seed — a
whole song opened from MIDI — is worked on in windows, and the results are put back together so
that what the user did not ask to change stays exactly as it was:

- continue: the model continues from the seed's last bars that fit;
- infill (and "vary freely", which rewrites the inner bars): the bars to rewrite, with as much
  context on both sides as fits;
- harmonize and vary-the-rhythm/contour, which follow the whole melody: consecutive chunks.

Bars are 0-based indexes into ``LeadSheet.bar_starts()`` (the pickup bar, when there is one, is 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from musicui.core.leadsheet import LeadSheet

@dataclass(frozen=True)
class TokenBudget:
    """How the composer spends what the decoder holds at once (``room`` tokens)."""
    room: int
    head: int = 24  # the controls before the music (about a dozen), infill's markers and a margin for the end
    per_new_bar: int = 16  # what the sampler keeps room for while it writes a bar

    def for_context(self, new_bars: int) -> int:
        """Tokens left for the seed's bars when ``new_bars`` are to be written."""
        return self.room - self.head - self.per_new_bar * new_bars

    @property
    def bars_at_once(self) -> int:
        """The most new bars one pass can write."""
        return (self.room - self.head) // self.per_new_bar

    def fits(self, fixed_tokens: int, new_bars: int) -> bool:
        return fixed_tokens <= self.for_context(new_bars)


class SeedTooLong(ValueError):
    """Not even the smallest window fits; ``str()`` says what to do."""


def continue_start(counts: list[int], budget: TokenBudget, new_bars: int) -> int:
    """The first bar of the longest tail of the seed that fits with ``new_bars`` to write (0: all of it)."""
    room = budget.for_context(new_bars)
    total, start = 0, len(counts)
    while start > 0 and total + counts[start - 1] <= room:
        start -= 1
        total += counts[start]
    if start == len(counts):
        raise SeedTooLong(f"the seed's last bar is too dense to continue {new_bars} bars from; ask for fewer bars")
    return start


def infill_window(counts: list[int], budget: TokenBudget, start: int, stop: int) -> tuple[int, int]:
    """Bars (first, stop) around the span start..stop-1 to hand the model: the span and as much
    context as fits, a bar at a time on each side in turn."""
    room = budget.for_context(stop - start)  # for the context: the span is rewritten
    if room < 0:
        raise SeedTooLong(f"bars {start + 1}-{stop} are too many to rewrite at once; pick fewer bars")
    first, last, total = start, stop, 0
    grown = True
    while grown:
        grown = False
        if first > 0 and total + counts[first - 1] <= room:
            first, total, grown = first - 1, total + counts[first - 1], True
        if last < len(counts) and total + counts[last] <= room:
            last, total, grown = last + 1, total + counts[last], True
    return first, last


def chunks(counts: list[int], budget: TokenBudget) -> list[tuple[int, int]]:
    """Consecutive (first, stop) windows for modes that follow the whole melody: each chunk's
    melody and what the model writes over it (chords, a new rhythm) must fit together."""
    room = budget.for_context(0) // 2
    out, first, total = [], 0, 0
    for bar, count in enumerate(counts):
        if count > room:
            raise SeedTooLong(f"bar {bar + 1} holds too many notes for the model ({count} tokens)")
        if total + count > room:
            out.append((first, bar))
            first, total = bar, 0
        total += count
    out.append((first, len(counts)))
    return out


@dataclass(frozen=True)
class Window:
    """Bars first..stop-1 of a seed, cut out as their own lead sheet starting at beat 0."""
    seed: LeadSheet
    first: int
    stop: int

    @property
    def sheet(self) -> LeadSheet:
        return self.seed.slice_bars(self.first, self.stop - 1)

    @property
    def offset(self) -> float:
        """Where the window starts in the seed, in beats."""
        return self.seed.bar_starts()[self.first]

    def put_back(self, written: LeadSheet, start: int, stop: int) -> LeadSheet:
        """The seed with its bars start..stop-1 from ``written`` (this window rewritten)."""
        return self.seed.with_bars_from(written.shifted(self.offset), start, stop)

