"""What a compose gives back: takes (a lead sheet, its arrangement, the seed that remakes it) and
the composition around them (what the studio heard in the words, notices, timing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from musicui.core.arrangement import Arrangement
from musicui.core.leadsheet import LeadSheet


@dataclass
class Take:
    """One candidate: the lead sheet (the truth), its arrangement, and the seed that remakes it."""
    sheet: LeadSheet
    arrangement: Arrangement
    style: str
    seed: int
    note: str = ""  # one line on what this take changed (restyle: 'in 3/4 (from 4/4): …')
    plan: dict = field(default_factory=dict)  # compose: the attributes it was written under, and its form

    def like(self) -> dict:
        """What "more like this one" keeps: key, meter, tempo, style, mood, form and length (new seeds)."""
        from musicui.params import MAX_BARS, MOODS

        mood = MOODS.get((self.plan.get("valence"), self.plan.get("arousal")))
        return {"key": str(self.sheet.key), "meter": str(self.sheet.meter), "tempo": round(self.sheet.tempo),
                "style": self.style, "mood": mood, "form": self.plan.get("form", "none"), "bars": min(self.sheet.num_bars, MAX_BARS)}

    def render(self, want: tuple[str, ...] = ("audio", "svg", "png"), quality: str = "preview"):
        from musicui.service import render

        return render(self.sheet, want=want, arrangement=self.arrangement, quality=quality)

    def save(self, path: str | Path) -> Path:
        from musicui.service import view_for_suffix

        path = Path(path)
        view = view_for_suffix(path.suffix)
        path.write_bytes(self.render((view,), quality="studio").file_bytes(view))
        return path


@dataclass
class Composition:
    takes: list[Take]
    heard: str  # 'D minor · 3/4 · 72 bpm · folk · melancholic'
    attributes: dict  # key, meter, tempo, style, tune_type, valence, arousal and where each came from
    notices: list[str]
    seconds: float
    params: object  # the checked ComposeParams
