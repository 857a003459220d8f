"""The generation modes, one object each (as audiocraft has one method per generation mode). The
registry's order is the page's: its labels, the CLI's help and the API's allowed values read it.

A new mode: a ``Mode`` subclass in its own file here, and one line below.
"""

from __future__ import annotations

from musicui.modes.base import Mode
from musicui.modes.compose import Compose
from musicui.modes.continuation import Continue
from musicui.modes.harmonize import Harmonize
from musicui.modes.infill import Infill
from musicui.modes.over_chords import OverChords
from musicui.modes.restyle import Restyle
from musicui.modes.vary import Vary

MODES: dict[str, Mode] = {mode.name: mode for mode in (
    Compose("compose", "Compose from the words", "a new piece from the words (and lyrics)", needs_seed=False),
    Continue("continue", "Continue the seed", "more bars after the seed"),
    Vary("vary", "Vary the seed", "the seed's rhythm with new notes, its rhythm and contour, or freely"),
    Harmonize("harmonize", "Harmonize the seed", "new chords under the seed's melody, kept note for note"),
    Infill("infill", "Rewrite bars of the seed", "new music for the bars picked (span), the rest kept"),
    OverChords("over-chords", "Melody over chords", "a new melody over the chords typed (Am F C G, I vi IV V in G) "
               "or the seed's chords", needs_seed=False, may_use_seed=True),
    Restyle("restyle", "Restyle the seed", "the seed's melody and chords arranged in other styles, side by side"),
)}
