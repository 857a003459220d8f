"""Call and response (musicui.jam): the model answers a played phrase with one about as long, in its key
and meter, and the exchange is one sheet with each note marked as the player's or the model's."""

import pytest

from musicui.core.abc import parse_abc
from musicui.core.errors import SeedError
from musicui.jam import MODEL, PLAYER, answer, answer_bars, jam_take

CALL = "X:1\nM:4/4\nL:1/8\nQ:1/4=100\nK:G\nG2 AB c2 BA | G4 D4 |]\n"


def test_the_answer_is_as_long_as_the_call_in_its_key_and_meter():
    call = parse_abc(CALL)
    reply = answer(call, seed=3)
    assert reply.sheet.num_bars == answer_bars(call) == 2
    assert reply.sheet.meter == call.meter and reply.sheet.key == call.key and reply.sheet.tempo == call.tempo
    assert reply.sheet.notes and reply.sheet.notes[0].onset >= 0
    assert answer(call, seed=3).sheet.notes == reply.sheet.notes  # the same seed answers the same way


def test_the_exchange_is_one_take_with_the_player_and_the_model_marked():
    call = parse_abc(CALL)
    reply = answer(call, seed=5, bars=1)
    sheet, who = jam_take(call, reply)
    assert len(who) == len(sheet.notes) and who.count(PLAYER) == len(call.notes) and MODEL in who
    assert all(n.onset >= call.end_beats for n, w in zip(sheet.notes, who) if w == MODEL)
    assert sheet.num_bars == 3


def test_a_call_without_notes_gets_a_sentence():
    with pytest.raises(SeedError, match="play a phrase first"):
        answer(parse_abc(CALL).copy(notes=[]))
