"""ABC notation view: a checked reader (errors with line and column) and a writer.

Reading goes through music21 after a lexical check, since music21 silently skips what it
cannot read. Writing is ours (music21 has no ABC writer): unit length 1/8, accidentals
against the key signature and the bar, ties across bar lines, chords in quotes, ``w:`` lyrics.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
from dataclasses import dataclass
from fractions import Fraction

from music21 import converter
from music21.abcFormat import translate

from musicui.core.errors import SeedError
from musicui.core.leadsheet import Key, LeadSheet, Meter, as_fraction
from musicui.core.limits import LIMITS, Limits
from musicui.core.m21 import from_music21
from musicui.core.spelling import key_signature_alters, spell_pitch

MAX_ABC_CHARS = LIMITS.abc_chars
log = logging.getLogger(__name__)
HEADER_RE = re.compile(r"^([A-Za-z]):(.*)$")
# Every token that may appear in a tune body; anything else is reported with its position.
BODY_TOKEN_RE = re.compile(
    r"""\s+|%.*|\\$|"[^"]*"|![^!\n]*!|\+[^+\n]*\+|\[[A-Za-z]:[^\]]*\]|\[\d+(?:[,-]\d+)*|\[\||"""
    r"""\|\]|\|\||\|:|:\||::|\|\d*|:+|\(\d+(?::\d*){0,2}|[(){}]|[~.HLMOPSTuvJR]|\[|\]|"""
    r"""(?:\^{1,2}|_{1,2}|=)?[A-Ga-g][,']*\d*/*\d*[<>]*|[zZxX]\d*/*\d*[<>]*|-|[`$*y]|&|[<>]"""
)
HEADER_FIELDS = set("ABCDFGHIKLMmNOPQRrSsTUVWwXZ")


# --- tune books: texts of several X: tunes ------------------------------------------
X_LINE_RE = re.compile(r"^[ \t]*X:", re.MULTILINE)
BODY_FIELDS = "KMLQPVwWTNR"  # fields that may stand on a line of their own inside a tune's body
OPAQUE_RE = re.compile(r'"[^"]*"|![^!\n]*!|\+[^+\n]*\+|\[[A-Za-z]:[^\]\n]*\]|%.*|\[\d+(?:[,-]\d+)*')
BAR_SPLIT_RE = re.compile(r"::+|\[\||:*\|[\]|:]*")
SOUNDING_RE = re.compile(r"[A-Ga-gzZxX]")


@dataclass(frozen=True)
class TuneInfo:
    """One tune of a tune book, from its headers (nothing parsed by music21)."""
    index: int  # 0-based: what parse_abc(text, tune=index) reads
    number: str  # the X: field as written
    title: str  # the first T:
    key: str  # the K: that ends the header, as written
    meter: str  # the M: in force at the first note, as written ("" when none)
    bars: int  # bars as written (repeats not played out), a pickup bar counted
    line: int  # 1-based line of the tune's first line in the text


def _tune_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each tune: from each X: line to the next; text before the
    first X: is a tune of its own only when it holds music (a headerless snippet)."""
    starts = [m.start() for m in X_LINE_RE.finditer(text)]
    if not starts:
        return [(0, len(text))]
    spans = list(zip(starts, starts[1:] + [len(text)]))
    preamble = text[: starts[0]].splitlines()
    if any(line.strip() and not line.strip().startswith("%") and not HEADER_RE.match(line.strip())
           for line in preamble):
        spans.insert(0, (0, starts[0]))
    return spans


def split_tunes(text: str) -> list[str]:
    """The text of each tune in an ABC text (one item for a single tune)."""
    return [text[start:end] for start, end in _tune_spans(text)]


def tune_count(text: str) -> int:
    """How many tunes an ABC text holds (X: fields; 1 for a single tune or a headerless snippet)."""
    return len(_tune_spans(text))


def list_tunes(text: str) -> list[TuneInfo]:
    """The tunes of an ABC text (a tune book) from a scan of their headers and bar lines: fast
    (no music21), for a tune picker. Raises SeedError when the text is past the size of a book."""
    if len(text) > LIMITS.abc_book_chars:
        raise SeedError(f"the ABC text is {len(text):,} characters; a tune book can be at most "
                        f"{LIMITS.abc_book_chars:,}")
    spans = _tune_spans(text)
    if len(spans) > LIMITS.abc_book_tunes:
        raise SeedError(f"the ABC text holds {len(spans):,} tunes; a tune book can hold at most {LIMITS.abc_book_tunes:,}")
    tunes, line, counted = [], 1, 0
    for index, (start, end) in enumerate(spans):
        line, counted = line + text.count("\n", counted, start), start  # lines counted once, not from the top each time
        headers, body = _scan_tune(text[start:end])
        tunes.append(TuneInfo(index, headers.get("X", ""), headers.get("T", ""), headers.get("K", ""),
                              headers.get("M", ""), _count_bars(body), line))
    return tunes


def _scan_tune(tune: str) -> tuple[dict[str, str], list[str]]:
    """The first value of each header field (the last M: before the music) and the body's music lines."""
    headers: dict[str, str] = {}
    body: list[str] = []
    in_body = False
    for line in tune.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        header = HEADER_RE.match(stripped)
        if header and (not in_body or header.group(1) in BODY_FIELDS):
            name, value = header.group(1), header.group(2).split("%")[0].strip()
            if (not in_body and name not in headers) or (name == "M" and not body):
                headers[name] = value
            in_body = in_body or name == "K"
            continue
        in_body = True
        body.append(stripped)
    return headers, body


def _count_bars(body: list[str]) -> int:
    """Bars as written: stretches between bar lines that hold a note or a rest."""
    music = " ".join(OPAQUE_RE.sub(" ", line) for line in body)
    return sum(1 for stretch in BAR_SPLIT_RE.split(music) if SOUNDING_RE.search(stretch))


def _no_tune(tune: int, count: int) -> str:
    return (f"there is no tune {tune}: the ABC text holds {count} tune{'s' if count != 1 else ''}, "
            f"numbered 0-{count - 1}")


def _tune_text(text: str, tune: int) -> tuple[str, int]:
    """Tune ``tune`` of the text and the number of lines before it; SeedError when there is none."""
    spans = _tune_spans(text)
    if isinstance(tune, bool) or not isinstance(tune, int) or not 0 <= tune < len(spans):
        raise SeedError(_no_tune(tune, len(spans)))
    start, end = spans[tune]
    return text[start:end], text.count("\n", 0, start)


def check_abc(text: str, limits: Limits = LIMITS, tune: int = 0) -> None:
    """Raise SeedError at the first line/column that is not valid ABC, or where the tune that is read
    (``tune``, 0-based, of a tune book) goes past a limit: before music21 sees it, so that no tune
    takes long. Line numbers count from the top of the whole text."""
    if not text.strip():
        raise SeedError("the ABC text is empty; write a tune, e.g. 'X:1 / K:G / GABc dedB|'")
    if len(text) > limits.abc_book_chars:
        raise SeedError(f"the ABC text is {len(text):,} characters; a tune book can be at most "
                        f"{limits.abc_book_chars:,}")
    body, skipped = _tune_text(text, tune)
    if len(body) > limits.abc_chars:
        which = "the ABC text" if body == text else f"tune {tune}"
        raise SeedError(f"{which} is {len(body):,} characters; the limit is {limits.abc_chars:,}")
    lines = body.splitlines()
    in_body = False
    seen_key = False
    size: _TuneSize | None = _TuneSize(limits)
    for number, line in enumerate(lines, start=skipped + 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        header = HEADER_RE.match(stripped)
        if header and header.group(1) == "X" and in_body:
            size = None  # a second tune: only the first is read, the rest is only checked
        if header and header.group(1) in HEADER_FIELDS and (not in_body or header.group(1) in "KMLQPVwWTNR"):
            value = header.group(2).split("%")[0].strip()
            parsed = _check_field(header.group(1), value, number, line, limits)
            if size is not None:
                size.field(header.group(1), value if parsed is None else parsed, in_body, number, line.index(":") + 2)
            if header.group(1) == "K":
                seen_key, in_body = True, True
            continue
        if header and not in_body:
            continue  # unknown fields (Y:, E:) are ignored, as other ABC readers do
        if not in_body and not seen_key:
            # Lenient: a body without headers is accepted (we add K:C), as many web snippets do.
            in_body = True
        _check_body_line(line, number, size)
    if not in_body:
        raise SeedError("the tune has headers but no notes; add a K: line followed by the melody")


def _check_field(name: str, value: str, line_number: int, line: str, limits: Limits = LIMITS):
    """The header's value, checked (a Meter, a unit length, a tempo in bpm); SeedError names it."""
    column = line.index(":") + 2
    shown = value if len(value) <= limits.echo_chars else value[: limits.echo_chars - 1] + "…"
    try:
        if name == "K":
            return parse_abc_key(value)
        if name == "M" and value.lower() not in ("none", ""):
            return Meter.parse(value)
        if name == "L":
            length = Fraction(value)
            low, high = limits.unit_length
            if not low <= length <= high:
                raise SeedError(f"the unit note length L:{shown} is outside 1/{round(1 / low)}-1 (e.g. L:1/8)",
                                line_number, column)
            return length
        if name == "Q" and value:
            bpm = _parse_tempo(value)
            low, high = limits.tempo_bpm
            if not low <= bpm <= high:
                raise SeedError(f"the tempo Q:{shown} is {bpm:.4g} quarter notes a minute; it must be "
                                f"{low:g}-{high:g}", line_number, column)
            return bpm
    except SeedError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        what = {"K": "key", "M": "meter", "L": "unit note length", "Q": "tempo"}[name]
        hint = {"K": "e.g. K:G, K:Dm, K:Ador", "M": "e.g. M:6/8", "L": "e.g. L:1/8", "Q": "e.g. Q:1/4=120"}[name]
        raise SeedError(f"cannot read the {what} '{shown}' ({hint})", line_number, column) from error
    return None


def _check_body_line(line: str, line_number: int, size: _TuneSize | None = None) -> None:
    position = 0
    while position < len(line):
        match = BODY_TOKEN_RE.match(line, position)
        if not match or match.end() == position:
            char = line[position]
            raise SeedError(f"unexpected '{char}' in the melody", line_number, position + 1)
        if size is not None:
            size.token(match.group(), line_number, position + 1)
        position = match.end()


LENGTH_RE = re.compile(r"(\d*)(/*)(\d*)")
REPEAT_TOKENS = ("|:", ":|", "::")


class _TuneSize:
    """Counts what the first tune asks music21 to build (notes, beats, bars with repeats played
    out, tuplets, nesting, chords, voices, field changes) and stops at the first limit passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.unit = Fraction(1, 8)  # L:, in whole notes
        self.unit_set = False
        self.bar_beats = Fraction(4)
        self.notes = self.tuplets = self.repeat_marks = self.inline_fields = 0
        self.depth = {"(": 0, "{": 0}
        self.in_chord = self.chord_counted = False
        self.chord_size = 0
        self.grace = False
        self.voices: set[str] = set()
        self.bars = Fraction(0)  # written, in bars of the meter in force
        self.section = Fraction(0)  # bars since the last start-repeat
        self.repeated = Fraction(0)  # bars that repeat signs add when played out

    def fail(self, message: str, line: int, column: int) -> None:
        raise SeedError(message, line, column)

    def field(self, name: str, value, in_body: bool, line: int, column: int) -> None:
        if in_body:
            self.inline_fields += 1
            if self.inline_fields > self.limits.inline_fields:
                self.fail(f"the tune changes its fields (K:, M:, L:, Q:, V:) more than {self.limits.inline_fields} "
                          "times", line, column)
        if name == "M" and isinstance(value, Meter):
            self.bar_beats = Fraction(value.numerator * 4, value.denominator)
            if not self.unit_set:  # ABC's default unit: 1/16 below 3/4, else 1/8
                short = Fraction(value.numerator, value.denominator) < Fraction(3, 4)
                self.unit = Fraction(1, 16) if short else Fraction(1, 8)
        elif name == "L" and isinstance(value, Fraction):
            self.unit, self.unit_set = value, True
        elif name == "V":
            self.voices.add(str(value).split()[0] if str(value).split() else "")
            if len(self.voices) > self.limits.voices:
                self.fail(f"the tune has more than {self.limits.voices} voices", line, column)

    def token(self, token: str, line: int, column: int) -> None:
        head = token[:1]
        if token.startswith("[") and len(token) > 2 and token[2:3] == ":" and token[1].isalpha():
            name, value = token[1], token[3:-1].strip()
            parsed = _check_field(name, value, line, token, self.limits) if name in "KMLQ" else None
            self.field(name, value if parsed is None else parsed, True, line, column)
            return
        if token.startswith(REPEAT_TOKENS) or (token.startswith(("[", "|")) and token[1:2].isdigit()):
            self.repeat(token, line, column)
        if head == "(" and token[1:2].isdigit():
            self.tuplets += 1
            if self.tuplets > self.limits.tuplets:
                self.fail(f"the tune has more than {self.limits.tuplets:,} tuplets", line, column)
        elif token in ("(", "{"):
            self.depth[token] += 1
            self.grace = self.grace or token == "{"
            if self.depth[token] > self.limits.nesting:
                self.fail(f"more than {self.limits.nesting} {'slurs' if token == '(' else 'grace groups'} are open "
                          "at once", line, column)
        elif token in (")", "}"):
            opening = "(" if token == ")" else "{"
            self.depth[opening] = max(0, self.depth[opening] - 1)
            self.grace = self.grace and self.depth["{"] > 0
        elif token == "[":
            self.in_chord, self.chord_counted, self.chord_size = True, False, 0
        elif token == "]":
            self.in_chord = False
        elif head in "zZxX" or NOTE_RE.fullmatch(token):
            self.note(token, line, column)

    def note(self, token: str, line: int, column: int) -> None:
        if self.in_chord:
            self.chord_size += 1
            if self.chord_size > self.limits.chord_notes:
                self.fail(f"a chord has more than {self.limits.chord_notes} notes", line, column)
        if self.grace or (self.in_chord and self.chord_counted):
            return
        self.chord_counted = self.in_chord
        self.notes += 1
        if self.notes > self.limits.notes:
            self.fail(f"the tune has more than {self.limits.notes:,} notes and rests; the editor takes up to "
                      f"{self.limits.notes:,}", line, column)
        body = token.lstrip("^_=").lstrip("ABCDEFGabcdefgzZxX").lstrip(",'").rstrip("<>")
        numerator, slashes, denominator = LENGTH_RE.fullmatch(body).groups()
        if len(numerator) > 6 or len(denominator) > 6:
            self.fail(f"the note '{token[:20]}' has a length no tune uses; a note or rest can last at most "
                      f"{self.limits.note_beats:g} beats", line, column)
        if denominator and int(denominator) == 0:
            self.fail(f"the length '{token}' divides by 0", line, column)
        scale = 2 ** max(0, len(slashes) - 1) * int(denominator) if denominator else 2 ** len(slashes)
        count = Fraction(int(numerator) if numerator else 1, scale)
        if token[:1] == "Z":  # a multi-bar rest: Z4 is four bars
            bars = count
        else:
            beats = count * self.unit * 4
            if beats > self.limits.note_beats:
                self.fail(f"the note '{token}' lasts {float(beats):g} beats; a note or rest can last at most "
                          f"{self.limits.note_beats:g} beats", line, column)
            bars = beats / self.bar_beats
        self.bars += bars
        self.section += bars
        if self.bars > 2 * self.limits.bars:
            self.fail(f"the tune runs past {2 * self.limits.bars} bars; the editor takes up to {self.limits.bars}",
                      line, column)

    def repeat(self, token: str, line: int, column: int) -> None:
        self.repeat_marks += 1
        if self.repeat_marks > self.limits.repeat_marks:
            self.fail(f"the tune has more than {self.limits.repeat_marks} repeat signs and endings", line, column)
        if token.startswith((":|", "::")):  # the section is played again
            self.repeated += self.section
        if token.startswith(("|:", ":|", "::")):
            self.section = Fraction(0)
        if self.bars + self.repeated > 2 * self.limits.bars:
            self.fail(f"with its repeats played out the tune runs past {2 * self.limits.bars} bars; the editor "
                      f"takes up to {self.limits.bars}", line, column)


def parse_abc_key(value: str) -> Key:
    """ABC K: values: 'G', 'Dm', 'Ador', 'F#min', 'Bb', 'D mixolydian', 'HP' (pipes)."""
    value = value.strip()
    token = value.split()[0] if value else "C"
    rest = value[len(token):].strip()
    if token in ("HP", "Hp", "none"):
        return Key("D", "mixolydian") if token != "none" else Key()
    if rest and not rest.startswith(("clef", "transpose", "middle", "octave")) and token[-1:] not in "m":
        token = token + " " + rest.split()[0]
    return Key.parse(token)


def _parse_tempo(value: str) -> float:
    value = re.sub(r'"[^"]*"', "", value).strip()
    if "=" in value:
        beat, bpm = value.split("=", 1)
        unit = sum(Fraction(part) for part in beat.split())
        return float(bpm) * float(unit) * 4
    return float(value)


NOTE_RE = re.compile(r"(\^{1,2}|_{1,2}|=)?([A-Ga-g])([,']*)(.*)", re.DOTALL)


def _prepare(text: str) -> tuple[str, list[str | None]]:
    """Make ABC's bar-long accidentals explicit (music21 does not carry them) and collect the
    ``w:`` syllables, one per written note, which music21 does not read either."""
    out_lines: list[str] = []
    syllables: list[str | None] = []
    pending_notes = 0
    carried: dict[tuple[str, str], str] = {}
    in_body = False
    for line in text.splitlines():
        stripped = line.strip()
        header = HEADER_RE.match(stripped)
        if stripped.startswith("w:"):
            words = _split_lyrics(stripped[2:])
            syllables.extend((words + [None] * pending_notes)[:pending_notes])
            pending_notes = 0
            continue
        if header and header.group(1) in HEADER_FIELDS:
            in_body = in_body or header.group(1) == "K"
            out_lines.append(line)
            continue
        if not in_body or stripped.startswith("%"):
            out_lines.append(line)
            continue
        rebuilt, grace, in_chord, chord_counted = [], False, False, False
        for token in _tokens(line):
            if token.startswith("|") or token.endswith("|") or token in ("::", "|]", "||") or token.startswith("[") and token[1:2].isdigit():
                carried.clear()
            elif token == "{":
                grace = True
            elif token == "}":
                grace = False
            elif token == "[":
                in_chord, chord_counted = True, False
            elif token == "]":
                in_chord = False
            else:
                note = NOTE_RE.fullmatch(token)
                if note and not token.startswith(("z", "x")):
                    accidental, letter, octave, rest = note.groups()
                    if accidental:
                        carried[(letter, octave)] = accidental
                    elif (letter, octave) in carried:
                        token = carried[(letter, octave)] + token
                    if not grace and not (in_chord and chord_counted):
                        pending_notes += 1
                        chord_counted = in_chord
            rebuilt.append(token)
        out_lines.append("".join(rebuilt))
    syllables.extend([None] * pending_notes)
    return "\n".join(out_lines) + "\n", syllables


def _tokens(line: str) -> list[str]:
    tokens, position = [], 0
    while position < len(line):
        match = BODY_TOKEN_RE.match(line, position)
        end = match.end() if match and match.end() > position else position + 1
        tokens.append(line[position:end])
        position = end
    return tokens


def _split_lyrics(text: str) -> list[str | None]:
    """ABC lyric line -> one entry per note: '-' splits syllables, '_' holds, '*' skips, '~' joins."""
    text = text.replace("\\-", "\x00")
    syllables: list[str | None] = []
    for match in re.finditer(r"[^\s\-_*|]+-?|-|_|\*", text):
        piece = match.group()
        if piece in ("_", "*"):
            syllables.append(None)
        elif piece == "-":
            continue  # an extra hyphen: the syllable before is already split
        else:
            syllables.append(piece.replace("~", " ").replace("\x00", "-"))
    return syllables


_KEEP_BARS = contextvars.ContextVar("keep_bars", default=False)
_music21_rebar = translate.reBar


def _rebar_unless_kept(part, *, inPlace=False):  # noqa: N803 - music21's signature
    """music21 splits bars longer than the meter; parse_abc keeps them as written (and flags them)."""
    return part if _KEEP_BARS.get() else _music21_rebar(part, inPlace=inPlace)


translate.reBar = _rebar_unless_kept


@contextlib.contextmanager
def _bars_as_written():
    token = _KEEP_BARS.set(True)
    try:
        yield
    finally:
        _KEEP_BARS.reset(token)


def parse_abc(text: str, tune: int = 0) -> LeadSheet:
    """ABC text -> lead sheet, as written: bars, repeats, endings, key and meter changes kept (play it
    with ``sheet.expanded()``; ``sheet.bar_warnings()`` names bars longer or shorter than the meter).
    A text of several tunes (a tune book) gives tune ``tune`` (0-based; see ``list_tunes``)."""
    check_abc(text, tune=tune)
    text = _with_default_headers(_tune_text(text, tune)[0])
    prepared, syllables = _prepare(text)
    try:
        with _bars_as_written():
            score = converter.parse(prepared, format="abc")
    except Exception as error:  # music21 raises many kinds; the user needs one sentence
        log.info("music21 did not read an ABC tune: %s", str(error)[:300])
        raise SeedError("this ABC could not be read as music: check that every '[', '(' and '\"' is closed, and "
                        "the note lengths") from None
    if any(syllables):
        _attach_lyrics(score, syllables)
    sheet = from_music21(score, expand_repeats=False)
    tempo = re.search(r"^\s*Q:(.*)$", text, re.MULTILINE)
    if tempo:  # music21 ignores some Q: forms such as Q:3/8=120
        sheet.tempo = round(_parse_tempo(tempo.group(1)), 2)
    meter = _meter_at_first_note(text)
    if meter is not None:
        sheet.meter = meter
    key_line = re.search(r"^\s*K:(.*)$", text, re.MULTILINE)
    if key_line:  # keep modes (dorian, mixolydian) exactly as written
        sheet.key = parse_abc_key(key_line.group(1).split("%")[0])
    _changes_as_written(sheet, text)
    return sheet


def _changes_as_written(sheet: LeadSheet, text: str) -> None:
    """Mid-tune K: and M: fields at the bars the text puts them (music21 places some K: nowhere),
    when the text's bars are the bars music21 read."""
    fields, bars = _body_fields(text)
    if bars != sheet.num_bars:
        sheet.key_changes = _keys_as_written(text, sheet.key_changes)
        return
    keys, meters = [(0, sheet.key)], [(0, sheet.meter)]
    for bar, name, value in fields:
        try:
            changes, parsed = (keys, parse_abc_key(value)) if name == "K" else (meters, Meter.parse(value))
        except (ValueError, IndexError):
            continue
        if 0 < bar < bars and parsed != changes[-1][1]:
            changes.append((bar, parsed))
    sheet.key_changes, sheet.meter_changes = keys[1:], meters[1:]


def _body_fields(text: str) -> tuple[list[tuple[int, str, str]], int]:
    """(bar, 'K' or 'M', value) for each K:/M: line in the tune's body, and the bars as written."""
    fields, bars, sounding, in_body = [], 0, False, False
    for line in text.splitlines():
        stripped = line.strip()
        header = HEADER_RE.match(stripped)
        if not stripped or stripped.startswith("%") or (header and header.group(1) in BODY_FIELDS + "X"):
            if header and in_body and header.group(1) in "KM":
                fields.append((bars, header.group(1), header.group(2).split("%")[0].strip()))
            in_body = in_body or bool(header and header.group(1) == "K")
            continue
        if header and not in_body:
            continue
        in_body = True
        *closed, last = BAR_SPLIT_RE.split(OPAQUE_RE.sub(" ", stripped))
        for stretch in closed:
            if sounding or SOUNDING_RE.search(stretch):
                bars, sounding = bars + 1, False
        sounding = sounding or bool(SOUNDING_RE.search(last))
    return fields, bars + sounding


KEY_FIELD_RE = re.compile(r"^\s*K:(.*)$|\[K:([^\]]*)\]", re.MULTILINE)


def _keys_as_written(text: str, changes: list[tuple[int, Key]]) -> list[tuple[int, Key]]:
    """The key changes music21 read (signatures only), each with its mode from its K: field."""
    written = []
    for match in list(KEY_FIELD_RE.finditer(text))[1:]:
        try:
            written.append(parse_abc_key((match.group(1) or match.group(2) or "").split("%")[0]))
        except (ValueError, IndexError):
            continue
    kept = []
    for bar, found in changes:
        while written and written[0].sharps != found.sharps:
            written.pop(0)
        kept.append((bar, written.pop(0) if written else found))
    return kept


def _meter_at_first_note(text: str) -> Meter | None:
    """The last M: before the melody starts (Nottingham writes 'M:4/4 ... K:A / M:6/8' above it)."""
    meter = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        header = HEADER_RE.match(stripped)
        if header is None:
            break
        value = header.group(2).split("%")[0].strip()
        if header.group(1) == "M" and value.lower() not in ("", "none"):
            meter = Meter.parse(value)
    return meter


def _first_tune(text: str) -> str:
    tunes = [t for t in re.split(r"\n(?=\s*X:)", "\n" + text.strip() + "\n") if t.strip()]
    return tunes[0] if tunes else text


def _with_default_headers(text: str) -> str:
    """Add what ABC lets a snippet leave out: X:, M:4/4, L:1/8 (the standard's default) and K:C."""
    if not re.search(r"^\s*K:", text, re.MULTILINE):
        text = "K:C\n" + text
    head, key_line, body = re.split(r"^(\s*K:.*)$", text, maxsplit=1, flags=re.MULTILINE)
    if not re.search(r"^\s*X:", head, re.MULTILINE):
        head = "X:1\n" + head
    if not re.search(r"^\s*M:", head, re.MULTILINE):
        head += "M:4/4\n"
    if not re.search(r"^\s*L:", head, re.MULTILINE):
        meter = re.search(r"^\s*M:(.*)$", head, re.MULTILINE).group(1).strip()
        short = meter not in ("C", "C|", "none", "") and Fraction(meter) < Fraction(3, 4)
        head += "L:1/16\n" if short else "L:1/8\n"
    return head.rstrip("\n") + "\n" + key_line.strip() + body


def _attach_lyrics(score, syllables: list[str | None]) -> None:
    from music21 import harmony

    written = [n for n in score.flatten().notes if not isinstance(n, harmony.ChordSymbol) and not n.duration.isGrace]
    for element, syllable in zip(written, syllables):
        if syllable:
            element.lyric = syllable


# --- writing --------------------------------------------------------------------
def _length(beats: Fraction, unit: Fraction) -> str:
    """ABC length suffix for ``beats`` quarter notes with unit ``unit`` (in quarter notes)."""
    ratio = beats / unit
    if ratio == 1:
        return ""
    if ratio.denominator == 1:
        return str(ratio.numerator)
    if ratio == Fraction(1, 2):
        return "/"
    if ratio.numerator == 1:
        return f"/{ratio.denominator}"
    return f"{ratio.numerator}/{ratio.denominator}"


def _pitch_text(midi: int, key: Key, bar_alters: dict[tuple[str, int], int]) -> str:
    """Note name with an accidental whenever the key signature or an earlier note in the bar
    would suggest another one (explicit enough for readers that do or do not carry accidentals)."""
    name, alter, octave = spell_pitch(midi, key)
    letter = name[0]
    signature = key_signature_alters(key)[letter]
    earlier = bar_alters.get((letter, octave))
    accidental = ""
    if alter != signature or (earlier is not None and earlier != alter):
        accidental = {2: "^^", 1: "^", 0: "=", -1: "_", -2: "__"}[alter]
    bar_alters[(letter, octave)] = alter
    text = letter.lower() + "'" * (octave - 5) if octave >= 5 else letter + "," * (4 - octave)
    return accidental + text


def _split_plain(beats: Fraction) -> list[Fraction]:
    """Split a length into pieces ABC writes without tuplets (tied together)."""
    pieces = []
    for size in (Fraction(8), Fraction(6), Fraction(4), Fraction(3), Fraction(2), Fraction(3, 2), Fraction(1),
                 Fraction(3, 4), Fraction(1, 2), Fraction(3, 8), Fraction(1, 4), Fraction(1, 8), Fraction(1, 12)):
        while beats >= size:
            pieces.append(size)
            beats -= size
    return pieces


def _segments(sheet: LeadSheet) -> list[list[tuple[Fraction, Fraction, int | None, bool, str | None]]]:
    """Bars of (length, pitch or None for a rest, tied to next, chord symbol, lyric) pieces."""
    bar_starts = [as_fraction(b) for b in sheet.bar_starts()] + [as_fraction(sheet.end_beats)]
    chords = {as_fraction(c.onset): c.symbol for c in sheet.chords}
    pulses = [as_fraction(sheet.meter_at(i).pulse_beats) for i in range(len(bar_starts) - 1)]
    events: list[tuple[Fraction, Fraction, int | None, str | None]] = []
    cursor = Fraction(0)
    for n in sheet.notes:
        onset, end = as_fraction(n.onset), as_fraction(n.end)
        if onset > cursor:
            events.append((cursor, onset - cursor, None, None))
        events.append((onset, end - onset, n.pitch, n.lyric))
        cursor = max(cursor, end)
    if cursor < bar_starts[-1]:
        events.append((cursor, bar_starts[-1] - cursor, None, None))
    bars: list[list] = [[] for _ in bar_starts[:-1]]
    cuts = set(bar_starts) | set(chords)
    for onset, length, pitch, lyric in events:
        end = onset + length
        points = [onset] + sorted(p for p in cuts if onset < p < end) + [end]
        for i, (start, stop) in enumerate(zip(points, points[1:])):
            bar = max(j for j, b in enumerate(bar_starts[:-1]) if b <= start)
            tied = pitch is not None and i < len(points) - 2
            bars[bar].append((start, stop - start, pitch, tied, chords.get(start), lyric if i == 0 else None,
                              i > 0, (start - bar_starts[bar]) % pulses[bar] == 0))
    return bars


def write_abc(sheet: LeadSheet, reference: int = 1, unit_note: Fraction = Fraction(1, 8)) -> str:
    """Lead sheet -> ABC text (repeats written out, four bars a line, notes beamed by beat), with the
    unit note length ``unit_note`` (L:, a fraction of a whole note)."""
    unit = unit_note * 4  # in quarter notes
    lines = [f"X:{reference}", f"T:{sheet.title or 'Untitled'}", f"M:{sheet.meter}", f"L:{unit_note}",
             f"Q:1/4={round(sheet.tempo)}", f"K:{_abc_key(sheet.key)}"]
    has_lyrics = any(n.lyric for n in sheet.notes)
    bar_texts: list[str] = []
    syllables: list[list[str]] = []
    for bar_index, bar in enumerate(_segments(sheet)):
        bar_key = sheet.key_at(bar_index)
        bar_alters: dict[tuple[str, int], int] = {}
        text, words = "", []
        tuplet_left = group_left = 0
        for index, (start, length, pitch, tied, chord, lyric, continued, on_pulse) in enumerate(bar):
            if on_pulse and text and not tuplet_left:
                text += " "
            if chord:
                text += f'"{chord}"'
            if length.denominator % 3 == 0 and not tuplet_left:
                # Triplet values, written in groups of three: "(3" makes the next 3 notes 2/3 long.
                tuplet_left = 0
                for item in bar[index:]:
                    if item[1].denominator % 3 != 0:
                        break
                    tuplet_left += len(_split_plain(item[1] * Fraction(3, 2)))
            pieces = _split_plain(length * Fraction(3, 2)) if tuplet_left else _split_plain(length)
            symbol = "z" if pitch is None else _pitch_text(pitch, bar_key, bar_alters)
            tie = "" if pitch is None else "-"  # rests are written side by side, never tied
            for number, piece in enumerate(pieces):
                if number:
                    text += tie
                if tuplet_left and not group_left:
                    group_left = min(3, tuplet_left)
                    text += "(3" if group_left == 3 else f"(3:2:{group_left}"
                text += symbol + _length(piece, unit)
                if tuplet_left:
                    tuplet_left, group_left = tuplet_left - 1, group_left - 1
            text += "-" if tied else ""
            if pitch is not None:
                words.extend(["_" if continued else _abc_lyric(lyric or "*")] + ["_"] * (len(pieces) - 1))
        bar_texts.append(text.strip())
        syllables.append(words)
    lines += _music_lines(sheet, bar_texts, syllables if has_lyrics else None)
    return "\n".join(lines) + "\n"


def _music_lines(sheet: LeadSheet, bars: list[str], syllables: list[list[str]] | None) -> list[str]:
    """Four bars a line between their bar lines ('|:', ':|', '::', '[1', '|]'), each ``w:`` line under
    its music; a mid-tune key or meter change starts a line after its 'M:'/'K:' field."""
    count = len(bars)
    starts, ends = {r.start for r in sheet.repeats}, {r.end for r in sheet.repeats}
    openings = {e.start: ",".join(str(n) for n in e.numbers) for e in sheet.endings}
    fields: dict[int, list[str]] = {}
    for bar, m in sheet.meter_changes:
        fields.setdefault(bar, []).append(f"M:{m}")
    for bar, k in sheet.key_changes:
        fields.setdefault(bar, []).append(f"K:{_abc_key(k)}")
    out: list[str] = []
    line: list[int] = []

    def flush() -> None:
        if line:
            out.append(" ".join(("|:" if i in starts and (i == 0 or i in fields) else "")
                                + (f"[{openings[i]} " if i in openings else "")
                                + bars[i] + " " + _closer(i, count, starts - set(fields), ends) for i in line))
            if syllables is not None:
                out.append("w:" + " | ".join(_join_syllables(syllables[i]) for i in line))
            line.clear()

    for i in range(count):
        if i in fields:
            flush()
            out += fields[i]
        line.append(i)
        if len(line) == 4:
            flush()
    flush()
    return out


def _closer(bar: int, count: int, starts: set[int], ends: set[int]) -> str:
    """The bar line after bar ``bar``: ':|' ends a repeat, '|:' starts one, ':||:' both (music21 reads
    no '::'), '|]' ends the tune."""
    close = ":|" if bar in ends else "|]" if bar == count - 1 else "|"
    if bar + 1 in starts:
        return ":||:" if close == ":|" else "|:"
    return close


def _abc_key(k: Key) -> str:
    short = {"major": "", "minor": "m", "dorian": "dor", "phrygian": "phr", "lydian": "lyd",
             "mixolydian": "mix", "locrian": "loc"}
    return k.tonic + short[k.mode]


def _abc_lyric(syllable: str) -> str:
    if syllable in ("*", "_"):
        return syllable
    hyphen = "-" if syllable.endswith("-") else ""
    return (syllable[: len(syllable) - len(hyphen)].replace("-", "\\-").replace(" ", "~") or "*") + hyphen


def _join_syllables(words: list[str]) -> str:
    """'hap-' 'py' -> 'hap-py': a trailing hyphen already separates the syllables."""
    return "".join(w if w.endswith("-") else w + " " for w in words).strip()
