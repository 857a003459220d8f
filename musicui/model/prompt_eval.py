"""Text -> plan on prompts written as users write them (``user_prompts.json``: moods, scenes,
occasions, genres in and out of the studio, tempo words, dances, typos, emoji; English and
Chinese), each labelled before any output was seen. Reported per language and attribute, with the
pairwise order of valence and arousal (the brighter prompt of a pair must come out brighter).

    python -m musicui.evaluate checkpoints/musicui-small --prompt-suite
"""

from __future__ import annotations

import bisect
import json
from itertools import combinations
from pathlib import Path

from musicui.core.leadsheet import Key
from musicui.core.theory import mode_family
from musicui.model.attributes import LEVELS, Plan
from musicui.model.prompt import english_gloss

USER_PROMPTS = Path(__file__).with_name("user_prompts.json")
TEMPO_BINS = ("slow", "moderate", "lively", "fast")
COUNTED_EDGES = (76, 109, 141)  # counted beats a minute: slow < 76 <= moderate < 109 <= lively < 141 <= fast


def tempo_bin(chosen: Plan) -> str:
    """The plan's tempo as musicians count it (a jig's dotted quarter), in the suite's bins."""
    return TEMPO_BINS[bisect.bisect_right(COUNTED_EDGES, chosen.tempo / chosen.meter.pulse_beats)]


def checks(item: dict, chosen: Plan) -> dict[str, bool]:
    """Each labelled attribute of a prompt: did the plan get it?"""
    found = {"style": chosen.arrangement == item.get("style"),
             "outside genre named": bool(chosen.notes) == bool(item.get("outside")),
             "tempo bin": tempo_bin(chosen) == item.get("tempo"),
             "meter": str(chosen.meter) == item.get("meter"),
             "mode": mode_family(chosen.key) == item.get("mode"),
             "key": item.get("key") is not None and chosen.key == Key.parse(item["key"]),
             "valence": chosen.valence == item.get("valence"), "arousal": chosen.arousal == item.get("arousal"),
             "instrument": chosen.instrument == (item.get("instrument") or "")}
    labelled = {"outside genre named": True, "instrument": True}  # naming one where none was asked is wrong too
    return {name: ok for name, ok in found.items()
            if labelled.get(name) or item.get(name.split(" ")[0]) is not None}


def pair_order(labels: list[str], scores: list[float]) -> float | None:
    """Of all pairs with different labels, the share the scores put in the labels' order (ties half)."""
    right = total = 0.0
    for (label_a, a), (label_b, b) in combinations(zip(labels, scores), 2):
        if label_a == label_b:
            continue
        higher = LEVELS.index(label_a) > LEVELS.index(label_b)
        total += 1
        right += 0.5 if a == b else float((a > b) == higher)
    return right / total if total else None


def prompt_suite_report(composer, suite: Path = USER_PROMPTS) -> dict:
    """{'en': {attribute: share right, ...}, 'zh': {...}} with counts and pair orders."""
    items = json.loads(Path(suite).read_text(encoding="utf-8"))
    report: dict[str, dict] = {}
    for lang in sorted({item["lang"] for item in items}):
        hits: dict[str, list[int]] = {}
        moods: dict[str, tuple[list, list]] = {"valence": ([], []), "arousal": ([], [])}
        mine = [item for item in items if item["lang"] == lang]
        for item in mine:
            text = english_gloss(item["text"])  # as the studio reads it
            chosen = composer.plan(text)
            for name, ok in checks(item, chosen).items():
                hits.setdefault(name, [0, 0])
                hits[name][0] += ok
                hits[name][1] += 1
            if chosen.mood_score is not None:
                for axis, (labels, values), score in zip(moods, moods.values(), chosen.mood_score):
                    if item.get(axis):
                        labels.append(item[axis])
                        values.append(score)
        section = {name: {"right": hit / total, "prompts": total} for name, (hit, total) in hits.items()}
        for axis, (labels, values) in moods.items():
            section[f"{axis} pair order"] = {"right": pair_order(labels, values), "prompts": len(labels)}
        report[lang] = {"prompts": len(mine), "attributes": section}
    return report


def markdown(report: dict) -> str:
    langs = sorted(report)
    names = list(dict.fromkeys(name for lang in langs for name in report[lang]["attributes"]))
    lines = ["| attribute | " + " | ".join(f"{lang} ({report[lang]['prompts']} prompts)" for lang in langs) + " |",
             "|---|" + "---|" * len(langs)]
    for name in names:
        cells = []
        for lang in langs:
            cell = report[lang]["attributes"].get(name)
            cells.append("—" if not cell or cell["right"] is None else f"{cell['right']:.1%} of {cell['prompts']}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
