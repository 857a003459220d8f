"""Roman numerals as a theory class writes them, checked against music21's reading of each figure."""

import pytest
from music21 import key as m21key, roman

from musicui.core.chords import parse_chord
from musicui.core.leadsheet import Key, Note
from musicui.core.numerals import chord_roles, key_label, roman_numeral

# (chord, key, numeral): diatonic chords, inversions, secondary dominants and leading-tone chords,
# mixture and the Neapolitan, minor keys' natural and raised degrees, sus and added-tone chords.
PROGRESSIONS = {
    "I vi IV V7 in C": [("C", "C", "I"), ("Am", "C", "vi"), ("F", "C", "IV"), ("G7", "C", "V7")],
    "inversions in C": [("G/B", "C", "V6"), ("C/G", "C", "I64"), ("G7/F", "C", "V42"), ("G7/D", "C", "V43"),
                        ("G7/B", "C", "V65"), ("Em/B", "C", "iii64"), ("Dm7/F", "C", "ii65")],
    "secondary dominants in C": [("D7", "C", "V7/V"), ("D/F#", "C", "V6/V"), ("E7", "C", "V7/vi"),
                                 ("A7", "C", "V7/ii"), ("B7", "C", "V7/iii"), ("C7", "C", "V7/IV"),
                                 ("E7/G#", "C", "V65/vi"), ("F#dim7", "C", "vii°7/V"), ("C#dim", "C", "vii°/ii")],
    "mixture and the Neapolitan in C": [("Fm", "C", "iv"), ("Ab", "C", "bVI"), ("Bb", "C", "bVII"),
                                        ("Eb", "C", "bIII"), ("Db/F", "C", "bII6"), ("Caug", "C", "I+")],
    "sevenths in C": [("Cmaj7", "C", "I7"), ("Dm7", "C", "ii7"), ("Bm7b5", "C", "viiø7"), ("Bdim", "C", "vii°")],
    "A minor": [("Am", "Am", "i"), ("Dm", "Am", "iv"), ("E", "Am", "V"), ("E7", "Am", "V7"), ("G", "Am", "VII"),
                ("G#dim", "Am", "vii°"), ("G#dim7", "Am", "vii°7"), ("C", "Am", "III"), ("F", "Am", "VI"),
                ("Bm7b5", "Am", "iiø7"), ("B7", "Am", "V7/V"), ("A7", "Am", "V7/iv"), ("Bb", "Am", "bII"),
                ("A", "Am", "I"), ("D", "Am", "IV"), ("F#m7b5", "Am", "viø7")],
    "D minor and other keys": [("Bbmaj7", "Dm", "VI7"), ("C", "Dm", "VII"), ("A7", "Dm", "V7"),
                               ("Gm/Bb", "Dm", "iv6"), ("F#m", "D", "iii"), ("C#dim/E", "D", "vii°6"),
                               ("Bb/D", "F", "IV6"), ("Dbmaj7", "F", "bVI7"), ("F#7", "B", "V7"),
                               ("C#7", "F#", "V7"), ("Ebm", "Bb", "iv")],
    "sus and added tones (named, not read by music21)": [
        ("Fsus2", "Dm", "IIIsus2"), ("Gsus4", "C", "Vsus4"), ("G7sus4", "C", "V7sus4"), ("C6", "C", "Iadd6"),
        ("Cadd9", "C", "Iadd9"), ("C7/F", "F", "V7 over F"), ("D/C", "C", "V/V over C")],
}
CASES = [case for cases in PROGRESSIONS.values() for case in cases]


@pytest.mark.parametrize("symbol, key_name, numeral", CASES)
def test_roman_numerals_as_a_theory_class_writes_them(symbol, key_name, numeral):
    assert roman_numeral(symbol, Key.parse(key_name)) == numeral


@pytest.mark.parametrize("symbol, key_name, numeral", [c for c in CASES if not any(
    word in c[2] for word in ("sus", "add", "over"))])
def test_music21_reads_each_numeral_back_as_the_same_chord(symbol, key_name, numeral):
    sheet_key = Key.parse(key_name)
    tonic = sheet_key.tonic[0] + sheet_key.tonic[1:].replace("b", "-")
    read = roman.RomanNumeral(numeral.replace("°", "o"), m21key.Key(tonic, "minor" if sheet_key.mode == "minor" else "major"))
    chord = parse_chord(symbol)
    assert {p.pitchClass for p in read.pitches} == set(chord.pitch_classes)
    assert read.bass().pitchClass == (chord.bass if chord.bass is not None else chord.root)


def test_the_key_label_is_upper_case_for_major_and_lower_for_minor():
    assert key_label(Key.parse("D")) == "D:" and key_label(Key.parse("Dm")) == "d:"
    assert roman_numeral("not a chord", Key.parse("C")) == "?"


def test_why_this_chord_names_chord_tones_passing_and_neighbour_tones():
    # Over C: C D E (D passes), E F E (F a neighbour), then a leap to B (another tone outside the chord).
    melody = [Note(p, i * 0.5, 0.5) for i, p in enumerate([60, 62, 64, 65, 64, 71, 72])]
    roles = [r.role for r in chord_roles("C", melody, 0.0, 3.0)]
    assert roles == ["chord tone", "passing tone", "chord tone", "neighbour tone", "chord tone", "non-chord tone"]
