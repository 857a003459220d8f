"""The critic that picks each idea's best draft: it ranks held-out human tunes above a Markov
chain's, and the pick keeps every take remakable on its own."""

from __future__ import annotations

import random

import pytest

from musicui.core.harmonizer import default_harmonizer
from musicui.model.composer import DRAFT_STRIDE, Composer, ComposeRequest
from musicui.model.critic import Critic
from musicui.model.sampler import SamplingParams


def _folk_tunes(count: int) -> list:
    """The first file of music21's O'Neill collection (held out of the critic's fit), with the
    corpus harmonizer's chords, as the training corpus has them."""
    from musicui.data.sources import m21_corpus_dir, parse_abc_tune, split_tunes

    harmonizer = default_harmonizer()
    text = (m21_corpus_dir() / "oneills1850" / "0001-0050.abc").read_text(encoding="latin-1")
    sheets = []
    for tune in split_tunes(text):
        try:
            sheet = parse_abc_tune(tune)
        except Exception:  # noqa: BLE001 - a tune music21 cannot read is skipped, as the corpus build does
            continue
        if sheet.num_bars >= 9 and len(sheet.notes) >= 16:
            sheets.append(harmonizer.harmonize(sheet, "folk"))
        if len(sheets) >= count:
            break
    return sheets


def test_the_critic_ranks_human_tunes_above_a_markov_chain():
    from sklearn.metrics import roc_auc_score

    from musicui.model.musicality_eval import MarkovBaseline

    critic = Critic.load(Composer.shared().folder)
    assert critic is not None, "the shipped checkpoint has no critic.json"
    tunes = _folk_tunes(40)
    assert len(tunes) >= 30
    fitted, held_out = tunes[::2], tunes[1::2]
    human = [s.slice_bars(1 if s.pickup else 0, (1 if s.pickup else 0) + 7) for s in held_out]
    rng = random.Random(0)
    markov = [MarkovBaseline(fitted).sample(h, rng) for h in human for _ in range(2)]
    scores = [critic.score(s, "folk") for s in human + markov]
    auc = roc_auc_score([1] * len(human) + [0] * len(markov), scores)
    assert auc > 0.75, f"the critic tells human tunes from a Markov chain's with AUC {auc:.2f}"


@pytest.mark.parametrize("text", ["a hopeful spring morning", "a slow sad lament"])
def test_each_idea_is_the_critics_pick_of_its_own_drafts_and_remakes_alone(text):
    composer = Composer.shared()
    assert composer.critic is not None
    seed, ideas = 40, 3
    picked = composer.compose(ComposeRequest(text=text, bars=4, candidates=ideas, drafts=2,
                                             sampling=SamplingParams(seed=seed))).sheets
    plan = composer.plan(text)
    for k in range(ideas):
        drafts = [composer.compose(ComposeRequest(text=text, bars=4, candidates=1, drafts=1,
                                                  sampling=SamplingParams(seed=seed + k + d * DRAFT_STRIDE))).sheets[0]
                  for d in range(2)]
        best = drafts[composer.critic.best(drafts, plan.style, plan.key)]
        assert picked[k].to_dict() == best.to_dict()
        remade = composer.compose(ComposeRequest(text=text, bars=4, candidates=1, drafts=2,
                                                 sampling=SamplingParams(seed=seed + k))).sheets[0]
        assert remade.to_dict() == picked[k].to_dict()


def test_the_pick_keeps_the_key_asked_where_a_draft_does():
    from musicui.core.leadsheet import Key, LeadSheet, Note

    critic = Critic.load(Composer.shared().folder)
    c_major = LeadSheet(notes=[Note(p, i, 1) for i, p in enumerate([60, 64, 67, 65, 62, 59, 62, 60])], key=Key("C", "major"))
    a_minor = LeadSheet(notes=[Note(p, i, 1) for i, p in enumerate([69, 72, 76, 74, 71, 68, 71, 69])], key=Key("C", "major"))
    for drafts in ([c_major, a_minor], [a_minor, c_major]):
        assert drafts[critic.best(drafts, "folk", Key("C", "major"))] is c_major
        assert drafts[critic.best(drafts, "folk", Key("A", "minor"))] is a_minor
    assert critic.best([a_minor, a_minor], "folk", Key("D", "major")) == 0  # none keeps it: the critic alone


def test_the_pick_prefers_a_draft_that_restates_no_training_tune(tmp_path):
    from musicui.core.abc import parse_abc
    from musicui.model.originality import KnownBars

    tune = parse_abc("X:1\nT:t\nM:4/4\nL:1/8\nK:G\nGABc dBGB|A2FA DFAc|BGBd gdBG|A2F2 G4|")
    known = KnownBars.of([tune])
    known.save(tmp_path)
    known = KnownBars.load(tmp_path)
    assert len(known) == 3 and known.copies(tune)
    up_a_tone = parse_abc("X:1\nT:t\nM:4/4\nL:1/8\nK:A\nABcd ecAc|B2GB EGBd|cAce aecA|B2G2 A4|")
    assert known.copies(up_a_tone), "a transposition restates the same bars"
    other = parse_abc("X:1\nT:t\nM:4/4\nL:1/8\nK:G\nG2B2 d2B2|c2A2 F2A2|G2B2 d2g2|f2a2 g4|")
    assert not known.copies(other)
    critic = Critic.load(Composer.shared().folder)
    for drafts in ([tune, other], [other, tune]):
        assert drafts[critic.best(drafts, "folk", known=known)] is other
    assert KnownBars.load(tmp_path / "nowhere") is None


def test_an_idea_whose_pick_copies_is_drafted_again_from_new_seeds():
    from musicui.model.originality import KnownBars

    composer, seed = Composer.shared(), 11

    def alone(draft: int):  # draft d of the idea seeded ``seed``, written by itself
        return composer.compose(ComposeRequest(text="a cheerful reel", bars=4, candidates=1, drafts=1,
                                               sampling=SamplingParams(seed=seed + draft * DRAFT_STRIDE))).sheets[0]

    first, again = [alone(d) for d in (0, 1)], [alone(d) for d in (2, 3)]
    known = KnownBars.of(first)  # as if both first drafts restated a training tune
    assert all(known.copies(s) for s in first) and not all(known.copies(s) for s in again)
    saved, composer.known_bars = composer.known_bars, known
    try:
        picked = composer.compose(ComposeRequest(text="a cheerful reel", bars=4, candidates=1, drafts=2,
                                                 sampling=SamplingParams(seed=seed))).sheets[0]
    finally:
        composer.known_bars = saved
    assert not known.copies(picked)
    assert picked.to_dict() in [s.to_dict() for s in again]
