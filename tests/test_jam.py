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


# --- the page's jam value, checked on the server (musicui.ui.keyboard) ---------------------------------
from musicui.ui.keyboard import MAX_EXCHANGES, PlayedError, jam_call, jam_reply, jam_sheet  # noqa: E402
from musicui.ui.pianoroll import roll_value  # noqa: E402

PHRASE = [[67, 0, 0.5, 90], [69, 0.5, 0.5, 90], [71, 1, 1, 90], [72, 2, 1, 90], [71, 3, 0.9, 90]]


def jam_value(**changes):
    return {"jam": True, "notes": PHRASE, "tempo": 100, "meter": "4/4", "call": 1, **changes}


@pytest.mark.parametrize("value, sentence", [
    (None, "no jam phrase"),
    ({"jam": "yes", "notes": PHRASE}, "no jam phrase"),
    (jam_value(notes=[]), "nothing was played"),
    (jam_value(notes="C D E"), "no note list"),
    (jam_value(notes=[[60, 0, 1, 90]] * 300), "at most 256 notes"),
    (jam_value(notes=[[60, -1, 1, 90]]), "starts before the phrase"),
    (jam_value(notes=[[130, 0, 1, 90]]), "outside the piano"),
    (jam_value(notes=[[60, 0, 0, 90]]), "length must be above 0"),
    (jam_value(notes=[[60, 0, 1, 200]]), "velocity 200 is outside"),
    (jam_value(notes=[[60, "x", 1, 90]]), "must be a number"),
    (jam_value(tempo=5000), "outside"),
    (jam_value(meter="waltz"), "not one the studio knows"),
    (jam_value(call=-2), "whole number"),
    (jam_value(call=True), "whole number"),
    (jam_value(notes=[[60, 0, 1, 90], [62, 40, 1, 90]]), "1-8 bars"),
])
def test_a_bad_jam_call_gets_a_sentence(value, sentence):
    with pytest.raises(PlayedError, match=sentence):
        jam_call(value, parse_abc(CALL))


def test_a_call_is_timed_from_its_first_note_in_the_played_meter_and_tempo():
    call = jam_call(jam_value(meter="3/4", tempo=90), parse_abc(CALL))
    assert call.notes[0].onset == 0 and call.pickup == 0 and str(call.meter) == "3/4" and call.tempo == 90
    assert [n.pitch for n in call.notes] == [67, 69, 71, 72, 71]


def test_the_answer_goes_back_to_the_page_and_the_exchange_is_kept_capped():
    reply, phrases = jam_reply(jam_value(call=7), parse_abc(CALL), [], seed=1)
    assert reply["call"] == 7 and reply["tempo"] == 100 and reply["answer"] and reply["seconds"] > 0
    assert all(len(n) == 4 and n[1] >= 0 and n[2] > 0 for n in reply["answer"])
    assert [p["who"] for p in phrases] == [PLAYER, MODEL]
    _, more = jam_reply(jam_value(), parse_abc(CALL), phrases * MAX_EXCHANGES, seed=1)
    assert len(more) == 2 * MAX_EXCHANGES and more[-2]["who"] == PLAYER and more[-1]["who"] == MODEL


def test_the_kept_jam_is_one_seed_with_the_model_notes_marked_for_the_roll():
    call = parse_abc(CALL)
    reply = parse_abc(CALL.replace("G2 AB c2 BA", "B2 AG A2 Bc"))
    phrases = [{"who": PLAYER, "sheet": call.to_dict()}, {"who": MODEL, "sheet": reply.to_dict()}] * 2
    sheet, who = jam_sheet(phrases)
    assert len(who) == len(sheet.notes) == 4 * len(call.notes) and sheet.num_bars == 8
    assert [n.onset for n, w in zip(sheet.notes, who) if w == MODEL][0] == call.end_beats
    value = roll_value(sheet, parts=who)
    assert value["parts"] == who and "parts" not in roll_value(sheet)
    assert "parts" not in roll_value(sheet, parts=who[:-1])  # not parallel to the notes: dropped
    with pytest.raises(PlayedError, match="no jam to keep"):
        jam_sheet([])
