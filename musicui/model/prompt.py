"""Explicit musical words in a prompt, parsed exactly: 'in D minor', 'at 90 bpm', 'a waltz', '6/8'.

Whatever is named here wins over the attribute head's guess; vague words are left to the head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from musicui.core.leadsheet import Key, Meter

_NOTE = r"([A-Ga-g])(\s?(?:#|♯|b|♭|-?sharp|-?flat))?"
_MODE_WORD = r"(major|minor|dorian|phrygian|lydian|mixolydian|locrian|aeolian|ionian)"
# 'D minor', 'F# major', 'Bb dorian' with a capital letter anywhere; 'in a minor' only after 'in'/'key of'.
KEY_RE = re.compile(rf"(?<![A-Za-z]){_NOTE}\s*-?\s*{_MODE_WORD}\b(?!\s+key)", re.IGNORECASE)
KEY_SHORT_RE = re.compile(r"\b(?:in|key\s+of)\s+([A-G])([#b♯♭]?)(m|maj|min)?(?![A-Za-z#♯♭])")
MODE_ONLY_RE = re.compile(rf"\b(?:in\s+(?:a\s+)?|a\s+){_MODE_WORD}(?:\s+key)?\b", re.IGNORECASE)
CHINESE_KEY_RE = re.compile(r"([A-Ga-g])\s*([#b♯♭]?)\s*(大调|小调)")
TEMPO_RE = re.compile(r"(\d{2,3})\s*(?:bpm|beats\s+(?:per|a)\s+minute|b\.p\.m\.)|♩\s*=\s*(\d{2,3})|每分钟\s*(\d{2,3})\s*拍",
                      re.IGNORECASE)
METER_RE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
TEMPO_WORDS = {  # Italian markings a musician may type, with a typical bpm
    "largo": 50, "grave": 45, "adagio": 66, "andante": 84, "moderato": 108, "allegretto": 116,
    "allegro": 132, "vivace": 152, "presto": 176,
}
# Style words that also fix the meter (a waltz is in 3, a jig in 6/8).
STYLE_METERS = {"waltz": "3/4", "minuet": "3/4", "mazurka": "3/4", "jig": "6/8", "slip jig": "9/8",
                "march": "2/4", "reel": "4/4", "hornpipe": "4/4", "polka": "2/4", "圆舞曲": "3/4", "进行曲": "2/4"}


@dataclass(frozen=True)
class ExplicitAttributes:
    key: Key | None = None
    tempo: float | None = None
    meter: Meter | None = None
    style_word: str | None = None
    mode: str | None = None  # also set when only the mode is named ('in a minor key')

    def named(self) -> list[str]:
        return [name for name in ("key", "tempo", "meter") if getattr(self, name) is not None]


def _key_from(letter: str, accidental: str | None, mode: str) -> Key:
    accidental = (accidental or "").strip().lower().lstrip("-")
    sign = {"#": "#", "♯": "#", "sharp": "#", "b": "b", "♭": "b", "flat": "b"}.get(accidental, "")
    mode = mode.lower()
    mode = {"maj": "major", "min": "minor", "m": "minor", "aeolian": "minor", "ionian": "major"}.get(mode, mode)
    return Key(letter.upper() + sign, mode)


def parse_explicit(text: str) -> ExplicitAttributes:
    key = tempo = meter = style = None
    mode = None
    for match in KEY_RE.finditer(text):
        preceded_by_in = re.search(r"\b(in|key\s+of)\s+$", text[: match.start()], re.IGNORECASE)
        if match.group(1).isupper() or preceded_by_in:
            key = _key_from(match.group(1), match.group(2), match.group(3))
            break
    if key is None and (match := CHINESE_KEY_RE.search(text)):
        key = _key_from(match.group(1), match.group(2), "major" if match.group(3) == "大调" else "minor")
    if key is None and (match := KEY_SHORT_RE.search(text)):
        key = _key_from(match.group(1), match.group(2), match.group(3) or "major")
    if key is None and (match := MODE_ONLY_RE.search(text)):
        mode = {"aeolian": "minor", "ionian": "major"}.get(match.group(1).lower(), match.group(1).lower())
    if (match := TEMPO_RE.search(text)):
        value = float(next(g for g in match.groups() if g))
        tempo = value if 30 <= value <= 300 else None
    else:
        words = [w for w in TEMPO_WORDS if re.search(rf"\b{w}\b", text, re.IGNORECASE)]
        tempo = float(TEMPO_WORDS[words[0]]) if words else None
    for candidate in METER_RE.finditer(text):
        try:
            meter = Meter(int(candidate.group(1)), int(candidate.group(2)))
            break
        except ValueError:
            continue
    lowered = text.lower()
    for word in sorted(STYLE_METERS, key=len, reverse=True):
        if re.search(rf"\b{word}e?s?\b" if word.isascii() else word, lowered):
            style = word
            meter = meter or Meter.parse(STYLE_METERS[word])
            break
    return ExplicitAttributes(key, tempo, meter, style, mode or (key.mode if key else None))
