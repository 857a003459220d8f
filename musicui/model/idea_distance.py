"""How different the four ideas of one compose are when the user fixed everything (key, meter, tempo,
style, mood, form): only the notes can differ. Measured as the edit distance between two melodies'
note sequences, normalised to 0 (the same tune) .. 1 (nothing in common), on three views: the
whole line (interval and duration per note), its contour (up, down, same) and its rhythm (durations).
For scale, the same distances between two different human tunes of the held-out split.

    python -m musicui.evaluate CHECKPOINT --idea-distance [--card]
"""

from __future__ import annotations

import random
from itertools import combinations
from statistics import mean

from musicui.core.leadsheet import LeadSheet

VIEWS = ("line", "contour", "rhythm")
# Prompts with every attribute fixed by the user: the ideas can differ only in their notes.
FIXED_PROMPTS = (
    ("a hopeful spring morning", dict(key="G major", meter="4/4", tempo=104, style="folk", mood="cheerful")),
    ("a slow sad farewell", dict(key="D minor", meter="3/4", tempo=84, style="waltz", mood="melancholic")),
    ("a proud parade", dict(key="Bb major", meter="2/4", tempo=116, style="march", mood="joyful")),
    ("a quiet evening prayer", dict(key="F major", meter="4/4", tempo=72, style="chorale", mood="calm")),
    ("a late night in a jazz club", dict(key="Eb major", meter="4/4", tempo=132, style="swing", mood="warm")),
    ("a jig for the session", dict(key="D major", meter="6/8", tempo=174, style="folk", mood="joyful")),
)


def note_sequence(sheet: LeadSheet, view: str) -> list[tuple]:
    """Per note after the first: its interval (clipped to an octave) and duration, or one of them."""
    notes = sorted((n for n in sheet.notes if n.pitch is not None), key=lambda n: n.onset)
    out = []
    for before, note in zip(notes, notes[1:]):
        step = max(-12, min(12, note.pitch - before.pitch))
        duration = round(note.duration * 12) / 12
        out.append({"line": (step, duration), "contour": ((step > 0) - (step < 0),), "rhythm": (duration,)}[view])
    return out


def edit_distance(a: list, b: list) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, each costing one."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def melodic_distance(a: LeadSheet, b: LeadSheet, view: str = "line") -> float:
    """0 (the same notes) .. 1 (no note in common), the edit distance over the longer sequence."""
    first, second = note_sequence(a, view), note_sequence(b, view)
    return edit_distance(first, second) / max(len(first), len(second), 1)


def pairwise(sheets: list[LeadSheet]) -> dict[str, float]:
    """The mean distance over every pair of sheets, per view."""
    pairs = list(combinations(sheets, 2))
    return {view: mean(melodic_distance(a, b, view) for a, b in pairs) for view in VIEWS} if pairs else {}


def idea_distances(seed: int = 0, candidates: int = 4) -> dict[str, dict]:
    """Per fixed prompt: the four ideas' mean pairwise distance per view (the studio's own compose)."""
    from musicui.studio import compose

    report = {}
    for index, (text, fixed) in enumerate(FIXED_PROMPTS):
        result = compose(text, candidates=candidates, seed=seed + 100 * index, bars=8, **fixed)
        report[text] = {**pairwise([take.sheet for take in result.takes]),
                        "attributes differ": len({tuple(sorted(take.like().items())) for take in result.takes}) > 1}
    return report


def human_reference(records: list[dict], pairs: int = 60, seed: int = 0) -> dict[str, float]:
    """The same distances between two different human tunes (8-bar excerpts, same style and meter)."""
    from musicui.model.musicality_eval import human_excerpts

    rng = random.Random(seed)
    sheets = [s for style in ("folk", "pop", "chorale") for s in human_excerpts(records, style, 40, seed)]
    by_meter: dict[str, list[LeadSheet]] = {}
    for sheet in sheets:
        by_meter.setdefault(str(sheet.meter), []).append(sheet)
    groups = [group for group in by_meter.values() if len(group) > 1]
    chosen = [rng.sample(rng.choice(groups), 2) for _ in range(pairs)]
    return {view: mean(melodic_distance(a, b, view) for a, b in chosen) for view in VIEWS}


def markdown(report: dict, human: dict | None) -> str:
    lines = ["| prompt (all fixed) | line | contour | rhythm | attributes differ |", "|---|---|---|---|---|"]
    for text, row in report.items():
        lines.append(f"| {text} | " + " | ".join(f"{row[v]:.2f}" for v in VIEWS) + f" | {'yes' if row['attributes differ'] else 'no'} |")
    if report:
        lines.append("| **mean over prompts** | " + " | ".join(f"{mean(r[v] for r in report.values()):.2f}" for v in VIEWS) + " | |")
    if human:
        lines.append("| two different human tunes | " + " | ".join(f"{human[v]:.2f}" for v in VIEWS) + " | |")
    return "\n".join(lines)
