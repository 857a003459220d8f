"""Roman numerals for chord symbols in a key, as a theory class writes them.

    G7 in C -> V7      D7 in C -> V7/V     Bb in C -> bVII     Fm in C -> iv     Db/F in C -> bII6
    G/B in C -> V6     F#°7 in C -> vii°7/V  Fsus2 in D minor -> IIIsus2    C7/F in F -> V7 over F
    G in A minor -> VII (the natural seventh degree)    G#° in A minor -> vii° (the leading tone)

Minor keys follow music21's default reading of VI and VII (upper case: the natural degree, lower
case: the raised one), so every triad and seventh figure here reads back to the same chord with
``music21.roman.RomanNumeral`` (the tests check that). ``chord_roles`` says, for the "why this
chord" view, which melody notes under a chord are chord tones and which passing or neighbour tones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from musicui.core.chords import QUALITIES, ParsedChord, parse_chord
from musicui.core.leadsheet import Key, LeadSheet, Note
from musicui.core.spelling import spell_pitch
from musicui.core.theory import mode_family

NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)  # natural minor; the raised sixth and seventh are read by case
LOWER_CASE = {"m", "dim", "m7", "m7b5", "dim7", "mMaj7", "m6", "m9"}
# The figure after the numeral: the quality mark and the seventh (or other added tones).
QUALITY_MARK = {"dim": "°", "dim7": "°7", "m7b5": "ø7", "aug": "+", "7": "7", "m7": "7", "maj7": "7", "mMaj7": "7",
                "9": "9", "maj9": "9", "m9": "9", "6": "add6", "m6": "add6", "add9": "add9", "sus2": "sus2",
                "sus4": "sus4", "7sus4": "7sus4", "5": "5"}
TRIADS, SEVENTHS = {"", "m", "dim", "aug"}, {"7", "m7", "maj7", "mMaj7", "m7b5", "dim7"}
INVERSIONS = {3: ("", "6", "64"), 4: ("7", "65", "43", "42")}
DOMINANTS, LEADING_TONES = {"", "7", "9"}, {"dim", "dim7", "m7b5"}


def is_minor(sheet_key: Key) -> bool:
    return mode_family(sheet_key) == "minor"  # dorian and phrygian read as minor, mixolydian as major


def key_pitch_classes(sheet_key: Key) -> frozenset[int]:
    """The key's notes; a minor key also counts its raised sixth and seventh (melodic and harmonic minor)."""
    steps = MINOR_STEPS + (9, 11) if is_minor(sheet_key) else MAJOR_STEPS
    return frozenset((sheet_key.tonic_pc + s) % 12 for s in steps)


def key_label(sheet_key: Key) -> str:
    """'D:' for D major, 'd:' for D minor: the key before the first numeral."""
    return (sheet_key.tonic.lower() if is_minor(sheet_key) else sheet_key.tonic) + ":"


@lru_cache(maxsize=4096)
def roman_numeral(symbol: str, sheet_key: Key) -> str:
    """The chord's numeral in the key ('?' for text that is not a chord symbol)."""
    try:
        chord = parse_chord(symbol)
    except ValueError:
        return "?"
    head, target = _secondary(chord, sheet_key) or (_degree_numeral(chord.root, chord.quality, sheet_key), "")
    head, over = _with_bass(chord, head, sheet_key)
    return head + (f"/{target}" if target else "") + over


def _degree_numeral(root: int, quality: str, sheet_key: Key) -> str:
    """The numeral of the degree ``root`` stands on, cased by ``quality``, with its quality mark."""
    offset = (root - sheet_key.tonic_pc) % 12
    lower = quality in LOWER_CASE
    steps = MINOR_STEPS if is_minor(sheet_key) else MAJOR_STEPS
    if offset in steps:
        accidental, degree = "", steps.index(offset)
        if is_minor(sheet_key) and degree in (5, 6) and lower:
            accidental = "b"  # a minor or diminished chord on the natural sixth or seventh: lower case means raised
    elif is_minor(sheet_key) and offset in (9, 11):
        degree = 5 if offset == 9 else 6
        accidental = "" if lower else "#"  # the raised sixth or seventh: lower case says it (vi°, vii°)
    elif offset == 6:
        accidental, degree = "#", 3  # #iv°, the leading tone of V
    else:
        accidental, degree = "b", steps.index((offset + 1) % 12) if (offset + 1) % 12 in steps else 0
    numeral = NUMERALS[degree].lower() if lower else NUMERALS[degree]
    return accidental + numeral + QUALITY_MARK.get(quality, "")


def _secondary(chord: ParsedChord, sheet_key: Key) -> tuple[str, str] | None:
    """'V7/V', 'vii°7/ii': a dominant or leading-tone chord outside the key that leads to a degree
    whose triad is major or minor. Inside the key, or leading nowhere, it is not secondary."""
    tones = set(chord.pitch_classes)
    if tones <= key_pitch_classes(sheet_key) or chord.quality not in DOMINANTS | LEADING_TONES:
        return None
    if is_minor(sheet_key) and chord.root == sheet_key.tonic_pc and chord.quality == "":
        return None  # a major tonic in minor is the Picardy third (I), not V/iv
    target = (chord.root + (5 if chord.quality in DOMINANTS else 1)) % 12
    target_offset = (target - sheet_key.tonic_pc) % 12
    steps = MINOR_STEPS if is_minor(sheet_key) else MAJOR_STEPS
    if target_offset == 0 or target_offset not in steps:
        return None
    target_quality = _diatonic_triad(target_offset, sheet_key)
    if target_quality not in ("", "m"):
        return None
    function = "V" if chord.quality in DOMINANTS else "vii"
    mark = QUALITY_MARK.get(chord.quality, "")
    if is_minor(sheet_key) and target_offset == 7:
        target_quality = ""  # the dominant of minor is V
    return function + mark, _degree_numeral(target, target_quality, sheet_key)


def _diatonic_triad(offset: int, sheet_key: Key) -> str:
    """The quality of the triad the key's own scale builds on this degree."""
    steps = MINOR_STEPS if is_minor(sheet_key) else MAJOR_STEPS
    degree = steps.index(offset)
    third = (steps[(degree + 2) % 7] - offset) % 12
    fifth = (steps[(degree + 4) % 7] - offset) % 12
    return {(4, 7): "", (3, 7): "m", (3, 6): "dim", (4, 8): "aug"}[(third, fifth)]


def _with_bass(chord: ParsedChord, head: str, sheet_key: Key) -> tuple[str, str]:
    """The numeral with its inversion figure (V6, V65, V42) and, for a sus or added-tone chord over
    one of its tones or any chord over a bass outside it, the bass by name (' over F')."""
    if chord.bass is None or chord.bass == chord.root:
        return head, ""
    intervals = QUALITIES[chord.quality]
    tones = [(chord.root + i) % 12 for i in intervals]
    if chord.quality in TRIADS | SEVENTHS and chord.bass in tones:
        inversion = INVERSIONS[len(intervals)][tones.index(chord.bass)]
        return (head[:-1] if chord.quality in SEVENTHS else head) + inversion, ""  # V7 inverted: V65, not V765
    return head, f" over {spell_pitch(60 + chord.bass, sheet_key)[0]}"


@dataclass(frozen=True)
class NoteRole:
    note: Note
    role: str  # "chord tone", "passing tone", "neighbour tone" or "non-chord tone"


def chord_roles(chord_symbol: str, melody: list[Note], start: float, stop: float) -> list[NoteRole]:
    """The melody notes sounding in [start, stop) under the chord, each with its role: a chord
    tone; a passing tone (a step in, a step on in the same direction); a neighbour (a step away
    and back); any other tone outside the chord (an appoggiatura, a suspension, a leap)."""
    tones = set(parse_chord(chord_symbol).pitch_classes)
    ordered = sorted(melody, key=lambda n: n.onset)
    roles = []
    for index, n in enumerate(ordered):
        if not (n.onset < stop and n.end > start):
            continue
        if n.pitch % 12 in tones:
            roles.append(NoteRole(n, "chord tone"))
            continue
        before = ordered[index - 1].pitch if index > 0 else None
        after = ordered[index + 1].pitch if index + 1 < len(ordered) else None
        role = "non-chord tone"
        if before is not None and after is not None:
            step_in, step_out = n.pitch - before, after - n.pitch
            if 0 < abs(step_in) <= 2 and 0 < abs(step_out) <= 2:
                role = "passing tone" if (step_in > 0) == (step_out > 0) else "neighbour tone"
        roles.append(NoteRole(n, role))
    return roles


def chord_changes(sheet: LeadSheet) -> list[tuple[str, float, float]]:
    """(symbol, start, stop) for each chord change (``LeadSheet.chord_spans`` with a chord repeated
    in a row joined into one span)."""
    spans: list[tuple[str, float, float]] = []
    for chord, stop in sheet.chord_spans():
        if spans and spans[-1][0] == chord.symbol:
            spans[-1] = (chord.symbol, spans[-1][1], stop)
        else:
            spans.append((chord.symbol, chord.onset, stop))
    return spans


def why_this_chord(symbol: str, sheet_key: Key, melody: list[Note], start: float, stop: float) -> str:
    """One line for the teacher: the chord's notes, then each tune note under it and its role."""
    spell = lambda midi: spell_pitch(midi, sheet_key)[0]  # noqa: E731
    chord = parse_chord(symbol)
    notes = " ".join(spell(60 + pc) for pc in chord.pitch_classes)
    roles = " · ".join(f"{spell(r.note.pitch)} {r.role}" for r in chord_roles(symbol, melody, start, stop))
    return f"{symbol} = {roman_numeral(symbol, sheet_key)} in {sheet_key}: {notes}." + (f" The tune: {roles}." if roles else "")
