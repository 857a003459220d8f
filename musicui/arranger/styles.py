"""The styles: everything the studio knows about one, in one place.

A new style is one ``Style(...)`` entry below (and, when no pattern fits, one pattern function in
``patterns.py``): the arranger, the compose planner, the restyle view, the page and the API read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from musicui.arranger import drums
from musicui.arranger.chorale import chorale_parts
from musicui.arranger.drums import DrumFeel
from musicui.arranger.patterns import Pattern, bossa_nova, folk, march, pop_ballad, swing, waltz
from musicui.core.arrangement import MELODY

DRUMS = "Drums"


@dataclass(frozen=True)
class Style:
    name: str  # the key used by the API, e.g. "pop ballad"
    label: str  # what the page shows
    pattern: Pattern  # the accompaniment, bar by bar
    tempo: float  # a typical quarter-note bpm, used when restyling without an explicit tempo
    programs: dict[str, int] = field(default_factory=dict)  # part -> GM program, in score order; "Melody" first
    kit: DrumFeel | None = None  # the drum kit's feel, or no kit
    swing: bool = False  # play off-beat eighths late (a triplet feel)
    corpus_style: str = "folk"  # the corpus style family: the model's style control and the harmonizer's chord rhythm
    meter: str | None = None  # the meter the style implies when none is asked (a waltz is in 3/4)
    tune_types: tuple[str, ...] = ()  # corpus tune types this style arranges when none is chosen
    model_tune_type: str | None = None  # the tune-type control sent to the model when this style is chosen
    soprano_tune: bool = False  # the tune moved into the soprano's range (four-part writing)
    own_harmony: bool = False  # restyle harmonizes the tune anew in the style's harmonic rhythm, whatever its chords
    teacher_view: int = 0  # its place among the contrasting styles restyle shows side by side by default (0: none)
    teaching_note: str = ""

    @property
    def drums(self) -> bool:
        return self.kit is not None

    @property
    def part_order(self) -> tuple[str, ...]:
        """The parts as a score lists them: the tune, the accompaniment, the kit last."""
        return tuple(self.programs) + ((DRUMS,) if self.drums else ())


STYLES: dict[str, Style] = {s.name: s for s in (
    Style("folk", "Folk (guitar strum)", folk, 104, {MELODY: 40, "Guitar": 25, "Bass": 32},
          teaching_note="Alternating bass on the strong beats, strummed chords down and up in between."),
    Style("pop ballad", "Pop ballad (piano arpeggios + bass)", pop_ballad, 72, {MELODY: 73, "Piano": 0, "Bass": 33},
          kit=drums.ballad, corpus_style="pop", tune_types=("pop song",),
          teaching_note="Broken chords in eighth notes, a sustained bass on the root, a soft backbeat."),
    Style("waltz", "Waltz (oom-pah-pah)", waltz, 160, {MELODY: 40, "Chords": 0, "Bass": 43},
          meter="3/4", tune_types=("waltz", "minuet", "mazurka"), model_tune_type="waltz", teacher_view=2,
          teaching_note="The bass on beat one, short chords on beats two and three."),
    Style("march", "March", march, 112, {MELODY: 56, "Chords": 61, "Bass": 58}, kit=drums.march,
          meter="2/4", tune_types=("march",), model_tune_type="march",
          teaching_note="Root and fifth in the tuba on the strong beats, brass chords off the beat, snare and bass drum."),
    Style("chorale", "Bach-style chorale (four parts)", chorale_parts, 76, {MELODY: 19, "Alto": 19, "Tenor": 19, "Bass": 19},
          corpus_style="chorale", tune_types=("chorale",),
          model_tune_type="chorale", soprano_tune=True, own_harmony=True, teacher_view=1,
          teaching_note="Harmonized anew in Bach's harmonic rhythm (the chord may change on every beat): four "
                        "voices, the tune in the soprano, no parallel fifths or octaves, a fermata closing each phrase."),
    Style("swing", "Jazz swing", swing, 140, {MELODY: 66, "Piano": 0, "Bass": 32}, kit=drums.swing,
          swing=True, corpus_style="pop", teacher_view=3,
          teaching_note="Shell voicings (root, third, seventh), a walking bass in quarters, swung eighths, ride cymbal."),
    Style("bossa nova", "Bossa nova", bossa_nova, 128, {MELODY: 73, "Guitar": 24, "Bass": 32},
          kit=drums.bossa, corpus_style="pop", teacher_view=4,
          teaching_note="Nylon guitar with a syncopated comp, root-fifth bass, the cross-stick clave."),
)}
TEACHER_STYLES = tuple(s.name for s in sorted(STYLES.values(), key=lambda s: s.teacher_view) if s.teacher_view)
ALIASES = {"ballad": "pop ballad", "pop": "pop ballad", "bossa": "bossa nova", "jazz": "swing",
           "bach": "chorale", "bach chorale": "chorale"}


def style_named(name: str) -> Style:
    """The style for a name as the API takes it (case and spacing forgiven)."""
    wanted = " ".join(name.strip().lower().replace("_", " ").replace("-", " ").split())
    wanted = ALIASES.get(wanted, wanted)
    if wanted not in STYLES:
        raise ValueError(f"unknown style {name!r}; choose one of: {', '.join(STYLES)}")
    return STYLES[wanted]


def style_for(tune_type: str | None, corpus_style: str | None) -> Style:
    """The style that arranges a plan made from the words: by tune type, else by the corpus family."""
    for style in STYLES.values():
        if tune_type in style.tune_types:
            return style
    return STYLES[{"pop": "pop ballad", "chorale": "chorale"}.get(corpus_style or "", "folk")]
