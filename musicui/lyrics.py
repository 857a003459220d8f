"""Lyrics -> sung syllables: one note per syllable, a phrase per line, stresses and the words' mood.

English words are split with the CMU pronouncing dictionary (syllable count and stress) and pyphen
(where to hyphenate the written word); Chinese takes one character per syllable; mixed lines work.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from musicui.core.limits import LIMITS

MAX_LINES = 16
MAX_LINE_SYLLABLES = 24  # a longer line is split into two phrases
MAX_CHARACTERS = LIMITS.lyrics_chars
# Short English words that are sung unstressed unless the line is all of them.
FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at by for from with as is are was were be been am it its i you he she we "
    "they me my your his her our their this that these those so if then than not no do does did has have had "
    "will would can could shall should may might must up out off oh".split())
TOKEN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]|[^\W\d_]+(?:['’][^\W\d_]+)*|\d+",
                      re.UNICODE)
VOWEL_GROUP_RE = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+", re.IGNORECASE)
# Mood words for Chinese lyrics and prompts (the English side uses VADER).
CHINESE_MOOD = {
    "喜": 1, "乐": 1, "欢": 1, "笑": 1, "爱": 0.6, "春": 0.6, "阳": 0.5, "光": 0.4, "花": 0.4, "美": 0.7, "甜": 0.8,
    "暖": 0.6, "希望": 1, "快": 0.5, "幸福": 1, "晴": 0.6, "梦": 0.3,
    "悲": -1, "哀": -1, "泪": -1, "愁": -1, "苦": -0.8, "孤": -0.8, "独": -0.5, "别": -0.6, "离": -0.6, "痛": -1,
    "伤": -0.9, "寒": -0.5, "冷": -0.5, "夜": -0.2, "雨": -0.3, "思念": -0.4, "失": -0.7, "恨": -1,
}


@dataclass(frozen=True)
class Syllable:
    text: str  # as printed under the note; ends with "-" when the word goes on
    stressed: bool


@dataclass(frozen=True)
class LyricLine:
    syllables: tuple[Syllable, ...]

    @property
    def text(self) -> str:
        return "".join(s.text if s.text.endswith("-") else s.text + " " for s in self.syllables).strip()


@dataclass(frozen=True)
class Lyrics:
    lines: tuple[LyricLine, ...]
    valence: float  # -1 (sad) .. 1 (happy), from the words
    notices: tuple[str, ...] = ()  # what was cut or dropped, for the user


def is_cjk(char: str) -> bool:
    return len(char) == 1 and unicodedata.east_asian_width(char) in ("W", "F") and char.isalpha()


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=8192)
def word_syllables(word: str) -> tuple[Syllable, ...]:
    """An English (or other Latin-script) word as sung syllables with their stresses."""
    import pronouncing

    lower = word.lower().replace("’", "'")
    phones = pronouncing.phones_for_word(lower)
    stresses = pronouncing.stresses(phones[0]) if phones else ""
    pieces = _hyphenator().inserted(word).split("-")
    count = len(stresses) or max(len(pieces), len(VOWEL_GROUP_RE.findall(word)) if len(word) > 5 else 1, 1)
    pieces = _fit_pieces(word, pieces, count)
    if not stresses:  # unknown word: stress the first syllable
        stresses = "1" + "0" * (len(pieces) - 1)
    stresses = stresses[: len(pieces)].ljust(len(pieces), "0")
    if len(pieces) == 1:
        marks = [lower not in FUNCTION_WORDS]
    else:
        marks = [s == "1" for s in stresses]
    return tuple(Syllable(piece + ("-" if i < len(pieces) - 1 else ""), mark)
                 for i, (piece, mark) in enumerate(zip(pieces, marks)))


def _fit_pieces(word: str, pieces: list[str], count: int) -> list[str]:
    """Hyphenation pieces made to match the spoken syllable count (merging or splitting at vowels)."""
    while len(pieces) > count:
        shortest = min(range(len(pieces) - 1), key=lambda i: len(pieces[i]) + len(pieces[i + 1]))
        pieces[shortest:shortest + 2] = [pieces[shortest] + pieces[shortest + 1]]
    if len(pieces) < count:
        groups = list(VOWEL_GROUP_RE.finditer(word))
        if len(groups) >= count:  # cut before each vowel group's consonant onset
            cuts = [max(groups[i - 1].end(), groups[i].start() - 1) for i in range(1, count)]
            bounds = [0] + cuts + [len(word)]
            pieces = [word[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    return pieces


def line_syllables(line: str) -> list[Syllable]:
    out: list[Syllable] = []
    for token in TOKEN_RE.findall(line):
        if is_cjk(token):
            out.append(Syllable(token, False))
        elif token.isdigit():
            out += [Syllable(d, True) for d in token]
        else:
            out += word_syllables(token)
    if out and not any(s.stressed for s in out):
        out[0] = Syllable(out[0].text, True)
    return out


def parse_lyrics(text: str, max_lines: int = MAX_LINES) -> Lyrics:
    """Lyrics text -> lines of syllables, with notices for whatever had to be cut."""
    if not isinstance(text, str):
        raise ValueError("lyrics must be text")
    notices = []
    if len(text) > MAX_CHARACTERS:
        text = text[:MAX_CHARACTERS]
        notices.append(f"the lyrics were cut to their first {MAX_CHARACTERS} characters")
    lines: list[LyricLine] = []
    for raw in text.replace("\r", "").split("\n"):
        syllables = line_syllables(raw)
        while len(syllables) > MAX_LINE_SYLLABLES:  # split a long line at the word boundary nearest its middle
            cut = _word_boundary_near(syllables, len(syllables) // 2)
            lines.append(LyricLine(tuple(syllables[:cut])))
            syllables = syllables[cut:]
        if syllables:
            lines.append(LyricLine(tuple(syllables)))
    if len(lines) > max_lines:
        notices.append(f"only the first {max_lines} of {len(lines)} lyric lines are set to music")
        lines = lines[:max_lines]
    return Lyrics(tuple(lines), lyric_valence(text), tuple(notices))


def _word_boundary_near(syllables: list[Syllable], middle: int) -> int:
    ends = [i + 1 for i, s in enumerate(syllables[:-1]) if not s.text.endswith("-")]
    return min(ends, key=lambda i: abs(i - middle)) if ends else middle


def phrase_bars(syllables: int, bar_beats: float) -> int:
    """Bars for a line: two for a usual line, four for a long one (about a syllable and a half per beat at most)."""
    bars = 2
    while syllables > bars * bar_beats * 1.5:
        bars *= 2
    return bars


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lyric_valence(text: str) -> float:
    """-1..1: VADER for the English words, a small mood lexicon for Chinese, weighted by their share."""
    cjk = [c for c in text if is_cjk(c)]
    latin = re.sub(r"[\u3400-\u9fff]", " ", text).strip()
    scores, weights = [], []
    if latin and re.search(r"[A-Za-z]", latin):
        scores.append(_vader().polarity_scores(latin)["compound"])
        weights.append(len(latin.split()))
    if cjk:
        joined = "".join(cjk)
        hits = [v for word, v in CHINESE_MOOD.items() if word in joined]
        scores.append(math.tanh(sum(hits)) if hits else 0.0)
        weights.append(len(cjk) / 1.5)
    if not scores:
        return 0.0
    return sum(s * w for s, w in zip(scores, weights)) / sum(weights)
