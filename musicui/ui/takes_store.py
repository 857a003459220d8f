"""Takes kept in the browser: each as its ABC plus what remakes its sound (style, instruments, drums,
tempo), a name and a star. What comes back from the page is checked before use: the ABC is read by
the sandboxed reader and the arrangement is made again on the server, never taken from the page."""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from typing import Any

from musicui.arranger import STYLES, ArrangeSettings, arrange
from musicui.core.abc import MAX_ABC_CHARS, write_abc
from musicui.core.limits import LIMITS
from musicui.take import Take

HISTORY_SIZE = 60  # takes kept (starred ones are never dropped to make room)
NAME_CHARS = 80
ZIP_WAV_BYTES = 120 * 2 ** 20  # a zip's WAVs stop here (MIDI and MusicXML of every take are always in)


class StoreError(ValueError):
    """A kept take that cannot be used, in a sentence."""


def entry_of(take: Take, label: str) -> dict:
    """A take as the browser keeps it."""
    arrangement = take.arrangement
    return {"id": uuid.uuid4().hex[:10], "label": label, "abc": write_abc(take.sheet), "style": take.style,
            "seed": take.seed, "note": take.note, "tempo": float(arrangement.tempo),
            "programs": {part.name: part.program for part in arrangement.parts if not part.is_drum},
            "drums": any(part.is_drum for part in arrangement.parts), "name": "", "star": False}


def entries_of(stored: Any) -> list[dict]:
    """The browser's list, with anything malformed left out (it comes from the page)."""
    if not isinstance(stored, list):
        return []
    return [e for e in stored[: 4 * HISTORY_SIZE] if _well_formed(e)]


def _well_formed(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("abc"), str) and len(entry["abc"]) <= MAX_ABC_CHARS
            and isinstance(entry.get("label"), str) and len(entry["label"]) <= 200
            and isinstance(entry.get("name", ""), str) and len(entry.get("name", "")) <= NAME_CHARS)


def added(stored: Any, takes: list[Take]) -> list[dict]:
    """The list with a compose's takes in front; the oldest unstarred ones make room."""
    stamp = time.strftime("%H:%M")
    new = [entry_of(t, f"{stamp} · {i + 1}. {t.sheet.title or 'Untitled'} · {t.style} · seed {t.seed}")
           for i, t in enumerate(takes)]
    return trimmed(new + entries_of(stored))


def trimmed(entries: list[dict]) -> list[dict]:
    starred = [e for e in entries if e.get("star")]
    room = max(0, HISTORY_SIZE - len(starred))
    others = [e for e in entries if not e.get("star")][:room]
    keep = {id(e) for e in starred + others}
    return [e for e in entries if id(e) in keep]


def title_of(entry: dict) -> str:
    return ("★ " if entry.get("star") else "") + (entry.get("name") or entry["label"])


def starred(entries: list[dict], index: int) -> list[dict]:
    """The take at ``index`` starred, or unstarred if it was."""
    pick = entry_at(entries, index)
    return [{**e, "star": not e.get("star")} if e is pick else e for e in entries]


def renamed(entries: list[dict], index: int, name: Any) -> list[dict]:
    pick = entry_at(entries, index)
    if not isinstance(name, str) or len(name.strip()) > NAME_CHARS:
        raise StoreError(f"a take's name is text of up to {NAME_CHARS} characters")
    clean = re.sub(r"\s+", " ", name).strip()
    return [{**e, "name": clean} if e is pick else e for e in entries]


def cleared(entries: list[dict]) -> list[dict]:
    """Clear keeps the starred takes."""
    return [e for e in entries if e.get("star")]


def entry_at(entries: list[dict], index: Any) -> dict:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(entries):
        raise StoreError("pick an earlier take first")
    return entries[index]


def take_of(entry: dict, load_abc) -> Take:
    """The take again: its ABC read with ``load_abc`` (the sandboxed reader) and arranged anew."""
    style = entry.get("style")
    if style not in STYLES:
        raise StoreError(f"this take's style {style!r} is not one the studio has")
    programs = entry.get("programs") or {}
    tempo = entry.get("tempo")
    low, high = LIMITS.tempo_bpm
    if (not isinstance(programs, dict) or len(programs) > 8 or not isinstance(entry.get("drums", True), bool)
            or not isinstance(tempo, (int, float)) or isinstance(tempo, bool) or not low <= tempo <= high):
        raise StoreError("this take's sound settings cannot be read back")
    try:
        settings = ArrangeSettings(programs={str(k): v for k, v in programs.items()}, drums=entry.get("drums", True),
                                   tempo=float(tempo))
    except (TypeError, ValueError) as error:
        raise StoreError(f"this take's sound settings cannot be read back: {error}") from None
    sheet = load_abc(entry["abc"])
    seed = entry.get("seed") if isinstance(entry.get("seed"), int) else 0
    note = entry.get("note") if isinstance(entry.get("note"), str) else ""
    return Take(sheet, arrange(sheet, style, settings), style, seed, note[:300])


def zipped(entries: list[dict], load_abc) -> bytes:
    """Every take as MIDI and MusicXML, and as WAV while the zip stays under ZIP_WAV_BYTES of audio."""
    buffer, wav_bytes, skipped = io.BytesIO(), 0, []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, entry in enumerate(entries, 1):
            try:
                take = take_of(entry, load_abc)
            except Exception as error:  # noqa: BLE001 - one unreadable take must not lose the others
                skipped.append(f"{title_of(entry)}: {error}")
                continue
            name = _file_name(number, entry)
            views = ("midi", "musicxml", "audio") if wav_bytes < ZIP_WAV_BYTES else ("midi", "musicxml")
            result = take.render(views, quality="preview")
            archive.writestr(f"{name}.mid", result.midi or b"")
            archive.writestr(f"{name}.musicxml", result.musicxml or "")
            if result.wav:
                archive.writestr(f"{name}.wav", result.wav)
                wav_bytes += len(result.wav)
            elif "audio" not in views:
                skipped.append(f"{title_of(entry)}: no WAV (the zip's audio is full)")
        archive.writestr("README.txt", _readme(len(entries), skipped))
    return buffer.getvalue()


def _file_name(number: int, entry: dict) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "-", entry.get("name") or entry["label"]).strip("-")[:60] or "take"
    return f"{number:02d}-{base}"


def _readme(count: int, skipped: list[str]) -> str:
    lines = [f"musicui: {count} takes, each as MIDI, MusicXML and WAV (made {time.strftime('%Y-%m-%d %H:%M')})."]
    if skipped:
        lines += ["", "Left out:"] + [f"- {line}" for line in skipped]
    return "\n".join(lines) + "\n"
