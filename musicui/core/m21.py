"""Bridge between music21 streams and lead sheets (used by the ABC and MusicXML views)."""

from __future__ import annotations

import copy
import logging
from functools import lru_cache

from music21 import expressions, harmony, key, meter, metadata, note, stream, tempo

from musicui.core.chords import normalize_symbol
from musicui.core.errors import SeedError
from musicui.core.leadsheet import EPSILON, ChordSymbol, Key, LeadSheet, Meter, Note, snap

log = logging.getLogger(__name__)


def _melody_part(score: stream.Stream) -> stream.Stream:
    if isinstance(score, stream.Opus):
        if not score.scores:
            raise SeedError("the file holds no tune")
        score = score.scores[0]
    parts = list(score.parts) if isinstance(score, stream.Score) else []
    return parts[0] if parts else score


def _expanded(part: stream.Stream) -> stream.Stream:
    """Play repeats and first/second endings as written; keep the part as is if music21 cannot."""
    try:
        expanded = part.expandRepeats()
        return expanded if expanded.flatten().notes else part
    except Exception as error:  # music21 raises several types on inconsistent repeat marks
        log.info("repeats not expanded: %s", error)
        return part


def from_music21(score: stream.Stream, expand_repeats: bool = True) -> LeadSheet:
    part = _melody_part(score)
    if not part.getElementsByClass(stream.Measure) and part.getElementsByClass(meter.TimeSignature):
        part = part.makeMeasures()  # music21's ABC reader makes no measures for tunes under two bars
    if expand_repeats:
        part = _expanded(part)
    measures = list(part.getElementsByClass(stream.Measure))
    pickup = 0.0
    if measures and measures[0].paddingLeft:
        pickup = float(measures[0].barDuration.quarterLength - measures[0].paddingLeft)
    _drop_ties_between_different_pitches(part)
    flat = part.stripTies().flatten()
    notes: list[Note] = []
    chords: list[ChordSymbol] = []
    for element in flat.notesAndRests:
        if isinstance(element, harmony.ChordSymbol):
            try:
                chords.append(ChordSymbol(snap(float(element.offset)), normalize_symbol(_figure(element))))
            except ValueError:
                pass  # fingerings such as "4" and free text in quotes are not chords
            continue
        if element.isRest or element.duration.isGrace or element.quarterLength == 0:
            continue
        pitch = max(element.pitches, key=lambda p: p.midi).midi  # double stops: keep the top note
        lyric = _lyric(element)
        velocity = element.volume.velocity if element.volume.velocity else 90
        notes.append(Note(pitch, snap(float(element.offset)), snap(float(element.quarterLength)), int(velocity), lyric))
    if not notes:
        raise SeedError("no notes found")
    return LeadSheet(notes=notes, chords=chords, key=_key(flat, notes), meter=_meter(flat),
                     tempo=_tempo(flat), title=_title(score), pickup=snap(pickup)).quantized()


def _drop_ties_between_different_pitches(part: stream.Stream) -> None:
    """ABC files often write slurs as ties ('F-G'); stripTies would merge them into one note."""
    sounding = [n for n in part.recurse().notes if not isinstance(n, harmony.ChordSymbol) and not n.duration.isGrace]
    for current, following in zip(sounding, sounding[1:]):
        if current.tie is not None and current.tie.type in ("start", "continue"):
            if {p.midi for p in current.pitches} != {p.midi for p in following.pitches}:
                current.tie = None


def _lyric(element: note.GeneralNote) -> str | None:
    """The first verse's syllable; a word that continues ends with '-' ('hap-', 'py')."""
    if not element.lyrics or not element.lyrics[0].text:
        return None
    syllable = element.lyrics[0]
    return syllable.text + ("-" if syllable.syllabic in ("begin", "middle") else "")


def _figure(symbol: harmony.ChordSymbol) -> str:
    return (symbol.figure or "").replace("-", "b") if symbol.figure and not symbol.figure.startswith("-") else symbol.figure


def _key(flat: stream.Stream, notes: list[Note]) -> Key:
    found = flat.getElementsByClass(key.Key) or flat.getElementsByClass(key.KeySignature)
    if found:
        k = found[0]
        if isinstance(k, key.Key):
            return Key(k.tonic.name.replace("-", "b"), k.mode if k.mode in ("major", "minor", "dorian", "phrygian",
                                                                            "lydian", "mixolydian", "locrian") else "major")
        return _major_or_relative_minor(k, notes)
    analysed = flat.analyze("key")
    return Key(analysed.tonic.name.replace("-", "b"), analysed.mode)


def _major_or_relative_minor(signature: key.KeySignature, notes: list[Note]) -> Key:
    """A bare key signature names two keys; the last note (where tunes come home) picks one."""
    major, minor = signature.asKey("major"), signature.asKey("minor")
    final = notes[-1].pitch % 12 if notes else None
    chosen = minor if final == minor.tonic.pitchClass and final != major.tonic.pitchClass else major
    return Key(chosen.tonic.name.replace("-", "b"), chosen.mode)


def _meter(flat: stream.Stream) -> Meter:
    for signature in flat.getElementsByClass(meter.TimeSignature):
        try:
            return Meter(signature.numerator, signature.denominator)
        except ValueError:
            continue  # music21 sometimes makes odd signatures for incomplete bars
    return Meter()


def _tempo(flat: stream.Stream) -> float:
    marks = flat.getElementsByClass(tempo.MetronomeMark)
    for mark in marks:
        bpm = mark.getQuarterBPM()
        if bpm:
            return float(round(bpm, 2))
    return 120.0


def _title(score: stream.Stream) -> str:
    md = score.metadata if score.metadata else None
    if md is None and isinstance(score, stream.Opus) and score.scores:
        md = score.scores[0].metadata
    return (md.title or md.movementName or "") if md else ""


def to_music21(sheet: LeadSheet, numerals: bool = False, chord_symbols: bool = True, tempo_mark: bool = True,
               fermatas: tuple[float, ...] = ()) -> stream.Score:
    """A one-part score: notes with lyrics, chord symbols as harmony, key/meter/tempo marks; with
    ``numerals``, each chord's Roman numeral under the staff (the first after the key: 'D: I'); a
    fermata over each note that ends at one of the beats in ``fermatas``."""
    part = stream.Part(id="melody")
    part.partName = "Melody"
    m21_key = key.Key(sheet.key.tonic.replace("b", "-") if len(sheet.key.tonic) > 1 else sheet.key.tonic, sheet.key.mode)
    part.insert(0, m21_key)
    part.insert(0, meter.TimeSignature(str(sheet.meter)))
    if tempo_mark:
        part.insert(0, tempo.MetronomeMark(number=round(sheet.tempo, 2), referent=1.0))
    cursor = 0.0
    continues_word = False
    for n in sheet.notes:
        if n.onset > cursor + EPSILON:
            part.insert(cursor, note.Rest(quarterLength=n.onset - cursor))
        m21_note = note.Note(n.pitch, quarterLength=n.duration)
        m21_note.pitch.spellingIsInferred = True
        m21_note.volume.velocity = n.velocity
        if n.lyric:
            _set_lyric(m21_note, n.lyric, continues_word)
        continues_word = bool(n.lyric and n.lyric.endswith("-")) or (continues_word and not n.lyric)
        if any(abs(n.end - end) < EPSILON for end in fermatas):
            m21_note.expressions.append(expressions.Fermata())
        part.insert(n.onset, m21_note)
        cursor = max(cursor, n.end)
    if sheet.end_beats > cursor + EPSILON:
        part.insert(cursor, note.Rest(quarterLength=sheet.end_beats - cursor))
    for c in sheet.chords if chord_symbols else ():
        part.insert(c.onset, copy.deepcopy(_chord_symbol(c.symbol)))
    if numerals:
        _insert_numerals(part, sheet)
    _spell_in_key(part, sheet.key)
    score = stream.Score()
    score.metadata = metadata.Metadata(title=sheet.title)
    score.insert(0, part)
    if sheet.pickup:
        _measures_with_pickup(part, sheet)
    else:
        part.makeMeasures(inPlace=True)
    part.makeTies(inPlace=True)
    _mark_sections(part, sheet)
    return score


VOICE_CLEFS = {"Soprano": "treble", "Alto": "treble", "Tenor": "treble8vb", "Bass": "bass"}
PHRASE_END_PUNCTUATION = tuple(",.;:?!")


def four_part_score(sheet: LeadSheet, voices: dict[str, list[Note]], numerals: bool = True) -> stream.Score:
    """Soprano, alto, tenor and bass, a staff each (the open score a class reads a chorale in): the
    words under the soprano, the chord symbols over it, the Roman numerals under the bass, and a
    fermata over every voice where a phrase ends (see :func:`phrase_ends`)."""
    from music21 import clef, layout

    score = stream.Score()
    score.metadata = metadata.Metadata(title=sheet.title)
    ends = tuple(phrase_ends(sheet))
    for name, notes in voices.items():
        top = name == "Soprano"
        voice_sheet = sheet.copy(notes=notes, title="", sections=[] if not top else list(sheet.sections))
        part = to_music21(voice_sheet, numerals=numerals and name == "Bass", chord_symbols=top, tempo_mark=top,
                          fermatas=ends).parts[0]
        part.partName, part.partAbbreviation = name, name[0]
        part.getElementsByClass(stream.Measure).first().insert(0, clef.clefFromString(VOICE_CLEFS[name]))
        score.insert(0, part)
    score.insert(0, layout.StaffGroup(list(score.parts), symbol="bracket", barTogether=True))
    return score


def phrase_ends(sheet: LeadSheet) -> list[float]:
    """Where the phrases end (beats): after a sung word that closes a line (a comma, a full stop, a
    question), else at every fourth bar line after the pickup; always at the last note's end."""
    notes = sorted(sheet.notes, key=lambda n: n.onset)
    if not notes:
        return []
    ends = [n.end for n in notes if n.lyric and n.lyric.rstrip().endswith(PHRASE_END_PUNCTUATION)]
    if not ends:
        starts = sheet.bar_starts()[1 if sheet.pickup else 0:]
        lines = [starts[i] for i in range(4, len(starts), 4)]
        ends = [max((n.end for n in notes if n.end <= line + EPSILON), default=0.0) for line in lines]
    return sorted({round(e, 6) for e in ends + [notes[-1].end, sheet.end_beats] if e > 0})


def _insert_numerals(part: stream.Part, sheet: LeadSheet) -> None:
    from musicui.core.numerals import key_label, roman_numeral

    previous = None
    for c in sheet.chords:
        if c.symbol == previous:
            continue
        text = roman_numeral(c.symbol, sheet.key)
        mark = expressions.TextExpression(text if previous is not None else f"{key_label(sheet.key)} {text}")
        mark.placement = "below"
        mark.style.fontStyle = "normal"
        part.insert(c.onset, mark)
        previous = c.symbol


def _mark_sections(part: stream.Part, sheet: LeadSheet) -> None:
    """The form's phrase letters as rehearsal marks at the bars where the phrases start."""
    measures = list(part.getElementsByClass(stream.Measure))
    for bar, letter in sheet.sections:
        if 0 <= bar < len(measures):
            measures[bar].insert(0, expressions.RehearsalMark(letter))


def _measures_with_pickup(part: stream.Part, sheet: LeadSheet) -> None:
    """Bar lines after the pickup: measure 0 holds just the pickup, padded on the left (an anacrusis)."""
    lengths = [(round(sheet.pickup * d / 4), d) for d in (sheet.meter.denominator, 8, 16, 32)
               if d >= sheet.meter.denominator and abs(sheet.pickup * d / 4 - round(sheet.pickup * d / 4)) < 1e-6]
    if not lengths:
        part.makeMeasures(inPlace=True)  # a triplet-length pickup cannot be a bar of its own
        return
    full = part.getElementsByClass(meter.TimeSignature).first()
    part.remove(full)
    part.insert(0, meter.TimeSignature("%d/%d" % lengths[0]))
    part.insert(sheet.pickup, meter.TimeSignature(str(sheet.meter)))
    part.makeMeasures(inPlace=True)
    part.makeTies(inPlace=True)  # while the pickup bar is one beat long: a note held over its bar line is tied
    measures = list(part.getElementsByClass(stream.Measure))
    first = measures[0]
    first.remove(first.timeSignature)
    first.timeSignature = full
    if len(measures) > 1 and measures[1].timeSignature is not None:
        measures[1].remove(measures[1].timeSignature)
    first.padAsAnacrusis()
    for number, measure in enumerate(measures):
        measure.number = number


def _set_lyric(m21_note: note.Note, syllable: str, after_hyphen: bool) -> None:
    text = syllable.rstrip("-")
    ends_hyphen = syllable.endswith("-") and text
    m21_note.lyric = text
    lyric = m21_note.lyrics[0]
    lyric.syllabic = {(False, False): "single", (False, True): "begin", (True, True): "middle",
                      (True, False): "end"}[(after_hyphen, bool(ends_hyphen))]


@lru_cache(maxsize=512)
def _chord_symbol(symbol: str) -> harmony.ChordSymbol:
    """One parsed music21 chord symbol per figure (parsing costs ~3 ms; a copy ~0.5 ms)."""
    made = harmony.ChordSymbol(_m21_figure(symbol))
    made.writeAsChord = False
    return made


def _m21_figure(symbol: str) -> str:
    """music21 writes flats as '-': 'Bbm7' -> 'B-m7'."""
    out = symbol[0] + symbol[1:].replace("b", "-", 1) if len(symbol) > 1 and symbol[1] == "b" else symbol
    if "/" in out:
        head, bass = out.split("/")
        out = head + "/" + (bass[0] + bass[1:].replace("b", "-") if len(bass) > 1 else bass)
    return out.replace("m7b5", "m7b5")


def _spell_in_key(part: stream.Part, sheet_key: Key) -> None:
    """Spell notes as the key signature suggests: F# in D major, Bb in F major."""
    from musicui.core.spelling import spell_pitch

    for n in part.recurse().notes:
        if isinstance(n, note.Note):
            name, _, octave = spell_pitch(n.pitch.midi, sheet_key)
            n.pitch.name = name.replace("b", "-") if len(name) > 1 else name
            n.pitch.octave = octave
