"""Call and response: the player's phrase (the call) answered by the model with a phrase of about the
same length in the same key, meter and tempo, continuing from where the call stopped. The exchange
is one lead sheet, each note marked as the player's or the model's, so it can be kept as a take.

    from musicui.jam import answer
    reply = answer(call)                 # call: a LeadSheet of 1-4 bars (what the keyboard recorded)
    reply.sheet                          # the answer alone, from beat 0
    exchange = jam_take(call, reply)     # call then answer, one sheet
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from musicui.core.errors import SeedError
from musicui.core.leadsheet import LeadSheet

MAX_CALL_BARS = 4  # a call longer than this is answered from its last bars
MAX_ANSWER_BARS = 4
PLAYER, MODEL = "player", "model"


@dataclass
class Answer:
    sheet: LeadSheet  # the answer from beat 0, in the call's key, meter and tempo
    seconds: float  # how long the model took


def answer_bars(call: LeadSheet) -> int:
    """About as long as the call: its bars, rounded up, 1-4 (a pickup does not count)."""
    played = call.end_beats - call.pickup
    return max(1, min(MAX_ANSWER_BARS, math.ceil(played / call.bar_beats - 1e-6)))


def answer(call: LeadSheet, *, bars: int | None = None, seed: int | None = None, text: str = "") -> Answer:
    """The model's answer to ``call`` (1-4 bars of notes), written as a continuation of it."""
    from musicui.studio import compose

    if not call.notes:
        raise SeedError("play a phrase first: the call has no notes")
    phrase = _last_bars(call.for_model())
    length = bars or answer_bars(phrase)
    result = compose(text, seed_sheet=phrase, mode="continue", bars=length, candidates=1, seed=seed)
    written = result.takes[0].sheet
    first = phrase.num_bars
    if written.num_bars <= first:
        raise SeedError("the model wrote no answer to this phrase")
    reply = written.slice_bars(first, written.num_bars - 1).copy(pickup=0.0, title="")
    return Answer(reply, result.seconds)


def _last_bars(call: LeadSheet) -> LeadSheet:
    """A long call is answered from its last bars (what a listener still has in mind)."""
    if call.num_bars <= MAX_CALL_BARS:
        return call
    return call.slice_bars(call.num_bars - MAX_CALL_BARS, call.num_bars - 1).copy(pickup=0.0)


def jam_take(call: LeadSheet, reply: Answer | LeadSheet) -> tuple[LeadSheet, list[str]]:
    """The exchange as one sheet (call, then the answer from the call's next bar line) and who played
    each note (``PLAYER`` or ``MODEL``), in the order of the sheet's notes."""
    answer_sheet = reply.sheet if isinstance(reply, Answer) else reply
    exchange = call.plain()
    shifted = answer_sheet.shifted(exchange.end_beats)  # from the bar line after the call
    joined = exchange.copy(notes=exchange.notes + shifted.notes, chords=exchange.chords + shifted.chords)
    return joined, [PLAYER] * len(exchange.notes) + [MODEL] * len(shifted.notes)
