"""Four ideas that differ: idea 1 is the words as read; the others explore what neither the user
nor the words fixed (another style the mood allows, a tempo, the other mode), each saying how it
differs ("same mood, as a waltz"). What was fixed stays fixed in every idea."""

from __future__ import annotations

from musicui.arranger import STYLES
from musicui.core.limits import LIMITS

GUESSED = ("model", "default")
# styles a mood allows, by its energy (arousal), in the order they are tried
STYLES_BY_ENERGY = {"low": ("waltz", "chorale", "pop ballad", "folk"),
                    "mid": ("waltz", "pop ballad", "folk", "bossa nova"),
                    "high": ("march", "swing", "folk", "bossa nova")}
AS_WORDS = {"folk": "a folk song", "pop ballad": "a pop ballad", "waltz": "a waltz", "march": "a march",
            "chorale": "a chorale", "swing": "a swing tune", "bossa nova": "a bossa nova"}
COMMON_TIME = ("pop ballad", "chorale", "swing", "bossa nova")  # styles whose tunes are nearly all in 4/4
TEMPO_STEP = 1.25


def _free(plan, *names: str) -> bool:
    return all(plan.source.get(name, "default") in GUESSED for name in names)


def _as_style(name: str, plan) -> dict:
    style = STYLES[name]
    return {"arrangement": name, "style": style.corpus_style, "tune_type": style.model_tune_type or "",
            "meter": style.meter or ("4/4" if name in COMMON_TIME else str(plan.meter))}


def contrasts(plan, ideas: int) -> list[tuple[dict, str]]:
    """(the plan's overrides, the card's line) for each idea; the first is the plan as it is."""
    options: list[tuple[dict, str]] = []
    if _free(plan, "arrangement", "style"):
        meter_free = _free(plan, "meter")
        for name in STYLES_BY_ENERGY.get(plan.arousal, STYLES_BY_ENERGY["mid"]):
            style = STYLES[name]
            if name == plan.arrangement or (style.meter and not meter_free and style.meter != str(plan.meter)):
                continue
            change = _as_style(name, plan)
            if not meter_free:
                change.pop("meter")
            options.append((change, f"same mood, as {AS_WORDS[name]}"))
    if _free(plan, "tempo"):
        faster = plan.arousal != "high"
        tempo = min(max(plan.tempo * (TEMPO_STEP if faster else 1 / TEMPO_STEP), LIMITS.tempo_bpm[0]), LIMITS.tempo_bpm[1])
        options.insert(min(1, len(options)), ({"tempo": round(tempo)}, f"same style, {'faster' if faster else 'slower'}"))
    if _free(plan, "tonic", "mode") and plan.valence == "mid" and plan.key.mode in ("major", "minor"):
        other = "minor" if plan.key.mode == "major" else "major"
        tonic = (plan.key.tonic_pc + (9 if other == "minor" else 3)) % 12
        options.insert(min(2, len(options)), ({"tonic": tonic, "mode": other}, f"same style, in the relative {other}"))
    return [({}, "")] + options[: max(0, ideas - 1)]
