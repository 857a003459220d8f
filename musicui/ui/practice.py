"""The practice strip under a player: loop a bar range, count in, click a metronome, slow down.

A custom ``gr.HTML`` component: its value (:func:`practice_value`) says how the player's audio was
rendered, so the page can turn bars into seconds; everything else happens in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from musicui.core.leadsheet import LeadSheet
from musicui.ui.props_html import PropsHTML

_HERE = Path(__file__).parent


def practice_value(sheet: LeadSheet | None, tempo: float | None = None) -> dict:
    """Bar starts (beats) and the tempo the audio plays at; empty (the strip greys out) without a sheet."""
    if sheet is None or not sheet.notes:
        return {}
    return {"tempo": float(tempo or sheet.tempo), "bar_starts": [round(b, 6) for b in sheet.bar_starts()],
            "end": round(sheet.end_beats, 6), "pulse": sheet.meter.pulse_beats, "bar_beats": sheet.bar_beats,
            "first_number": 0 if sheet.pickup else 1}


class PracticeStrip(PropsHTML):
    def __init__(self, *, audio: str, sheet: str, **kwargs: Any):
        """``audio`` and ``sheet``: CSS selectors of the player's <audio> element and of its sheet."""
        kwargs.setdefault("apply_default_css", False)
        super().__init__(value={}, html_template=(_HERE / "practice.html").read_text(encoding="utf-8"),
                         css_template=(_HERE / "practice.css").read_text(encoding="utf-8"),
                         js_on_load=(_HERE / "practice.js").read_text(encoding="utf-8"),
                         audio=audio, sheet=sheet, **kwargs)

    def api_info(self) -> dict[str, Any]:
        return {"type": "object", "description": "how the player's audio was rendered: tempo, bar starts"}
