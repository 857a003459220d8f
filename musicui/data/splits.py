"""Near-duplicate detection and train/validation/test splits by tune.

A tune's fingerprint is its transposition-invariant interval-and-rhythm sequence: for each note
after the first, (semitones from the previous note, log2 of its duration over the previous one).
It ignores key, octave, unit length and tempo, so the same tune under another name, key or
note length matches. Two tunes are near duplicates when most of the shorter one's 8-note
shingles occur in the other (containment >= 0.5), or their whole fingerprints are equal
(exact duplicates: flagged with the id they copy). Near duplicates are grouped and a group never spans
two splits, so no test melody matches a training melody.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict

from musicui.core.leadsheet import LeadSheet

SHINGLE = 8
CONTAINMENT = 0.5
MAX_POSTING = 60  # shingles shared by more tunes than this are common figures (scales), not evidence


def fingerprint(sheet: LeadSheet) -> tuple[tuple[int, int], ...]:
    notes = sheet.notes
    out = []
    for a, b in zip(notes, notes[1:]):
        ratio = round(2 * math.log2(max(b.duration, 1e-3) / max(a.duration, 1e-3)))
        out.append((b.pitch - a.pitch, ratio))
    return tuple(out)


def shingles(fp: tuple, size: int = SHINGLE) -> set[int]:
    out = set()
    for i in range(0, max(1, len(fp) - size + 1)):
        h = hashlib.blake2b(repr(fp[i:i + size]).encode(), digest_size=8).digest()
        out.add(int.from_bytes(h, "little"))
    return out


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_duplicates(fps: list[tuple]) -> dict:
    """Exact duplicates (to drop) and near-duplicate groups (to keep in one split)."""
    n = len(fps)
    exact_first: dict[tuple, int] = {}
    exact_dupes: dict[int, int] = {}  # index -> index of the kept copy
    for i, fp in enumerate(fps):
        if fp in exact_first:
            exact_dupes[i] = exact_first[fp]
        else:
            exact_first[fp] = i
    sh = [shingles(fp) for fp in fps]
    posting: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        if i in exact_dupes:
            continue
        for h in s:
            posting[h].append(i)
    uf = UnionFind(n)
    pairs = 0
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for h, ids in posting.items():
        if 1 < len(ids) <= MAX_POSTING:
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    shared[(ids[x], ids[y])] += 1
    for (a, b), count in shared.items():
        smaller = min(len(sh[a]), len(sh[b]))
        if smaller and count / smaller >= CONTAINMENT:
            uf.union(a, b)
            pairs += 1
    for i, j in exact_dupes.items():
        uf.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)
    return {"exact": exact_dupes, "near_pairs": pairs, "group_of": [uf.find(i) for i in range(n)],
            "groups": {g: m for g, m in groups.items() if len(m) > 1}}


def split_of(group_key: str, fractions=(0.9, 0.05, 0.05)) -> str:
    h = int.from_bytes(hashlib.blake2b(group_key.encode(), digest_size=8).digest(), "little") / 2 ** 64
    if h < fractions[0]:
        return "train"
    return "validation" if h < fractions[0] + fractions[1] else "test"


def assign_splits(ids: list[str], sheets: list[LeadSheet]) -> dict:
    """Split name per item, the id an exact duplicate copies (else None), and duplicate counts.
    Exact duplicates stay in the corpus, flagged, in the same split as the tune they copy (a chorale
    melody harmonized twice by Bach is two lead sheets; a loader may drop flagged folk copies)."""
    fps = [fingerprint(s) for s in sheets]
    dup = find_duplicates(fps)
    group_key = {}
    for i, g in enumerate(dup["group_of"]):
        group_key.setdefault(g, ids[g])
    splits = []
    for i in range(len(ids)):
        splits.append(split_of(group_key[dup["group_of"][i]]))
    near_members = sum(len(m) for m in dup["groups"].values())
    return {
        "split": splits, "group": [group_key[g] for g in dup["group_of"]],
        "duplicate_of": [ids[dup["exact"][i]] if i in dup["exact"] else None for i in range(len(ids))],
        "exact_duplicates": len(dup["exact"]),
        "near_duplicate_pairs": dup["near_pairs"], "near_duplicate_groups": len(dup["groups"]),
        "tunes_in_near_duplicate_groups": near_members,
        "fingerprints": fps,
    }


def leakage(fps: list[tuple], splits: list[str | None]) -> int:
    """Test tunes whose shingles are mostly contained in a training tune (should be 0)."""
    sh = [shingles(fp) for fp in fps]
    posting: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        if splits[i] == "train":
            for h in s:
                posting[h].append(i)
    bad = 0
    for i, s in enumerate(sh):
        if splits[i] != "test":
            continue
        counts: dict[int, int] = defaultdict(int)
        for h in s:
            ids = posting.get(h, [])
            if len(ids) <= MAX_POSTING:
                for j in ids:
                    counts[j] += 1
        if any(c / min(len(s), len(sh[j])) >= CONTAINMENT for j, c in counts.items()):
            bad += 1
    return bad
