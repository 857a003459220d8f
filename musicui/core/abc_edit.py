"""An edit made elsewhere (the piano roll) written back into the user's ABC text with the least change:
the header, the unit length, the line breaks and the spacing stay; only the bars whose notes or
chords changed are rewritten (new bars at the end are added to the last line). Where the text cannot
be kept (lyrics lines, a bar count the text does not show), the whole tune is written anew."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from musicui.core.abc import HEADER_RE, write_abc
from musicui.core.leadsheet import EPSILON, LeadSheet

# A bar line: |, ||, |], [|, |:, :|, ::, :|:, with a first/second ending number after it.
BAR_LINE_RE = re.compile(r":*\|[\]|:]*(?:\[?\d+(?:[-,]\d+)*)?|\[\||::+")
# What may hold a "|" that is not a bar line: chord symbols and annotations, decorations, inline fields, comments.
OPAQUE_RE = re.compile(r'"[^"]*"|![^!\n]*!|\+[^+\n]*\+|\[[A-Za-z]:[^\]\n]*\]|%.*')

BarContent = tuple[tuple, tuple]


def edited_abc(text: str, before: LeadSheet, after: LeadSheet,
               parse: Callable[[str], LeadSheet] | None = None) -> str:
    """``text`` (the ABC of ``before``) changed to say ``after``; checked by reading it back with ``parse``."""
    from musicui.core.abc import parse_abc

    parse = parse or parse_abc
    kept = _rewritten_bars(text, before, after)
    if kept is not None:
        try:
            if _same_music(parse(kept), after):
                return kept
        except Exception:  # noqa: BLE001 - the fallback below is always readable
            pass
    return write_abc(after)


def _rewritten_bars(text: str, before: LeadSheet, after: LeadSheet) -> str | None:
    """The text with the changed bars replaced, or None where that cannot be done faithfully."""
    head_end = _body_start(text)
    if head_end is None or re.search(r"^\s*w:", text[head_end:], re.MULTILINE):
        return None
    unit = _unit(text[:head_end])
    spans = bar_spans(text, head_end)
    if unit is None or len(spans) != before.num_bars or before.pickup != after.pickup:
        return None
    new_bars = _bar_texts(after, unit)
    old, new = _bar_contents(before), _bar_contents(after)
    pieces, cursor = [], 0
    for index, (start, stop) in enumerate(spans):
        pieces.append(text[cursor:start])
        if index >= len(new):
            return None  # bars taken away: not a local edit
        pieces.append(text[start:stop] if old[index] == new[index] else _padded(text[start:stop], new_bars[index]))
        cursor = stop
    rest = text[cursor:]
    if len(new) > len(spans):  # new bars at the end: before the final bar line
        added = " | ".join(new_bars[len(spans):])
        final = BAR_LINE_RE.match(rest.lstrip())
        if final is None:
            return None
        lead = rest[:len(rest) - len(rest.lstrip())]
        rest = f"{lead}| {added} {rest.lstrip()}"
    return "".join(pieces) + rest


def _padded(old: str, new: str) -> str:
    """The new bar with the old one's surrounding spaces."""
    lead = old[:len(old) - len(old.lstrip())]
    trail = old[len(old.rstrip()):]
    return lead + new + trail


def _body_start(text: str) -> int | None:
    """The offset where the tune's notes start (after the K: line), None without one."""
    offset = 0
    for line in text.splitlines(keepends=True):
        header = HEADER_RE.match(line.strip())
        offset += len(line)
        if header and header.group(1) == "K":
            return offset
    return None


def _unit(head: str) -> Fraction | None:
    """The unit note length the header sets (as a fraction of a whole note); None if it is unusual."""
    match = re.search(r"^\s*L:\s*(\d+)\s*/\s*(\d+)", head, re.MULTILINE)
    return Fraction(int(match.group(1)), int(match.group(2))) if match else None


def bar_spans(text: str, body_start: int) -> list[tuple[int, int]]:
    """(start, stop) of each bar's text in the body, in order; segments with no notes are not bars."""
    body = text[body_start:]
    masked = OPAQUE_RE.sub(lambda m: " " * len(m.group()), body)
    masked = re.sub(r"^\s*[A-Za-z]:.*$", lambda m: " " * len(m.group()), masked, flags=re.MULTILINE)
    spans, start = [], 0
    for match in BAR_LINE_RE.finditer(masked):
        if re.search(r"[A-Ga-gz]", masked[start:match.start()]):
            spans.append((body_start + start, body_start + match.start()))
        start = match.end()
    if re.search(r"[A-Ga-gz]", masked[start:]):
        spans.append((body_start + start, body_start + len(masked.rstrip())))
    return spans


def _bar_texts(sheet: LeadSheet, unit: Fraction) -> list[str]:
    """Each bar of ``sheet`` as ABC text at the unit length ``unit``."""
    text = write_abc(sheet, unit_note=unit)
    body = text[_body_start(text):]
    return [body[start - _body_start(text):stop - _body_start(text)].strip()
            for start, stop in bar_spans(text, _body_start(text))]


def _bar_contents(sheet: LeadSheet) -> list[BarContent]:
    """What each bar holds, relative to its start: its notes and chord symbols."""
    starts = sheet.bar_starts() + [sheet.end_beats]
    contents = []
    for start, stop in zip(starts, starts[1:]):
        notes = tuple((round(n.onset - start, 6), round(n.duration, 6), n.pitch, n.lyric) for n in sheet.notes
                      if start - EPSILON <= n.onset < stop - EPSILON or n.onset < start - EPSILON < n.end - 2 * EPSILON)
        chords = tuple((round(c.onset - start, 6), c.symbol) for c in sheet.chords
                       if start - EPSILON <= c.onset < stop - EPSILON)
        contents.append((notes, chords))
    return contents


def _same_music(read: LeadSheet, wanted: LeadSheet) -> bool:
    def notes(sheet: LeadSheet) -> list:
        return [(round(n.onset, 4), round(n.duration, 4), n.pitch) for n in sheet.notes]

    def chords(sheet: LeadSheet) -> list:
        return [(round(c.onset, 4), c.symbol) for c in sheet.chords]

    return notes(read) == notes(wanted) and chords(read) == chords(wanted) and read.pickup == wanted.pickup
