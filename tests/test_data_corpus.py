"""Corpus pieces on small real samples (never the full build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from musicui.core.leadsheet import ChordSymbol, Key, LeadSheet, Meter, Note
from musicui.data import sources as S
from musicui.core.harmonizer import HMMHarmonizer, harmonize
from musicui.core.theory import krumhansl_schmuckler
from musicui.data.analysis import analyse, resolve_signature_key
from musicui.data.captions import captions_for
from musicui.data.harmonizer_eval import beat_accuracy, coverage_baseline, evaluate, tonic_baseline
from musicui.data.splits import assign_splits, find_duplicates, fingerprint
from musicui.model.tokenizer import LeadSheetTokenizer, canonical, same_sheet, transpositions

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "nottingham").is_dir(), reason="../shared/data not present")
M21 = S.m21_corpus_dir()


@pytest.fixture(scope="module")
def folk_items():
    items = []
    for collection, name, start in [("essenFolksong", "erk5.abc", 0), ("essenFolksong", "han1.abc", 0),
                                    ("oneills1850", "0550-0625.abc", 0), ("airdsAirs", "book5.abc", 0),
                                    ("miscFolk", "americanfifeopus.abc", 0)]:
        got, failures = S.abc_items(collection, str(M21 / collection / name), start, start + 3)
        assert not failures
        items += got
    got, failures = S.abc_items("ryansMammoth", str(M21 / "ryansMammoth" / "LanigansBallJig.abc"), 0, 1)
    items += got
    return items


@pytest.fixture(scope="module")
def chorales():
    items, failures = S.chorale_items(["bach/bwv269", "bach/bwv347", "bach/bwv153.1"])
    assert not failures
    return items


@pytest.fixture(scope="module")
def nottingham():
    if not (SHARED / "nottingham").is_dir():
        pytest.skip("../shared/data not present")
    items, failures = S.abc_items("nottingham", str(SHARED / "nottingham" / "ABC_cleaned" / "jigs.abc"), 0, 12)
    assert not failures
    return items


def test_folk_sources_keep_metadata(folk_items):
    assert len(folk_items) == 16
    for item in folk_items:
        assert item.licence and item.meta["region"] and item.meta["tune_type"]
        assert len(item.sheet.notes) >= 8 and not item.sheet.chords
    ryan = folk_items[-1]
    assert ryan.title == "Lanigan's Ball" and ryan.meta["tune_type"] == "jig" and str(ryan.sheet.meter) == "6/8"
    assert ryan.sheet.key == Key("E", "minor")
    chinese = [i for i in folk_items if i.collection == "essenFolksong" and i.meta["region"] == "Chinese"]
    assert chinese and chinese[0].meta["origin"].startswith("China")
    assert any(i.meta["region"] == "Irish" for i in folk_items)


def test_read_headers_and_tune_type_from_title_suffix():
    tune = "X:1\nT:THE PIGEON ON THE GATE -- REEL\nR:reel\nO:Ireland\nM:C|\nL:1/8\nK:Ador\nABcd efge|\n"
    headers = S.read_headers(tune)
    assert headers["R"] == ["reel"] and headers["O"] == ["Ireland"]
    assert S._tune_type("ryansMammoth", {"T": ["X -- HORNPIPE"]}, "X -- HORNPIPE", "x") == "hornpipe"
    sheet = S.parse_abc_tune(tune)
    assert sheet.key == Key("A", "dorian") and str(sheet.meter) == "2/2"


def test_nottingham_meter_after_key_line_wins():
    tune = "X:1\nT:A and D\nM:4/4\nK:A\nM:6/8\nP:A\nf|\"A\"ecc c2f|\"Bm\"BcB \"E7\"B2f|\"A\"ecc c2f|\"A\"Ace a2|\n"
    sheet = S.parse_abc_tune(tune)
    assert str(sheet.meter) == "6/8" and [c.symbol for c in sheet.chords] == ["A", "Bm", "E7", "A"]


def test_chorales_have_soprano_and_chords(chorales):
    first = chorales[0]
    assert first.sheet.key == Key("G", "major") and first.meta["style"] == "chorale"
    assert len(first.sheet.chords) > 20
    assert first.sheet.chords[0].symbol == "G"
    assert all(n.pitch >= 60 for n in first.sheet.notes)  # soprano


@needs_shared
def test_nottingham_has_real_chords(nottingham):
    with_chords = [i for i in nottingham if i.chords_from == "source" and i.sheet.chords]
    assert len(with_chords) >= 10  # a few Nottingham tunes have no chord symbols: those get the harmonizer
    assert all(i.meta["tune_type"] == "jig" for i in nottingham)


@needs_shared
def test_pop909_quantised_on_beat_grid():
    items, failures = S.pop909_items(str(SHARED / "pop909" / "POP909"), ["001", "002"])
    assert not failures
    song = items[0].sheet
    assert song.key == Key("Gb", "major") and str(song.meter) == "4/4" and 85 <= song.tempo <= 95
    assert all(abs(n.onset * 4 - round(n.onset * 4)) < 1e-6 for n in song.notes)
    assert len(song.chords) > 20 and S.pop_chord("C:min7/b7") == "Cm7/A#"


def test_analysis_on_known_keys(chorales, folk_items):
    a = analyse(chorales[0].sheet, chorales[0].meta)
    assert a.key == "G major" and a.meter == "3/4" and a.style == "chorale"
    scale = LeadSheet(notes=[Note(p, i, 1) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60])])
    assert krumhansl_schmuckler(scale)[0] == Key("C", "major")
    # an Essen tune under K:C ending on D with B natural and C natural is D dorian, not C major
    tune = LeadSheet(notes=[Note(p, i, 1) for i, p in enumerate([62, 69, 71, 72, 74, 72, 69, 67, 65, 64, 62, 62])],
                     key=Key("C", "major"), meter=Meter(2, 4))
    assert resolve_signature_key(tune) == Key("D", "dorian")
    # Essen's "Das Hildebrandslied" (K:G with explicit _B and =f) is in G minor
    hildebrand = S.abc_items("essenFolksong", str(M21 / "essenFolksong" / "altdeu10.abc"), 0, 1)[0][0]
    assert hildebrand.title == "Das Hildebrandslied"
    assert resolve_signature_key(hildebrand.sheet) in (Key("G", "minor"), Key("G", "dorian"))
    reel = analyse(folk_items[0].sheet, {"tune_type": "reel", "has_tempo": False})
    assert reel.tempo == 208 and reel.tempo_source.startswith("default")
    assert reel.valence_bin in ("low", "mid", "high") and reel.mood


def test_captions_are_deterministic_and_varied(chorales):
    a = analyse(chorales[0].sheet, chorales[0].meta)
    one = captions_for(a, seed=1, key="x")
    assert one == captions_for(a, seed=1, key="x")
    assert one != captions_for(a, seed=2, key="x")
    assert len({c["text"] for c in one}) == len(one) >= 5
    many = [c for s in range(40) for c in captions_for(a, seed=s, key="x")]
    assert any(c["lang"] == "zh" for c in many)
    assert len({c["text"] for c in many}) > 100


def test_captions_state_the_tempo_as_counted():
    """A jig at quarter 180 is a dotted-quarter 120: its captions say 120, and the studio, reading
    '120 bpm in 6/8' as counted beats, plans the tune's own quarter tempo back."""
    from musicui.model.attributes import plan

    jig = LeadSheet(notes=[Note(62 + (i % 5), i * 0.5, 0.5) for i in range(48)], meter=Meter(6, 8), tempo=180)
    a = analyse(jig, {"tune_type": "jig"})
    assert a.counted_bpm == 120 and a.tempo == 180
    stated = [c["text"] for s in range(30) for c in captions_for(a, seed=s, key="jig")
              if "bpm" in c["text"] or "每分钟" in c["text"]]
    assert stated and all("180" not in text and "120" in text for text in stated)
    long = next(text for text in stated if "6/8" in text and "bpm" in text)
    assert plan(long, None, None).tempo == 180


def test_tokenizer_roundtrip_and_bounds(folk_items, chorales):
    tok = LeadSheetTokenizer()
    for item in folk_items + chorales:
        sheet = canonical(item.sheet)
        ids = tok.encode(sheet, {"style": item.meta["style"], "valence": "mid", "arousal": "high"})
        assert all(0 <= i < len(tok) for i in ids)
        assert tok.index["UNK"] not in ids
        assert same_sheet(sheet, tok.decode(ids)) is None, item.id
    eight = canonical(chorales[0].sheet).slice_bars(1, 8)
    assert len(tok.encode(eight, {"style": "chorale"})) <= 150


def test_tokenizer_save_load(tmp_path):
    tok = LeadSheetTokenizer()
    tok.save(tmp_path)
    assert LeadSheetTokenizer.load(tmp_path).vocab == tok.vocab


def test_transpositions_cover_all_keys(chorales):
    sheet = canonical(chorales[0].sheet)
    moved = transpositions(sheet)
    assert len(moved) == 12
    assert {s.key.tonic_pc for _, s in moved} == set(range(12))
    tok = LeadSheetTokenizer()
    for shift, s in moved:
        ids = tok.encode(s)
        assert tok.vocab[ids[1]] == f"Key_{(sheet.key.tonic_pc + shift) % 12}"
        assert all(36 <= n.pitch <= 96 for n in s.notes)


def test_duplicate_check_is_transposition_invariant(folk_items):
    a = folk_items[0].sheet
    moved = a.transpose(5)
    doubled = a.copy(notes=[Note(n.pitch, n.onset * 2, n.duration * 2) for n in a.notes])
    variant = a.copy(notes=a.notes[:-3])
    other = folk_items[7].sheet
    assert fingerprint(a) == fingerprint(moved) == fingerprint(doubled)
    dup = find_duplicates([fingerprint(x) for x in (a, moved, variant, other)])
    assert set(dup["exact"]) == {1}
    assert dup["group_of"][2] == dup["group_of"][0] != dup["group_of"][3]
    info = assign_splits(["a", "b", "c", "d"], [a, moved, variant, other])
    assert info["duplicate_of"][1] == "a" and info["exact_duplicates"] == 1
    assert info["split"][0] == info["split"][1] == info["split"][2]


def test_harmonizer_beats_tonic_baseline_on_chorales(chorales):
    from music21 import corpus  # noqa: F401

    extra, _ = S.chorale_items([f"bach/bwv{n}" for n in ("26.6", "40.6", "64.2", "70.7", "83.5", "104.6")])
    model = HMMHarmonizer.train([(canonical(i.sheet), "chorale") for i in extra])
    table = evaluate(model, [(canonical(i.sheet), "chorale") for i in chorales])
    assert table["all"]["hmm"]["root"] > table["all"]["tonic triad"]["root"]
    sheet = harmonize(chorales[0].sheet.copy(chords=[]), "chorale", model=model)
    assert len(sheet.chords) >= 8
    n, root, full = beat_accuracy(chorales[0].sheet, coverage_baseline(chorales[0].sheet, "chorale"))
    assert n > 0 and full <= root <= n
    assert tonic_baseline(chorales[0].sheet).chords == [ChordSymbol(0.0, "G")]


def test_packaged_harmonizer_fills_every_half_bar(folk_items):
    from musicui.core.harmonizer import PACKAGED_MODEL

    assert PACKAGED_MODEL.exists()
    tune = folk_items[0].sheet
    out = harmonize(tune, "folk", model=HMMHarmonizer.load(PACKAGED_MODEL))
    assert out.notes == tune.notes and len(out.chords) >= 2
    assert beat_accuracy(out, out)[0] > 0
