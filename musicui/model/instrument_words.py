"""Instruments named in the words ('a lullaby on the music box', '大提琴独奏'), read exactly: the
melody is played on the General MIDI program nearest to the named instrument."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class InstrumentReading:
    name: str  # the instrument as a musician names it: 'cello', 'erhu'
    program: int  # the nearest General MIDI program (0-127)


# word -> (name, GM program); instruments GM lacks get their nearest (erhu: fiddle, guzheng: koto)
INSTRUMENT_WORDS: dict[str, tuple[str, int]] = {
    "grand piano": ("piano", 0), "solo piano": ("piano", 0), "piano": ("piano", 0),
    "electric piano": ("electric piano", 4), "rhodes": ("electric piano", 4), "harpsichord": ("harpsichord", 6),
    "celesta": ("celesta", 8), "glockenspiel": ("glockenspiel", 9), "music box": ("music box", 10),
    "vibraphone": ("vibraphone", 11), "vibes": ("vibraphone", 11), "marimba": ("marimba", 12),
    "xylophone": ("xylophone", 13), "church organ": ("organ", 19), "pipe organ": ("organ", 19), "organ": ("organ", 19),
    "accordion": ("accordion", 21), "harmonica": ("harmonica", 22), "ukulele": ("ukulele", 24),
    "nylon guitar": ("guitar", 24), "classical guitar": ("guitar", 24), "acoustic guitar": ("guitar", 25),
    "electric guitar": ("electric guitar", 27), "guitar": ("guitar", 25), "violin": ("violin", 40),
    "fiddle": ("violin", 40), "viola": ("viola", 41), "cello": ("cello", 42), "double bass": ("double bass", 43),
    "strings": ("strings", 48), "string quartet": ("strings", 48), "harp": ("harp", 46), "choir": ("choir", 52),
    "voices": ("voice", 53), "voice": ("voice", 53), "vocals": ("voice", 53), "humming": ("voice", 53),
    "trumpet": ("trumpet", 56), "trombone": ("trombone", 57), "tuba": ("tuba", 58), "french horn": ("horn", 60),
    "horn": ("horn", 60), "brass": ("brass", 61), "saxophone": ("saxophone", 65), "sax": ("saxophone", 65),
    "alto sax": ("saxophone", 65), "tenor sax": ("saxophone", 66), "oboe": ("oboe", 68), "bassoon": ("bassoon", 70),
    "clarinet": ("clarinet", 71), "piccolo": ("piccolo", 72), "flute": ("flute", 73), "recorder": ("recorder", 74),
    "pan flute": ("pan flute", 75), "panpipes": ("pan flute", 75), "tin whistle": ("tin whistle", 78),
    "whistle": ("tin whistle", 78), "ocarina": ("ocarina", 79), "synthesizer": ("synth", 81), "synth": ("synth", 81),
    "sitar": ("sitar", 104), "banjo": ("banjo", 105), "koto": ("koto", 107), "kalimba": ("kalimba", 108),
    "bagpipes": ("bagpipes", 109), "bagpipe": ("bagpipes", 109), "steel drums": ("steel drums", 114),
    "erhu": ("erhu", 110), "guzheng": ("guzheng", 107), "pipa": ("pipa", 106), "dizi": ("dizi", 73),
    "钢琴": ("piano", 0), "电钢琴": ("electric piano", 4), "八音盒": ("music box", 10), "音乐盒": ("music box", 10),
    "马林巴": ("marimba", 12), "木琴": ("xylophone", 13), "管风琴": ("organ", 19), "风琴": ("organ", 19),
    "手风琴": ("accordion", 21), "口琴": ("harmonica", 22), "尤克里里": ("ukulele", 24), "吉他": ("guitar", 25),
    "电吉他": ("electric guitar", 27), "小提琴": ("violin", 40), "中提琴": ("viola", 41), "大提琴": ("cello", 42),
    "弦乐": ("strings", 48), "竖琴": ("harp", 46), "合唱": ("choir", 52), "人声": ("voice", 53), "小号": ("trumpet", 56),
    "长号": ("trombone", 57), "圆号": ("horn", 60), "铜管": ("brass", 61), "萨克斯": ("saxophone", 65),
    "双簧管": ("oboe", 68), "单簧管": ("clarinet", 71), "长笛": ("flute", 73), "竖笛": ("recorder", 74),
    "合成器": ("synth", 81), "二胡": ("erhu", 110), "古筝": ("guzheng", 107), "琵琶": ("pipa", 106),
    "笛子": ("dizi", 73), "箫": ("dizi", 77), "唢呐": ("suona", 111),
}


def read_instrument(text: str) -> InstrumentReading | None:
    """The first instrument the words name (the longest where two start together: 'pipe organ')."""
    lowered = text.lower()
    found = []
    for word in INSTRUMENT_WORDS:
        pattern = re.escape(word) if not word.isascii() else rf"(?<![a-z]){re.escape(word)}(?:e?s)?(?![a-z])"
        if (match := re.search(pattern, lowered)):
            found.append((match.start(), -len(word), word))
    if not found:
        return None
    name, program = INSTRUMENT_WORDS[min(found)[2]]
    return InstrumentReading(name, program)
