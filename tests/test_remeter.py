"""Restyle into another meter: the tune's notes in order, bar for bar, filling the new bars exactly."""

from __future__ import annotations

import io

import pytest

from musicui.core.leadsheet import EPSILON, Meter
from musicui.core.remeter import bar_plans, only_rebarred, rebarred
from musicui.service import read_abc

AMAZING_GRACE = """X:1
T:Amazing Grace
M:3/4
L:1/4
K:G
D | "G"G2 B/G/ | B2 A | "Em"G2 E | "C"D2 D | "G"G2 B/G/ | B2 A/B/ | "D"d3- | d2 |]
"""


def auld_lang_syne():
    from musicui.ui.handlers import load_example

    return load_example("folk_auld_lang_syne.abc").sheet


def bars_of(sheet):
    starts = sheet.bar_starts()
    ends = starts[1:] + [sheet.end_beats]
    return [[n for n in sheet.notes if start - EPSILON <= n.onset < end - EPSILON] for start, end in zip(starts, ends)], \
        list(zip(starts, ends))


def test_bars_that_nest_are_only_rebarred():
    assert only_rebarred(Meter.parse("4/4"), Meter.parse("2/4"))
    assert only_rebarred(Meter.parse("6/8"), Meter.parse("12/8"))
    assert not only_rebarred(Meter.parse("4/4"), Meter.parse("3/4"))
    assert not only_rebarred(Meter.parse("3/4"), Meter.parse("6/8")), "same length, other grouping"
    seed = auld_lang_syne()
    march = rebarred(seed, Meter.parse("2/4"))
    assert [(n.pitch, n.onset, n.duration) for n in march.notes] == [(n.pitch, n.onset, n.duration) for n in seed.notes]
    assert set(seed.bar_starts()) <= set(march.bar_starts()), "every old bar line is still one"


def test_the_old_strong_beats_are_marked_and_the_chords_move_with_their_bar():
    plans = bar_plans(auld_lang_syne(), Meter.parse("3/4"))
    assert plans[0].stresses and not any(plans[0].stresses), "the pickup leads to the bar line: no accent"
    assert all(plan.stresses[0] for plan in plans[1:] if plan.notes and plan.notes[0].onset % 1 == 0)
    for plan in plans:
        assert all(offset in (0.0, 1.0, 2.0) for offset, _ in plan.chords), plan.chords


@pytest.mark.parametrize("source,target", [("auld", "3/4"), ("auld", "6/8"), ("grace", "2/4"), ("grace", "4/4")])
def test_a_remetered_tune_keeps_its_notes_in_order_and_fills_every_bar(source, target):
    from musicui.model.composer import ComposeRequest, Composer
    from musicui.model.sampler import SamplingParams
    from musicui.model.tasks import Remeter

    seed = auld_lang_syne() if source == "auld" else read_abc(AMAZING_GRACE)
    meter = Meter.parse(target)
    plans = bar_plans(seed, meter)
    sheet = Composer.shared().compose(ComposeRequest(candidates=1, drafts=1, task=Remeter(seed, meter),
                                                     sampling=SamplingParams(seed=5))).sheets[0]
    assert sheet.meter == meter and sheet.pickup == seed.pickup
    assert [n.pitch for n in sheet.notes] == [n.pitch for n in seed.notes], "the pitches, so the contour, kept"
    assert [n.lyric for n in sheet.notes] == [n.lyric for n in seed.notes]
    bars, spans = bars_of(sheet)
    assert len(bars) == len(plans)
    for index, (notes, (start, end), plan) in enumerate(zip(bars, spans, plans)):
        assert len(notes) == len(plan.notes), f"bar {index + 1} keeps its notes"
        ties_on = index + 1 < len(plans) and plans[index + 1].held
        assert ties_on or all(n.end <= end + EPSILON for n in notes), f"bar {index + 1}: no note crosses the bar line"
        filled = sum(min(n.end, end) - n.onset for n in notes) + sum(
            min(n.end, end) - start for n in sheet.notes if n.onset < start - EPSILON < n.end - 2 * EPSILON)
        assert filled <= end - start + EPSILON
        if not plan.silent:
            assert abs(filled - (end - start)) < EPSILON, f"bar {index + 1} is filled by its notes"
    kept = [(i, symbol) for i, plan in enumerate(plans) for _, symbol in plan.chords]
    written = [(next(i for i, (s, e) in enumerate(spans) if s - EPSILON <= c.onset < e - EPSILON), c.symbol) for c in sheet.chords]
    assert written == kept, "each bar keeps its chords"


def test_the_teacher_view_has_a_waltz_in_three_four_and_a_march_in_two_four():
    import pretty_midi

    from musicui import studio

    composition = studio.compose(seed_sheet=auld_lang_syne(), mode="restyle", styles=["folk", "waltz", "march"])
    by_style = {take.style: take for take in composition.takes}
    assert str(by_style["folk"].sheet.meter) == "4/4" and not by_style["folk"].note.startswith("In ")
    for style, meter in (("waltz", (3, 4)), ("march", (2, 4))):
        take = by_style[style]
        assert (take.sheet.meter.numerator, take.sheet.meter.denominator) == meter
        assert take.note.startswith(f"In {meter[0]}/{meter[1]} (from 4/4)"), take.note
        midi = pretty_midi.PrettyMIDI(io.BytesIO(take.render(("midi",)).midi))
        assert (midi.time_signature_changes[-1].numerator, midi.time_signature_changes[-1].denominator) == meter
        assert [n.pitch for n in take.sheet.notes] == [n.pitch for n in auld_lang_syne().notes]


def test_a_tune_longer_than_one_request_is_re_timed_a_window_at_a_time():
    from musicui import studio

    tune = read_abc(AMAZING_GRACE)
    verse = tune.slice_bars(1, tune.num_bars - 1)  # without the pickup, so verses join bar to bar
    long_tune = verse
    for _ in range(4):
        long_tune = long_tune.concat(verse)
    assert long_tune.num_bars > 32
    take = studio.compose(seed_sheet=long_tune, mode="restyle", styles=["march"]).takes[0]
    assert str(take.sheet.meter) == "2/4" and take.note.startswith("In 2/4 (from 3/4)"), take.note
    assert [n.pitch for n in take.sheet.notes] == [n.pitch for n in long_tune.notes]
    assert take.sheet.num_bars == long_tune.num_bars
