"""Bridge between music21 streams and lead sheets (used by the ABC and MusicXML views)."""

from __future__ import annotations

import copy
import logging
from bisect import bisect_right
from functools import lru_cache

from music21 import bar, expressions, harmony, key, meter, metadata, note, spanner, stream, tempo

from musicui.core.chords import normalize_symbol
from musicui.core.errors import SeedError
from musicui.core.leadsheet import EPSILON, ChordSymbol, Ending, Key, LeadSheet, Meter, Note, Repeat, snap

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
    """The first part as a lead sheet: with ``expand_repeats`` played out (music21's expansion), else
    as written: its bars, repeats, endings and key and meter changes kept (see ``_written``)."""
    part = _melody_part(score)
    if not part.getElementsByClass(stream.Measure) and part.getElementsByClass(meter.TimeSignature):
        part = part.makeMeasures()  # music21's ABC reader makes no measures for tunes under two bars
    if expand_repeats:
        part = _expanded(part)
    measures = list(part.getElementsByClass(stream.Measure))
    pickup = 0.0
    if measures and measures[0].paddingLeft:
        pickup = float(measures[0].barDuration.quarterLength - measures[0].paddingLeft)
    structure = {} if expand_repeats else _written(part, measures)
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
    sheet = LeadSheet(notes=notes, chords=chords, key=_key(flat, notes), meter=_meter(flat),
                      tempo=_tempo(flat), title=_title(score), pickup=snap(pickup)).quantized()
    return sheet.copy(**structure).regularized(join=False) if structure else sheet


def _written(part: stream.Stream, measures: list[stream.Measure]) -> dict:
    """The written structure of a part's measures: bar lines, repeats, endings, key and meter changes."""
    if len(measures) < 2:
        return {}
    index = {id(m): i for i, m in enumerate(measures)}
    lines = [float(m.offset) for m in measures]
    lines.append(lines[-1] + float(measures[-1].duration.quarterLength))
    endings = []
    for bracket in part.getElementsByClass(spanner.RepeatBracket):
        bars = sorted(index[id(m)] for m in bracket.getSpannedElements() if id(m) in index)
        numbers = _ending_numbers(str(bracket.number or "1"))
        if bars:
            endings.append(Ending(bars[0], bars[-1], numbers))
    in_ending = {b for e in endings for b in range(e.start, e.end + 1)}
    repeats, start = [], 0
    for i, m in enumerate(measures):
        if isinstance(m.leftBarline, bar.Repeat):
            start = i
        if isinstance(m.rightBarline, bar.Repeat) and m.rightBarline.direction == "end":
            if start <= i:
                repeats.append(Repeat(start, i, max(2, min(8, int(m.rightBarline.times or 2)))))
            start = i + 1
            while start in in_ending and not isinstance(measures[start].leftBarline, bar.Repeat):
                start += 1  # the endings after a repeat sign are not a new repeated passage
    return {"bar_lines": [snap(b) for b in lines], "repeats": repeats, "endings": endings,
            "key_changes": _changes_in(measures, key.KeySignature, _as_key),
            "meter_changes": _changes_in(measures, meter.TimeSignature, _as_meter)}


def _ending_numbers(text: str) -> tuple[int, ...]:
    """'1' -> (1,), '1, 2' -> (1, 2), '1-3' -> (1, 2, 3)."""
    numbers: list[int] = []
    for piece in text.replace(" ", "").split(","):
        low, _, high = piece.partition("-")
        if low.isdigit() and (not high or high.isdigit()):
            numbers += range(int(low), int(high or low) + 1)
    return tuple(numbers[:16]) or (1,)


def _changes_in(measures: list[stream.Measure], kind: type, convert) -> list[tuple[int, object]]:
    """(bar, value) where a key or time signature in a measure after the first changes what is in force."""
    found = []
    current = None
    for i, m in enumerate(measures):
        for element in m.getElementsByClass(kind):
            value = convert(element)
            if value is not None and value != current:
                if i and current is not None:
                    found.append((i, value))
                current = value
    return found


def _as_key(signature: key.KeySignature) -> Key | None:
    try:
        if isinstance(signature, key.Key):
            mode = signature.mode if signature.mode in ("major", "minor", "dorian", "phrygian", "lydian",
                                                        "mixolydian", "locrian") else "major"
            return Key(signature.tonic.name.replace("-", "b"), mode)
        major = signature.asKey("major")
        return Key(major.tonic.name.replace("-", "b"), "major")
    except ValueError:
        return None


def _as_meter(signature: meter.TimeSignature) -> Meter | None:
    try:
        return Meter(signature.numerator, signature.denominator)
    except (ValueError, TypeError):
        return None


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
    part.insert(0, _m21_key(sheet.key))
    starts = sheet.bar_starts() if sheet.key_changes else []
    for bar_index, k in sheet.key_changes:
        if bar_index < len(starts):
            part.insert(starts[bar_index], _m21_key(k))
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
    _spell_in_key(part, sheet.key, sheet if sheet.key_changes else None)
    score = stream.Score()
    score.metadata = metadata.Metadata(title=sheet.title)
    if sheet.bar_lines:
        part = _measures_as_written(part, sheet)
    score.insert(0, part)
    if sheet.bar_lines:
        pass
    elif sheet.pickup:
        _measures_with_pickup(part, sheet)
    else:
        part.makeMeasures(inPlace=True)
    part.makeTies(inPlace=True)
    _mark_sections(part, sheet)
    _mark_repeats(part, sheet)
    return score


def _m21_key(k: Key) -> key.Key:
    return key.Key(k.tonic.replace("b", "-") if len(k.tonic) > 1 else k.tonic, k.mode)


def _measures_as_written(flat: stream.Part, sheet: LeadSheet) -> stream.Part:
    """A part of measures at the sheet's own bar lines (irregular bars, meter changes): notes and rests
    that cross a bar line are split and tied; a short bar is padded, a long one gets its own meter."""
    lines = sheet.bar_starts() + [sheet.end_beats]
    part = stream.Part(id=flat.id)
    part.partName = flat.partName
    measures = []
    for i in range(len(lines) - 1):
        measure = stream.Measure(number=i if sheet.pickup else i + 1)
        part.insert(lines[i], measure)
        measures.append(measure)
    for element in list(flat.elements):
        offset = float(flat.elementOffset(element))
        while isinstance(element, note.GeneralNote) and not isinstance(element, harmony.ChordSymbol):
            bar_end = lines[min(bisect_right(lines, offset + EPSILON), len(lines) - 1)]
            if offset + element.quarterLength <= bar_end + EPSILON:
                break
            head, element = element.splitAtQuarterLength(bar_end - offset)
            _place(measures, lines, head, offset)
            offset = bar_end
        _place(measures, lines, element, offset)
    meters = dict(sheet.meter_changes)
    for i, measure in enumerate(measures):
        written = sheet.meter_at(i)
        length, full = lines[i + 1] - lines[i], written.bar_beats
        if i in meters:
            measure.insert(0, meter.TimeSignature(str(written)))
        if length > full + EPSILON:  # a long bar keeps its notes: a meter of its length, then back
            _meter_for_long_bar(measures, i, length, written, meters)
        elif length < full - EPSILON:
            if i == 0:
                measure.padAsAnacrusis()
            else:
                measure.paddingRight = full - length
    return part


def _place(measures: list[stream.Measure], lines: list[float], element, offset: float) -> None:
    bar_index = max(0, min(bisect_right(lines, offset + EPSILON) - 1, len(measures) - 1))
    measures[bar_index].insert(max(0.0, offset - lines[bar_index]), element)


def _meter_for_long_bar(measures: list[stream.Measure], i: int, length: float, written: Meter,
                        meters: dict[int, Meter]) -> None:
    denominator = next((d for d in (written.denominator, 8, 16, 32) if abs(length * d / 4 - round(length * d / 4)) < 1e-6
                        and d >= written.denominator), None)
    if denominator is None:
        return  # a triplet-length bar: music21 will tie its end over the bar line
    for old in measures[i].getElementsByClass(meter.TimeSignature):
        measures[i].remove(old)
    measures[i].insert(0, meter.TimeSignature(f"{round(length * denominator / 4)}/{denominator}"))
    if i + 1 < len(measures) and i + 1 not in meters:
        measures[i + 1].insert(0, meter.TimeSignature(str(written)))


def _mark_repeats(part: stream.Part, sheet: LeadSheet) -> None:
    """Repeat bar lines and first/second-ending brackets on the measures, as written."""
    if not (sheet.repeats or sheet.endings):
        return
    measures = list(part.getElementsByClass(stream.Measure))
    for r in sheet.repeats:
        if r.end < len(measures):
            measures[r.start].leftBarline = bar.Repeat(direction="start")
            measures[r.end].rightBarline = bar.Repeat(direction="end", times=r.times if r.times != 2 else None)
    for e in sheet.endings:
        if e.end < len(measures):
            bracket = spanner.RepeatBracket(measures[e.start:e.end + 1], number=",".join(str(n) for n in e.numbers))
            part.insert(0, bracket)


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


def _spell_in_key(part: stream.Part, sheet_key: Key, sheet: LeadSheet | None = None) -> None:
    """Spell notes as the key signature suggests: F# in D major, Bb in F major (with ``sheet``, in the
    key of each note's bar)."""
    from musicui.core.spelling import spell_pitch

    starts = sheet.bar_starts() if sheet is not None else []
    for n in part.recurse().notes:
        if isinstance(n, note.Note):
            if sheet is not None:
                sheet_key = sheet.key_at(bisect_right(starts, float(n.offset) + EPSILON) - 1)
            name, _, octave = spell_pitch(n.pitch.midi, sheet_key)
            n.pitch.name = name.replace("b", "-") if len(name) > 1 else name
            n.pitch.octave = octave
