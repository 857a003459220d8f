"""Text (and optionally a seed) -> candidate lead sheets, with the shipped checkpoint.

    composer = Composer.shared()
    result = composer.compose(ComposeRequest(text="a hopeful spring morning", bars=8, candidates=4))
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from musicui.core.leadsheet import GRID, ChordSymbol, Key, LeadSheet
from musicui.core.levels import Level
from musicui.core.limits import LIMITS
from musicui.core.theory import mode_family
from musicui.model.attributes import AttributeHead, Plan, plan
from musicui.model.checkpoint import load_weights, refuse_pickles
from musicui.model.critic import Critic
from musicui.model.originality import KnownBars
from musicui.model.decoder import DecoderConfig, LeadSheetDecoder
from musicui.model.grammar import Constraints, GrammarState, Phrase, TokenFamilies, TonalPrior
from musicui.model.sampler import SampleJob, SamplingParams, sample_many
from musicui.model.seed_windows import TokenBudget
from musicui.model.tasks import NewPiece, Task
from musicui.model.text_encoder import EMBEDDING_DIM, shared_encoder
from musicui.model.tokenizer import LeadSheetTokenizer
from musicui.model.vocab import ModelVocab, split_bars

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CHECKPOINT = REPO / "checkpoints" / "musicui-small"
CHECKPOINT_VAR = "MUSICUI_CHECKPOINT"  # another model folder (tests use it to break the model on purpose)
HEAD_PROBLEM = ("the mood reader (the attribute head) is {what}, so only the words the studio reads exactly "
                "(keys, meters, tempos, style names) steer the music")
MAX_BARS = LIMITS.compose_bars
PRIOR_STRENGTH = 1.0  # the tonal prior's pulls, scaled (measured against the musicality table and CK)
DRAFTS = 2  # each idea is the critic's pick of this many drafts (when the checkpoint has a critic)
REDRAFTS = 2  # rounds of new drafts for an idea whose pick still restates a training tune
DRAFT_STRIDE = 7919  # draft d of the idea seeded s draws from seed s + d * DRAFT_STRIDE (draft 0: s itself)
log = logging.getLogger(__name__)


def checkpoint_folder() -> Path:
    """The model folder: $MUSICUI_CHECKPOINT, else the shipped checkpoint."""
    return Path(os.environ.get(CHECKPOINT_VAR) or DEFAULT_CHECKPOINT)


@dataclass
class ComposeRequest:
    text: str = ""
    bars: int = 8  # new bars to write (a new piece, a continuation); the other tasks take the seed's
    candidates: int = 4
    drafts: int | None = None  # drafts per idea, the critic keeping the best (None: DRAFTS with a critic, else 1)
    overrides: dict = field(default_factory=dict)  # tonic/mode/meter/tempo/style/tune_type/valence/arousal
    sampling: SamplingParams = field(default_factory=SamplingParams)
    task: Task = field(default_factory=NewPiece)  # what to write: see musicui.model.tasks
    stay_in_key: bool = True
    tonal_prior: bool | float = True  # lean toward the key's centre, chord tones on the beat, a home ending (a float: its strength)
    phrases: list[Phrase] = field(default_factory=list)  # lyrics: exact note counts
    on_step: Callable[[int, list[GrammarState]], bool] | None = None  # progress; return True to stop
    on_bars: Callable[[LeadSheet, Plan], None] | None = None  # the first candidate's finished bars, as they come
    level: Level | None = None  # an exercise: the level's range, leaps and note lengths bind the grammar


@dataclass
class ComposeResult:
    sheets: list[LeadSheet]
    plan: Plan
    token_counts: list[int]


def _level_constraints(level: Level | None, key: Key) -> dict:
    """The grammar's limits for an exercise at ``level`` in ``key`` (none without a level)."""
    if level is None:
        return {}
    return {"pitch_range": level.range_in(key), "max_leap": level.max_leap, "repeats": level.repeats,
            "final_pc": key.tonic_pc,
            **({} if level.rests else {"rest_bars": frozenset()}),
            "lengths": frozenset(round(b * GRID) for b in level.lengths) if level.lengths else None}


def _closing_bar(level: Level | None, layout) -> list[Phrase]:
    """An exercise ends on one long note filling its last bar (the tonic, see ``final_pc``)."""
    if level is None or not layout.ends_piece:
        return []
    return [Phrase(layout.total_bars - 1, layout.total_bars, 1)]


class Composer:
    def __init__(self, folder: Path = DEFAULT_CHECKPOINT) -> None:
        folder = Path(folder)
        if not (folder / "model.safetensors").exists():
            raise FileNotFoundError(f"no model in {folder}: train one with 'python -m musicui.train'")
        refuse_pickles(folder)
        self.folder = folder
        self.tokenizer = LeadSheetTokenizer.load(folder)
        self.vocab = ModelVocab(self.tokenizer)
        saved = json.loads((folder / "model_vocab.json").read_text())
        if saved != self.vocab.tokens:
            raise ValueError(f"the checkpoint in {folder} was trained with another vocabulary than this code makes")
        self.model = LeadSheetDecoder(DecoderConfig.load(folder / "config.json"))
        load_weights(self.model, folder / "model.safetensors")
        self.model.eval()
        self.head, self.head_problem = self._attribute_head(folder)
        self.critic = Critic.load(folder)
        self.known_bars = KnownBars.load(folder)  # the training tunes' bar pairs: picks that do not copy
        self.prior_weights = TonalPrior.weights_from(folder / "tonal_prior.json")
        self.families = TokenFamilies(self.vocab)
        self.lock = threading.Lock()

    @staticmethod
    def _attribute_head(folder: Path) -> tuple[AttributeHead | None, str]:
        """The head, or None and a sentence saying why the words now steer less."""
        if not (folder / "attribute_head.safetensors").exists():
            return None, HEAD_PROBLEM.format(what="missing")
        try:
            return AttributeHead.load(folder), ""
        except Exception as error:  # noqa: BLE001 - a damaged file: compose without it, and say so
            log.warning("attribute head not loaded: %s", error)
            return None, HEAD_PROBLEM.format(what="damaged")

    _shared: Composer | None = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls, folder: Path | None = None) -> Composer:
        folder = Path(folder) if folder is not None else checkpoint_folder()
        with cls._shared_lock:
            if cls._shared is None or cls._shared.folder != folder:
                cls._shared = cls(folder)
            return cls._shared

    # --- planning ----------------------------------------------------------------------------
    def plan(self, text: str, overrides: dict | None = None) -> Plan:
        sentence = shared_encoder().encode(text).sentence if text.strip() else None
        return plan(text, sentence, self.head, overrides)

    def _head_ids(self, chosen: Plan, bars: int, pickup: float = 0.0) -> list[int]:
        """[BOS, controls..., SEP] through the tokenizer's own control encoding."""
        skeleton = LeadSheet(chords=[ChordSymbol(pickup + (bars - (2 if pickup else 1)) * chosen.meter.bar_beats, "C")],
                             key=chosen.key, meter=chosen.meter, tempo=chosen.tempo, pickup=pickup)
        tokens = ["BOS"] + self.tokenizer.control_tokens(skeleton, chosen.controls()) + ["SEP"]
        return [self.vocab.id(t) for t in tokens]

    def _step_hook(self, request: ComposeRequest, grammars: list[GrammarState], prefix: list[int], chosen: Plan,
                   bars_as_written: bool = True):
        """The sampler's per-step callback: progress (and Stop), and (``bars_as_written``) each bar of
        the first candidate as soon as it is finished (its notes never cross the bar line, so a
        finished bar is final). With drafts, the first idea is known only at the end: see compose_many."""
        if request.on_step is None and (request.on_bars is None or not bars_as_written):
            return None
        bar_id, reported = self.vocab.id("Bar"), [grammars[0].bar]

        def hook(step: int, outputs: list[list[int]]) -> bool:
            if bars_as_written and request.on_bars is not None and grammars[0].bar > reported[0] and not grammars[0].finished:
                reported[0] = grammars[0].bar
                body = outputs[0][: len(outputs[0]) - outputs[0][::-1].index(bar_id) - 1]
                ids = [i for i in prefix + body if i < len(self.tokenizer.vocab)]
                request.on_bars(self.tokenizer.decode(ids, tempo=chosen.tempo), chosen)
            return request.on_step(step, grammars) if request.on_step is not None else False

        return hook

    @property
    def room(self) -> int:
        """Tokens the model holds at once (the prompt's controls, the fixed music and what it writes)."""
        return self.model.config.n_positions

    @property
    def budget(self) -> TokenBudget:
        return TokenBudget(self.room)

    def seed_bars(self, sheet: LeadSheet, controls: dict | None = None) -> list[list[int]]:
        """A seed's tokens, bar by bar."""
        return split_bars(self.tokenizer.encode(sheet, controls), self.vocab)[1]

    def bar_token_counts(self, sheet: LeadSheet) -> list[int]:
        """Tokens each bar of a seed takes, for cutting long seeds into windows the model can hold."""
        return [len(bar) for bar in self.seed_bars(sheet)]

    # --- composing ---------------------------------------------------------------------------
    def compose(self, request: ComposeRequest) -> ComposeResult:
        return self.compose_many([request])[0]

    def compose_many(self, requests: list[ComposeRequest]) -> list[ComposeResult]:
        """Several requests (several users' composes) written in one batch: one model pass a step
        for all their candidates, each request with its own seeds, settings and answer."""
        prepared = [self._prepare(request) for request in requests]
        with self.lock:
            if torch.cuda.is_available() and next(self.model.parameters()).device.type != "cuda":
                self.model.to("cuda")  # a GPU attached now (ZeroGPU) or from the start
            outputs = sample_many(self.model, [job for job, _ in prepared])
            drafted = [self._drafts(request, context, generated)
                       for request, (_, context), generated in zip(requests, prepared, outputs)]
            self._redraft_copies(requests, prepared, drafted)
        results = [self._pick(request, context, drafts)
                   for request, (_, context), drafts in zip(requests, prepared, drafted)]
        for request, (_, context), result in zip(requests, prepared, results):
            if request.on_bars is not None and context["drafts"] > 1 and result.sheets:
                request.on_bars(result.sheets[0], result.plan)  # the picked first idea, whole, to be heard
        return results

    def _redraft_copies(self, requests: list[ComposeRequest], prepared: list[tuple[SampleJob, dict]],
                        drafted: list[list[list[tuple[LeadSheet, int]]]]) -> None:
        """An idea whose pick restates two bars of a training tune gets as many drafts again (new
        seeds; one more batched pass for all such ideas), up to REDRAFTS times, and the pick is made
        among them all. A stopped pass ends it (its unfinished drafts are not kept)."""
        if self.known_bars is None:
            return
        open_jobs = [(request, job, context, ideas) for request, (job, context), ideas in zip(requests, prepared, drafted)
                     if context["drafts"] > 1 and all(g.finished for g in job.grammars)]
        for _ in range(REDRAFTS):
            jobs, owners = [], []
            for request, job, context, ideas in open_jobs:
                copying = [k for k, drafts in enumerate(ideas)
                           if self.known_bars.copies(self._best(request, context, drafts)[0])]
                if not copying:
                    continue
                count, ran = context["drafts"], max(n for drafts in ideas for _, n in drafts)
                grammars = [GrammarState(self.families, context["constraints"]) for _ in range(count * len(copying))]
                seeds = [request.sampling.seed + k + (len(ideas[k]) + d) * DRAFT_STRIDE
                         for d in range(count) for k in copying]
                jobs.append(replace(job, grammars=grammars, seeds=seeds, on_step=_later_steps(request, grammars, ran)))
                owners.append((request, context, ideas, copying))
            outputs = sample_many(self.model, jobs) if jobs else []
            open_jobs = []
            for (request, context, ideas, copying), job, generated in zip(owners, jobs, outputs):
                if all(g.finished for g in job.grammars):
                    for k, extra in zip(copying, self._drafts(request, context, generated, len(copying))):
                        ideas[k].extend(extra)
                    open_jobs.append((request, job, context, ideas))

    def _prepare(self, request: ComposeRequest) -> tuple[SampleJob, dict]:
        """The request as the sampler's job (prompt, fixed tokens, grammars) and what decoding needs."""
        if not 1 <= request.bars <= MAX_BARS:
            raise ValueError(f"bars must be 1-{MAX_BARS}, not {request.bars}")
        if not 1 <= request.candidates <= LIMITS.candidates:
            raise ValueError(f"candidates must be 1-{LIMITS.candidates}, not {request.candidates}")
        task, seed_sheet = request.task, request.task.seed
        overrides = dict(request.overrides)
        if seed_sheet is not None:  # a seed fixes key, meter and tempo
            overrides.update(tonic=seed_sheet.key.tonic_pc, mode=seed_sheet.key.mode,
                             meter=str(task.meter() or seed_sheet.meter), tempo=seed_sheet.tempo)
        chosen = self.plan(request.text, overrides)
        if seed_sheet is not None:  # "I heard" says these are the seed's
            chosen.source.update(dict.fromkeys(("tonic", "mode", "meter", "tempo"), "seed"))
        pickup = seed_sheet.pickup if seed_sheet is not None else 0.0
        layout = task.layout(request.bars, lambda bars: self._head_ids(chosen, bars, pickup),
                             lambda sheet: self.seed_bars(sheet, chosen.controls()), self.vocab)
        if not self.budget.fits(layout.fixed_tokens, layout.new_bars):
            needed = layout.fixed_tokens + self.room - self.budget.for_context(layout.new_bars)
            raise ValueError(f"the seed is too long for the model to work on at once (about {needed} tokens; it "
                             f"holds {self.room}): use a shorter seed, e.g. 8-16 bars")
        # a first note written without its length repeats the fixed part's last note: tell the grammar
        before = self.tokenizer.decode([i for i in task.fixed_part(layout, self.vocab) if i < len(self.tokenizer.vocab)])
        previous_ticks = round(before.notes[-1].duration * GRID) if before.notes else GRID // 2
        exercise = _level_constraints(request.level, chosen.key)
        constraints = Constraints(bars=layout.total_bars, bar_ticks=round(chosen.meter.bar_beats * GRID),
                                  pulse_ticks=round(chosen.meter.pulse_beats * GRID), pickup_ticks=round(pickup * GRID),
                                  scale_pcs=chosen.key.scale_pcs if request.stay_in_key and task.keeps_key else None,
                                  phrases=list(request.phrases) + layout.phrases + _closing_bar(request.level, layout),
                                  rhythm_template=layout.rhythm,
                                  first_bar=layout.first_bar, contour=layout.contour, melody_template=layout.melody,
                                  previous_note_ticks=previous_ticks, ends_piece=layout.ends_piece,
                                  close_home=layout.ends_piece and not layout.suffix,
                                  chord_template=layout.chords, pitch_sequence=layout.pitches,
                                  rest_bars=exercise.pop("rest_bars", layout.rest_bars), **exercise,
                                  tonal=self._prior(chosen, layout, request.tonal_prior) if request.tonal_prior else None)
        drafts = self.drafts_for(request)
        grammars = [GrammarState(self.families, constraints) for _ in range(request.candidates * drafts)]
        # idea k's drafts: k first for every idea (draft 0, the one streamed), then the other drafts
        seeds = [request.sampling.seed + k + d * DRAFT_STRIDE for d in range(drafts) for k in range(request.candidates)]
        encoded = shared_encoder().encode(request.text) if request.text.strip() else None
        states = encoded.states if encoded is not None else torch.zeros(1, EMBEDDING_DIM)
        mask = encoded.mask if encoded is not None else torch.zeros(1, dtype=torch.bool)
        job = SampleJob(layout.prefix, states, mask, grammars, request.sampling,
                        self._step_hook(request, grammars, layout.prefix, chosen, bars_as_written=drafts == 1), seeds)
        return job, dict(layout=layout, chosen=chosen, drafts=drafts, constraints=constraints)

    def _prior(self, chosen: Plan, layout, strength: bool | float) -> TonalPrior:
        strength = PRIOR_STRENGTH if strength is True else float(strength)
        prior = TonalPrior.at_strength(chosen.key.tonic_pc, mode_family(chosen.key) == "minor", strength,
                                       self.prior_weights)
        return replace(prior, chord_tone_weight=prior.chord_tone_weight * layout.chord_tone_pull)

    def drafts_for(self, request: ComposeRequest) -> int:
        if self.critic is None:
            return 1
        return max(1, min(request.drafts if request.drafts is not None else DRAFTS, LIMITS.candidates))

    def _drafts(self, request: ComposeRequest, context: dict, outputs: list[list[int]],
                ideas: int | None = None) -> list[list[tuple[LeadSheet, int]]]:
        """The sampled tokens as lead sheets (put back into the seed where the task has one), each with
        its token count, grouped by idea: row d * ideas + k is idea k's draft d."""
        layout, chosen, task = context["layout"], context["chosen"], request.task
        title = _title(request.text) if request.text.strip() else (task.seed.title if task.seed else "Untitled")
        ideas = ideas or request.candidates
        grouped: list[list[tuple[LeadSheet, int]]] = [[] for _ in range(ideas)]
        for row, generated in enumerate(outputs):
            ids = task.assemble(layout, [t for t in generated if t != self.vocab.id("EOS")], self.vocab)
            sheet = self.tokenizer.decode([i for i in ids if i < len(self.tokenizer.vocab)], tempo=chosen.tempo)
            grouped[row % ideas].append((task.put_back(sheet).copy(title=title, key=chosen.key), len(generated)))
        return grouped

    def _pick(self, request: ComposeRequest, context: dict, ideas: list[list[tuple[LeadSheet, int]]]) -> ComposeResult:
        """Each idea: the critic's pick among its own drafts (so a take remakes alone); the pick keeps
        the key too, with the key's other pulls (off in the decoder-alone ablation)."""
        picks = [self._best(request, context, drafts) for drafts in ideas]
        return ComposeResult(sheets=[s for s, _ in picks], plan=context["chosen"], token_counts=[n for _, n in picks])

    def _best(self, request: ComposeRequest, context: dict, drafts: list[tuple[LeadSheet, int]]) -> tuple[LeadSheet, int]:
        if len(drafts) == 1:
            return drafts[0]
        chosen = context["chosen"]
        asked = chosen.key if request.tonal_prior else None
        return drafts[self.critic.best([s for s, _ in drafts], chosen.style, asked, self.known_bars)]


def _later_steps(request: ComposeRequest, grammars: list[GrammarState], ran: int):
    """A second pass's per-step callback: Stop still counts; progress goes on from the first pass's ``ran`` steps."""
    if request.on_step is None:
        return None
    return lambda step, _outputs: request.on_step(ran + step, grammars)


def _title(text: str) -> str:
    words = text.strip().split()
    return " ".join(words[:6]).strip(" ,.;:").capitalize() if words else "Untitled"
