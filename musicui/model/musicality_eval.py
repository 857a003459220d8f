"""The musicality evaluation: the model's 8-bar takes for a prompt suite of our own against held-out
human tunes of the test split, per style (folk, chorale, pop), with two reference rows — a first-order
Markov chain fitted on the training split, and human excerpts with their bars shuffled (a measure that
cannot tell those from real tunes is not measuring form). Features: ``musicui.model.musicality``.

    python -m musicui.evaluate CHECKPOINT --musicality
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from pathlib import Path

from musicui.core.leadsheet import ChordSymbol, LeadSheet, Note
from musicui.model.musicality import FEATURES, Excerpt, bars_of, features, mean_profile, overlap, two_sample_auc
from musicui.model.originality import bar_pair_keys

PROMPTS = Path(__file__).with_name("musicality_prompts.json")
DEV_PROMPTS = Path(__file__).with_name("musicality_dev_prompts.json")  # for tuning decoding, never reported
STYLES = ("folk", "chorale", "pop")
EXCERPT_BARS = 8


def human_excerpts(records: list[dict], style: str, count: int, seed: int) -> list[LeadSheet]:
    """``count`` 8-bar excerpts of held-out tunes of a style: every tune's opening first, then (for a
    style with few tunes, like the chorales) their next eight bars, and so on; each knows how its
    tune ends."""
    sheets = [LeadSheet.from_dict(r["sheet"]) for r in records if r.get("controls", {}).get("style") == style]
    random.Random(seed).shuffle(sheets)
    out: list[LeadSheet] = []
    for window in range(4):
        for sheet in sheets:
            first = (1 if sheet.pickup else 0) + window * EXCERPT_BARS
            if sheet.num_bars >= first + EXCERPT_BARS and len(out) < count:
                cut = Excerpt.of(sheet, first, first + EXCERPT_BARS - 1)
                if len(cut.notes) >= 8:
                    out.append(cut)
    return out


def shuffled_bars(sheet: LeadSheet, rng: random.Random) -> LeadSheet:
    """The same bars in a random order (form destroyed, every bar still human)."""
    bars = [sheet.slice_bars(i, i) for i in range(sheet.num_bars)]
    rng.shuffle(bars)
    out = bars[0]
    for bar in bars[1:]:
        out = out.concat(bar)
    return out


class MarkovBaseline:
    """First order, fitted on the training split in the tonic's frame: the next (pitch above the tonic,
    length) from the last, and the next chord (its root above the tonic and quality) from the last, a
    chord each half bar with the corpus's probability of changing."""

    def __init__(self, sheets: list[LeadSheet]) -> None:
        self.notes: dict = defaultdict(Counter)
        self.chords: dict = defaultdict(Counter)
        changes = total = 0
        for sheet in sheets:
            tonic = sheet.key.tonic_pc
            states = [(n.pitch - tonic - 60, n.duration) for n in sorted(sheet.notes, key=lambda n: n.onset)]
            for a, b in zip([None] + states, states):
                self.notes[a][b] += 1
            chords = [c.symbol for c in sheet.chords]
            for a, b in zip([None] + chords, chords):
                self.chords[a][b] += 1
            changes, total = changes + len(chords), total + max(1, 2 * len(bars_of(sheet)))
        self.change = min(1.0, changes / max(1, total))

    @staticmethod
    def _draw(counter: Counter, rng: random.Random):
        items, weights = zip(*counter.items())
        return rng.choices(items, weights)[0]

    def sample(self, like: LeadSheet, rng: random.Random, bars: int = EXCERPT_BARS) -> LeadSheet:
        """A piece in ``like``'s key and meter (chords spelled as in the corpus, in C; moved to the key)."""
        bar = like.bar_beats
        notes, state, t = [], None, 0.0
        while t < bars * bar - 1e-6:
            state = self._draw(self.notes[state] or self.notes[None], rng)
            length = min(state[1], bars * bar - t)
            notes.append(Note(max(21, min(108, 60 + like.key.tonic_pc + state[0])), t, length))
            t += length
        chords, symbol = [], None
        for half in range(2 * bars):
            if symbol is None or rng.random() < self.change:
                symbol = self._draw(self.chords[symbol] or self.chords[None], rng)
                chords.append(ChordSymbol(half * bar / 2, symbol))
        return LeadSheet(notes=notes, chords=chords, key=like.key, meter=like.meter, tempo=like.tempo)


def table(groups: dict[str, list[LeadSheet]], reference: str = "human") -> dict:
    """Mean features per group, each group's overlap with the reference, and the two-sample AUC."""
    profile = mean_profile(groups[reference])
    rows = {name: [features(s, profile) for s in sheets] for name, sheets in groups.items()}
    out: dict = {}
    for name, values in rows.items():
        means = {f: _mean([v[f] for v in values]) for f in FEATURES}
        overlaps = {f: overlap([v[f] for v in rows[reference]], [v[f] for v in values]) for f in FEATURES}
        finite = [o for o in overlaps.values() if not math.isnan(o)]
        out[name] = {"count": len(values), "means": means, "overlap": overlaps,
                     "mean_overlap": sum(finite) / len(finite) if finite else math.nan,
                     "auc": two_sample_auc(rows[reference], values) if name != reference else 0.5}
    return out


def _mean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else math.nan


def known_bar_pairs(training: list[LeadSheet]) -> set:
    """Every two consecutive bars of the training tunes, as rhythm and intervals."""
    return set().union(*(bar_pair_keys(s) for s in training)) if training else set()


def novelty(takes: list[LeadSheet], known: set) -> float:
    """Share of takes that restate two or more consecutive bars of a training tune (``known``)."""
    return sum(bool(bar_pair_keys(t) & known) for t in takes) / max(1, len(takes))


def prompts(dev: bool = False) -> list[dict]:
    return json.loads((DEV_PROMPTS if dev else PROMPTS).read_text())


def model_takes(composer, style: str, candidates: int, seed: int, tonal_prior: bool | float = True,
                form: str = "none", drafts: int | None = None, dev: bool = False) -> list[LeadSheet]:
    """The model's 8-bar takes for the suite's prompts of one style; with a form, as the studio's
    Compose writes them (phrase by phrase to that form, or to one of the style's with "auto");
    ``drafts`` per take for the critic to choose from (None: the composer's default)."""
    from musicui.model.composer import ComposeRequest
    from musicui.model.sampler import SamplingParams

    takes = []
    for index, prompt in enumerate(p for p in prompts(dev) if p["style"] == style):
        if form != "none":
            from musicui.studio import compose

            result = compose(prompt["text"], bars=EXCERPT_BARS, candidates=candidates, seed=seed + 97 * index,
                             style="pop ballad" if style == "pop" else style, form=form)
            sheets = [take.sheet for take in result.takes]
        else:
            request = ComposeRequest(text=prompt["text"], bars=EXCERPT_BARS, candidates=candidates, drafts=drafts,
                                     overrides={"style": style}, tonal_prior=tonal_prior,
                                     sampling=SamplingParams(seed=seed + 97 * index))
            sheets = composer.compose(request).sheets
        takes += [sheet for sheet in sheets if len(bars_of(sheet)) >= EXCERPT_BARS]
    return takes


def evaluate_musicality(composer, train: list[dict], test: list[dict], validation: list[dict] | None = None,
                        per_style: int = 48, candidates: int = 3, seed: int = 0, tonal_prior: bool | float = True,
                        form: str = "none", drafts: int | None = None, dev: bool = False) -> dict:
    """Per style: the table of human, Markov, shuffled-bars and model rows; and the model's novelty.
    ``dev``: the dev prompts (for tuning decoding settings such as the tonal prior's weights)."""
    rng = random.Random(seed)
    report: dict = {}
    training = [LeadSheet.from_dict(r["sheet"]) for r in train]
    known = known_bar_pairs(training)
    held_out = test + (validation or [])
    for style in STYLES:
        human = human_excerpts(held_out, style, per_style, seed)
        fitted = MarkovBaseline([s for s, r in zip(training, train) if r.get("controls", {}).get("style") == style])
        takes = model_takes(composer, style, candidates, seed, tonal_prior, form, drafts, dev)
        groups = {"human": human, "markov": [fitted.sample(rng.choice(human), rng) for _ in human],
                  "shuffled": [shuffled_bars(s, rng) for s in human], "model": takes}
        report[style] = table(groups)
        report[style]["model"]["novelty"] = novelty(takes, known)
        report[style]["human"]["novelty"] = novelty(human, known)  # held-out tunes: how common shared figures are
    return report


def markdown(report: dict) -> str:
    """The card's musicality table: per style, each feature's mean for every row, then overlap and AUC."""
    lines = ["Human rows: 8-bar excerpts of held-out tunes (openings first); a take is a whole 8-bar piece, so an "
             "excerpt's long_ending and tonic_ending are read where its tune ends. Novelty: the share of takes "
             "restating two or more consecutive bars of a training tune (rhythm and intervals).", ""]
    for style, rows in report.items():
        names = list(rows)
        counts = ", ".join(f"{n} {rows[n]['count']}" for n in names)
        lines += [f"**{style}** ({counts})", "",
                  "| feature | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        lines += [f"| {f} | " + " | ".join(f"{rows[n]['means'][f]:.2f}" for n in names) + " |" for f in FEATURES]
        lines.append("| mean overlap with human | " + " | ".join(f"{rows[n]['mean_overlap']:.2f}" for n in names) + " |")
        lines.append("| classifier AUC vs human | " + " | ".join(f"{rows[n]['auc']:.2f}" for n in names) + " |")
        lines += ["", f"Takes restating 2+ consecutive bars of a training tune: {rows['model']['novelty']:.1%} "
                  f"(held-out human excerpts: {rows['human'].get('novelty', math.nan):.1%})", ""]
    return "\n".join(lines)
