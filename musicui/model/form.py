"""Form: the phrase plan of a piece (AABA, ABAC, AA'BA' ...), read from tunes and learned per style.

A piece is cut into phrases of ``phrase_bars`` bars (2 in 8 bars, 4 in 16 or more). Each phrase gets
a letter: the letter of the first earlier phrase it restates (most of its notes at the same places),
primed when it keeps that phrase's rhythm or opening with other notes (A'), else the next new letter.

    python -m musicui.model.form --corpus cache/corpus     # writes musicui/model/forms.json
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from musicui.core.leadsheet import LeadSheet
from musicui.model.musicality import Bar, bar_similarity, bars_of

FORMS = Path(__file__).with_name("forms.json")
RESTATED = 0.6  # mean bar similarity above which a phrase restates an earlier one
LENGTHS = (8, 16, 32)  # piece lengths a form is learned for


def phrase_bars(bars: int) -> int:
    """Bars per phrase: 2 in pieces up to 8 bars, 4 in longer ones."""
    return 2 if bars <= 8 else 4


def _restates(phrase: list[Bar], earlier: list[Bar]) -> float:
    return sum(bar_similarity(a, b) for a, b in zip(phrase, earlier)) / len(phrase)


def _varies(phrase: list[Bar], earlier: list[Bar]) -> bool:
    """The same rhythm throughout, or the same first bar (an opening with a new ending)."""
    return all(a.rhythm == b.rhythm for a, b in zip(phrase, earlier)) or bar_similarity(phrase[0], earlier[0]) >= 0.9


def phrase_letters(sheet: LeadSheet, bars: int, per_phrase: int | None = None) -> str:
    """The form of the first ``bars`` full bars, e.g. "AABA" or "ABA'C" ("" when the sheet is shorter)."""
    all_bars = bars_of(sheet)
    if len(all_bars) < bars:
        return ""
    size = per_phrase or phrase_bars(bars)
    phrases = [all_bars[i:i + size] for i in range(0, bars, size)]
    letters: list[str] = []
    firsts: dict[str, list[Bar]] = {}
    for phrase in phrases:
        letter = next((name for name, first in firsts.items() if _restates(phrase, first) >= RESTATED), None)
        if letter is None:
            letter = next((name + "'" for name, first in firsts.items() if _varies(phrase, first)), None)
        if letter is None:
            letter = "ABCDEFGH"[len(firsts)]
            firsts[letter] = phrase
        letters.append(letter)
    return "".join(letters)


def learn(records: list[dict]) -> dict:
    """For each corpus style and piece length: how often each form opens a tune, most common first."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        sheet = LeadSheet.from_dict(record["sheet"])
        style = record.get("controls", {}).get("style", "folk")
        for length in LENGTHS:
            form = phrase_letters(sheet, length)
            if form:
                counts[f"{style} {length}"][form] += 1
    return {key: dict(counter.most_common(12)) for key, counter in sorted(counts.items())}


@dataclass(frozen=True)
class FormTable:
    """The learned forms: style and length -> {form: count}."""
    forms: dict[str, dict[str, int]]

    @classmethod
    def load(cls, path: Path = FORMS) -> FormTable:
        return cls(json.loads(path.read_text()))

    def choose(self, style: str, bars: int, rng: random.Random) -> str:
        """A form for a piece, drawn as often as the corpus opens tunes with it (the nearest length)."""
        length = min(LENGTHS, key=lambda n: (abs(n - bars), n))
        table = self.forms.get(f"{style} {length}") or self.forms.get(f"folk {length}") or {"AB": 1}
        forms, weights = zip(*table.items())
        return rng.choices(forms, weights)[0]


def main(argv: list[str] | None = None) -> None:
    from musicui.data.build import DEFAULT_CACHE
    from musicui.model.dataset import load_split

    parser = argparse.ArgumentParser(prog="python -m musicui.model.form", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=FORMS)
    args = parser.parse_args(argv)
    table = learn(load_split(args.corpus, "train"))
    args.out.write_text(json.dumps(table, indent=1))
    for key, forms in table.items():
        total = sum(forms.values())
        print(key, ", ".join(f"{form} {count / total:.0%}" for form, count in list(forms.items())[:6]))


if __name__ == "__main__":
    main()
