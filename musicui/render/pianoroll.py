"""Piano roll: a PNG of an arrangement (or a lead sheet) for reading at a glance.

Notes coloured by part with a legend, bar lines and numbers (pickup aware), chord symbols along
the top, pitch names (C4 ...) on the left, black-key rows shaded, drums in a lane at the bottom.
Drawn with matplotlib's Agg canvas directly (no pyplot state, so threads can draw side by side).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory
from PIL import Image

from musicui.core.arrangement import Arrangement, basic_arrangement
from musicui.core.leadsheet import PITCH_NAMES_SHARP, LeadSheet

BLACK_KEYS = {1, 3, 6, 8, 10}


@dataclass(frozen=True)
class PianoRollStyle:
    width_px: int = 1000
    height_px: int = 360
    dpi: int = 100
    palette: tuple[str, ...] = ("#2f6fd6", "#e8862f", "#2fa46a", "#c8458f", "#8c6bd6", "#a88a1c", "#d64545")
    drum_color: str = "#555555"
    max_bar_labels: int = 32  # label every n-th bar beyond this
    max_chord_labels: int = 48

    def __post_init__(self) -> None:
        if not (200 <= self.width_px <= 4000 and 120 <= self.height_px <= 2000):
            raise ValueError(f"piano roll size {self.width_px}x{self.height_px} px is outside 200-4000 x 120-2000")


def render_png(music: Arrangement | LeadSheet, sheet: LeadSheet | None = None,
               style: PianoRollStyle | None = None) -> bytes:
    """PNG bytes; ``sheet`` (optional) supplies bars and chord symbols when ``music`` is an arrangement."""
    buffer = io.BytesIO()
    Image.fromarray(render_image(music, sheet, style)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def render_image(music: Arrangement | LeadSheet, sheet: LeadSheet | None = None,
                 style: PianoRollStyle | None = None) -> np.ndarray:
    """RGB pixels, shape (height, width, 3), for ``gr.Image``."""
    style = style or PianoRollStyle()
    arrangement = basic_arrangement(music) if isinstance(music, LeadSheet) else music
    sheet = sheet or (music if isinstance(music, LeadSheet) else None)
    figure = Figure(figsize=(style.width_px / style.dpi, style.height_px / style.dpi), dpi=style.dpi)
    canvas = FigureCanvasAgg(figure)
    _draw(figure, arrangement, sheet, style)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def pitch_name(midi: int) -> str:
    return f"{PITCH_NAMES_SHARP[midi % 12]}{midi // 12 - 1}"


def _draw(figure: Figure, arr: Arrangement, sheet: LeadSheet | None, style: PianoRollStyle) -> None:
    ax = figure.add_axes((0.055, 0.1, 0.93, 0.74))
    pitched = [p for p in arr.parts if not p.is_drum and p.notes]
    drums = [p for p in arr.parts if p.is_drum and p.notes]
    pitches = [n.pitch for p in pitched for n in p.notes] or [60, 72]
    low, high = min(pitches) - 1, max(pitches) + 1
    if high - low < 14:
        low, high = (low + high) // 2 - 7, (low + high) // 2 + 7
    drum_row = low - 2  # drums share one lane below the pitched notes
    bottom = drum_row - 1 if drums else low
    bars = sheet.bar_starts() if sheet else arr.bar_starts()
    end = max(sheet.end_beats if sheet else 0.0, arr.end_beats, bars[-1] + arr.meter.bar_beats, 1.0)

    ax.set_xlim(0, end)
    ax.set_ylim(bottom - 0.5, high + 0.5)
    ax.set_facecolor("white")
    black_rows = [p for p in range(low, high + 1) if p % 12 in BLACK_KEYS]
    ax.barh(black_rows, end, height=1.0, left=0, color="#eef0f4", linewidth=0, zorder=0)
    ax.hlines([p - 0.5 for p in range(low, high + 1) if p % 12 == 0], 0, end, color="#c9ced8", linewidth=0.6, zorder=0)
    ax.vlines(bars, bottom - 0.5, high + 0.5, color="#9aa1ad", linewidth=0.8, zorder=1)

    handles = []
    for index, part in enumerate(pitched):  # the first part (the melody) is drawn on top
        color = style.palette[index % len(style.palette)]
        handles.append(_notes(ax, [(n.onset_beats, n.duration_beats, n.pitch) for n in part.notes], color, 0.8,
                              zorder=3 + len(pitched) - index))
        handles[-1].set_label(part.name)
    for part in drums:
        handles.append(_notes(ax, [(n.onset_beats, min(n.duration_beats, 0.25), drum_row) for n in part.notes],
                              style.drum_color, 0.6, zorder=3))
        handles[-1].set_label(part.name)
    if not pitched and not drums:
        ax.text(0.5, 0.5, "no notes", transform=ax.transAxes, ha="center", va="center", color="#888888")

    _pitch_axis(ax, low, high, drum_row if drums else None)
    _bar_axis(ax, bars, bool(sheet.pickup if sheet else arr.pickup), style)
    _chord_labels(ax, sheet.chords if sheet else arr.chords, style)
    if sheet and sheet.sections:
        _section_letters(ax, sheet, bars)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if arr.title:
        figure.text(0.055, 0.955, arr.title, fontsize=10, weight="bold", va="center", ha="left")
    if handles:
        figure.legend(handles=handles, loc="center right", bbox_to_anchor=(0.985, 0.955), ncol=len(handles),
                      fontsize=8, frameon=False, handlelength=1.2, columnspacing=1.0)


def _notes(ax, spans: list[tuple[float, float, int]], color: str, height: float, zorder: int) -> PolyCollection:
    """All of a part's notes as one collection of rectangles (fast for thousands of notes)."""
    data = np.asarray(spans, dtype=float)
    x0, x1 = data[:, 0], data[:, 0] + np.maximum(data[:, 1], 0.05)
    y0, y1 = data[:, 2] - height / 2, data[:, 2] + height / 2
    boxes = np.stack([np.stack([x0, y0], 1), np.stack([x0, y1], 1), np.stack([x1, y1], 1), np.stack([x1, y0], 1)], 1)
    collection = PolyCollection(boxes, facecolors=color, edgecolors="#1d2330", linewidths=0.4, zorder=zorder)
    ax.add_collection(collection)
    return collection


def _pitch_axis(ax, low: int, high: int, drum_row: int | None) -> None:
    """Every C labelled (C4 = middle C); in a narrow range every white key."""
    wanted = {0} if high - low > 20 else {0, 2, 4, 5, 7, 9, 11}
    ticks = [p for p in range(low, high + 1) if p % 12 in wanted]
    labels = [pitch_name(p) for p in ticks]
    if drum_row is not None:
        ticks, labels = [drum_row] + ticks, ["drums"] + labels
    ax.set_yticks(ticks, labels, fontsize=7)
    ax.tick_params(axis="y", length=2, pad=2)


def _bar_axis(ax, bars: list[float], has_pickup: bool, style: PianoRollStyle) -> None:
    """Bar numbers under the bar lines; a pickup bar is bar 0."""
    numbers = list(range(0 if has_pickup else 1, len(bars) + (0 if has_pickup else 1)))
    every = max(1, math.ceil(len(bars) / style.max_bar_labels))
    shown = [(b, n) for b, n in zip(bars, numbers) if n % every == 0 or n == numbers[0]]
    ax.set_xticks([b for b, _ in shown], [str(n) for _, n in shown], fontsize=7)
    ax.tick_params(axis="x", length=2, pad=2)
    ax.set_xlabel("bar", fontsize=7, labelpad=1)


def _section_letters(ax, sheet, bars: list[float]) -> None:
    """The form's phrase letters in boxes inside the top of the plot, at the bars where phrases start."""
    where = blended_transform_factory(ax.transData, ax.transAxes)
    for bar, letter in sheet.sections:
        if 0 <= bar < len(bars):
            ax.text(bars[bar] + 0.08, 0.97, letter, transform=where, fontsize=9, weight="bold", ha="left", va="top",
                    color="#3b2fc9", zorder=6, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="#3b2fc9", lw=0.8))


def _chord_labels(ax, chords, style: PianoRollStyle) -> None:
    """Chord symbols just above the plot, where they start; thinned out when they would crowd."""
    if not chords:
        return
    left, right = ax.get_xlim()
    min_gap = (right - left) / style.max_chord_labels
    where = blended_transform_factory(ax.transData, ax.transAxes)
    last = -math.inf
    for chord in chords:
        if chord.onset - last < min_gap:
            continue
        ax.text(chord.onset, 1.015, chord.symbol, transform=where, fontsize=8, ha="left", va="bottom",
                color="#303644", clip_on=False)
        last = chord.onset
