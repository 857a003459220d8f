"""Which SoundFont plays the audio: the first found of

1. the file named by the ``MUSICUI_SOUNDFONT`` environment variable,
2. any .sf2/.sf3 in the repository's ``soundfonts/`` folder (alphabetically first),
3. the system's FluidR3 GM (``apt-get install fluid-soundfont-gm``),
4. TimGM6mb, the small GM font shipped inside pretty_midi (always there).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pretty_midi

log = logging.getLogger(__name__)

ENV_VAR = "MUSICUI_SOUNDFONT"
REPO_FOLDER = Path(__file__).resolve().parents[2] / "soundfonts"
SYSTEM_FONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
EMBEDDED_FONT = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
SUFFIXES = (".sf2", ".sf3")


@dataclass(frozen=True)
class Soundfont:
    path: Path
    label: str  # for people: "FluidR3_GM (system)"


def find_soundfont() -> Soundfont:
    """The SoundFont to use now (reads the environment each call; see ``default_soundfont`` for the cached one)."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if path.is_file():
            return Soundfont(path, f"{path.stem} (from ${ENV_VAR})")
        log.warning("$%s names %s, which is not a file; looking further", ENV_VAR, path)
    if REPO_FOLDER.is_dir():
        for path in sorted(REPO_FOLDER.iterdir()):
            if path.suffix.lower() in SUFFIXES and path.is_file():
                return Soundfont(path, f"{path.stem} (soundfonts/ folder)")
    if SYSTEM_FONT.is_file():
        return Soundfont(SYSTEM_FONT, f"{SYSTEM_FONT.stem} (system)")
    return Soundfont(EMBEDDED_FONT, f"{EMBEDDED_FONT.stem} (built-in, small)")


@lru_cache(maxsize=1)
def default_soundfont() -> Soundfont:
    """The process-wide choice, made once."""
    font = find_soundfont()
    log.info("SoundFont: %s at %s", font.label, font.path)
    return font
