"""The arranger's styles: what plays, on which General MIDI instrument, at what typical tempo."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Style:
    name: str  # the key used by the API, e.g. "pop ballad"
    label: str  # what the page shows
    tempo: float  # a typical quarter-note bpm, used when restyling without an explicit tempo
    programs: dict[str, int] = field(default_factory=dict)  # part name -> GM program; "Melody" included
    drums: bool = False
    swing: bool = False  # play off-beat eighths late (a triplet feel)
    corpus_style: str = "folk"  # the corpus style family: the model's style control and the harmonizer's chord rhythm
    teaching_note: str = ""


STYLES: dict[str, Style] = {s.name: s for s in (
    Style("folk", "Folk (guitar strum)", 104, {"Melody": 40, "Guitar": 25, "Bass": 32},
          teaching_note="Alternating bass on the strong beats, strummed chords down and up in between."),
    Style("pop ballad", "Pop ballad (piano arpeggios + bass)", 72, {"Melody": 73, "Piano": 0, "Bass": 33},
          drums=True, corpus_style="pop",
          teaching_note="Broken chords in eighth notes, a sustained bass on the root, a soft backbeat."),
    Style("waltz", "Waltz (oom-pah-pah)", 160, {"Melody": 40, "Bass": 43, "Chords": 0},
          teaching_note="The bass on beat one, short chords on beats two and three."),
    Style("march", "March", 112, {"Melody": 56, "Bass": 58, "Chords": 61}, drums=True,
          teaching_note="Root and fifth in the tuba on the strong beats, brass chords off the beat, snare and bass drum."),
    Style("chorale", "Bach-style chorale (four parts)", 76, {"Melody": 19, "Alto": 19, "Tenor": 19, "Bass": 19},
          corpus_style="chorale",
          teaching_note="Four voices, one chord per beat: the tune in the soprano, no parallel fifths or octaves."),
    Style("swing", "Jazz swing", 140, {"Melody": 66, "Piano": 0, "Bass": 32}, drums=True, swing=True,
          corpus_style="pop",
          teaching_note="Shell voicings (root, third, seventh), a walking bass in quarters, swung eighths, ride cymbal."),
    Style("bossa nova", "Bossa nova", 128, {"Melody": 73, "Guitar": 24, "Bass": 32}, drums=True,
          corpus_style="pop",
          teaching_note="Nylon guitar with a syncopated comp, root-fifth bass, the cross-stick clave."),
)}


def style_named(name: str) -> Style:
    """The style for a name as the API takes it (case and spacing forgiven)."""
    wanted = " ".join(name.strip().lower().replace("_", " ").replace("-", " ").split())
    aliases = {"ballad": "pop ballad", "pop": "pop ballad", "bossa": "bossa nova", "jazz": "swing",
               "bach": "chorale", "bach chorale": "chorale"}
    wanted = aliases.get(wanted, wanted)
    if wanted not in STYLES:
        raise ValueError(f"unknown style {name!r}; choose one of: {', '.join(STYLES)}")
    return STYLES[wanted]
