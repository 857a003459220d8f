"""Natural-language captions built from measured attributes (MidiCaps style), with many templates
and synonym sets: long descriptions, short prompts, imagery, occasions, lyric-like lines whose
sentiment matches the mood, and a share of Chinese captions. Deterministic given a seed.

    from musicui.data.captions import captions_for
    caps = captions_for(attrs, seed=0, key="item-id")  # list of {"text", "kind", "lang"}
"""

from __future__ import annotations

import random
import zlib

from musicui.data.analysis import Attributes

MOOD_ADJ = {
    ("low", "low"): ["melancholy", "sad", "mournful", "wistful", "sombre", "lonely", "sorrowful", "forlorn"],
    ("low", "mid"): ["bittersweet", "yearning", "brooding", "nostalgic", "plaintive", "pensive", "longing"],
    ("low", "high"): ["dramatic", "restless", "stormy", "defiant", "urgent", "haunting", "fierce"],
    ("mid", "low"): ["calm", "peaceful", "reflective", "gentle", "serene", "meditative", "unhurried"],
    ("mid", "mid"): ["tender", "warm", "flowing", "steady", "earnest", "easygoing", "homely"],
    ("mid", "high"): ["spirited", "driving", "energetic", "determined", "brisk", "bold", "vigorous"],
    ("high", "low"): ["sweet", "tender", "hopeful", "content", "innocent", "lullaby-like", "gentle"],
    ("high", "mid"): ["cheerful", "bright", "sunny", "hopeful", "happy", "graceful", "light-hearted"],
    ("high", "high"): ["joyful", "lively", "exuberant", "playful", "festive", "jubilant", "rollicking"],
}
IMAGERY = {
    ("low", "low"): ["a wistful autumn evening", "a rainy afternoon", "an empty harbour at dusk",
                     "a letter never sent", "fog over a quiet lake", "the last light in a winter window"],
    ("low", "mid"): ["a long road home", "an old photograph", "the sea wind on a cold shore",
                     "a farewell at the station", "memories of a distant village", "leaves falling in October"],
    ("low", "high"): ["a storm over the moors", "a night ride through the hills", "a chase through dark streets",
                      "waves breaking on the rocks", "a battle on the open field"],
    ("mid", "low"): ["a quiet Sunday morning", "a candlelit room", "a slow river under willows",
                     "snow falling softly", "the hour before dawn", "a walk through a pine forest"],
    ("mid", "mid"): ["a walk by the river", "a village square in the afternoon", "a cup of tea by the fire",
                     "an evening with old friends", "a country lane in spring"],
    ("mid", "high"): ["a crowded market", "a train racing across the plains", "a busy harbour",
                      "a morning run", "the first day of the harvest"],
    ("high", "low"): ["a lullaby at bedtime", "a sunny meadow", "a summer morning in the garden",
                      "a child asleep in the cradle", "blossoms in the orchard"],
    ("high", "mid"): ["a spring morning", "a picnic in the park", "sunlight through the trees",
                      "a stroll along the seaside", "a hometown reunion"],
    ("high", "high"): ["a wedding dance", "a village fair", "a night at the pub", "a harvest festival",
                       "a ceilidh in full swing", "a summer street party"],
}
OCCASIONS = {
    "high": ["for a wedding dance", "for a birthday party", "for a summer festival", "for dancing in the kitchen",
             "for a family celebration"],
    "mid": ["for a long drive", "for a quiet evening", "for a walk in the park", "for reading by the window",
            "for a Sunday afternoon"],
    "low": ["for a farewell", "for a rainy day alone", "for remembering someone", "for a winter night",
            "for a film's sad ending"],
}
LYRICS = {
    "low": [("The rain keeps falling", "on the road where you walked away"),
            ("I left my heart", "by the cold grey sea"),
            ("Candles burning low", "and the night is long without you"),
            ("Winter in the valley", "and no one calls my name"),
            ("The old house is empty", "the garden gone to seed"),
            ("Far across the water", "my true love sleeps alone")],
    "mid": [("Down by the river", "the willows bend and sway"),
            ("Walk with me slowly", "the evening has time to spare"),
            ("Over the hill", "the lamps of the village glow"),
            ("Sing me the old song", "the one my mother knew"),
            ("The road goes on", "and I go on with it")],
    "high": [("Come dance with me", "till the morning light"),
             ("The sun is on the meadow", "and my heart is light"),
             ("Ring the bells", "for the bride is fair today"),
             ("Fill the glasses high", "the fiddler's playing fast"),
             ("Spring is here", "and the whole town sings")],
}
INSTRUMENTS = {
    "folk": ["fiddle", "tin whistle", "flute", "accordion", "mandolin", "concertina", "acoustic guitar"],
    "chorale": ["church organ", "choir", "string quartet", "piano"],
    "pop": ["piano", "voice", "electric piano", "acoustic guitar", "synth strings"],
    "Chinese": ["erhu", "dizi flute", "pipa", "guzheng", "voice"],
    "German": ["voice", "accordion", "recorder", "guitar", "zither"],
}
STYLE_NOUN = {
    "chorale": ["Bach chorale", "four-part chorale", "Baroque hymn", "chorale melody"],
    "pop": ["pop song", "Mandopop ballad", "Chinese pop tune", "pop melody"],
}
REGION_ADJ = {"Irish": "Irish", "Scottish": "Scottish", "English": "English", "American": "American",
              "German": "German", "Chinese": "Chinese", "Luxembourgish": "Luxembourgish",
              "Lorraine": "Lorraine", "Austrian": "Austrian", "Dutch": "Dutch", "Swiss": "Swiss"}
METER_WORDS = {"4/4": ["4/4", "common time", "four beats to the bar"], "3/4": ["3/4", "waltz time", "three-four time"],
               "6/8": ["6/8", "a rolling six-eight", "compound duple time"], "2/4": ["2/4", "march time", "two-four"],
               "2/2": ["2/2", "cut time", "alla breve"], "9/8": ["9/8", "slip-jig time"], "12/8": ["12/8"]}
REGISTER_WORDS = {"low": ["in a low register", "sitting low", "in a dark, low range"],
                  "middle": ["in a comfortable middle range", "in a singable range", ""],
                  "high": ["in a high, bright register", "soaring high", "up in the treble"]}
CONTOUR_WORDS = {"arch": ["rises and falls back in an arch", "climbs to a peak and settles"],
                 "inverted arch": ["dips in the middle and climbs back", "sinks and rises again"],
                 "ascending": ["keeps climbing upward", "rises steadily"],
                 "descending": ["winds gradually downward", "falls gently from its opening"],
                 "wave": ["rolls up and down in waves", "weaves up and down"],
                 "level": ["hovers around a few notes", "stays close to home"]}
MODE_WORDS = {"dorian": "Dorian", "mixolydian": "Mixolydian", "phrygian": "Phrygian", "lydian": "Lydian",
              "locrian": "Locrian", "major": "major", "minor": "minor"}

# ---- Chinese tables
ZH_MOOD = {
    ("low", "low"): ["忧伤", "凄凉", "孤独", "惆怅"], ("low", "mid"): ["怀旧", "思念", "苦涩", "沉思"],
    ("low", "high"): ["激昂", "不安", "悲壮", "急促"], ("mid", "low"): ["宁静", "安详", "平和", "舒缓"],
    ("mid", "mid"): ["温暖", "流畅", "质朴", "温柔"], ("mid", "high"): ["有力", "充满活力", "坚定", "明快"],
    ("high", "low"): ["甜美", "温馨", "充满希望", "恬静"], ("high", "mid"): ["愉快", "明亮", "轻松", "优雅"],
    ("high", "high"): ["欢快", "热闹", "喜庆", "活泼"],
}
ZH_IMAGERY = {"low": ["秋天的傍晚", "下雨的午后", "空荡的港口", "冬夜的窗前"],
              "mid": ["河边散步", "午后的村庄", "春天的小路", "炉火旁喝茶"],
              "high": ["婚礼上的舞会", "乡村集市", "丰收节", "夏日街头派对"]}
ZH_STYLE = {"reel": "里尔舞曲", "jig": "吉格舞曲", "slip jig": "滑步吉格", "hornpipe": "号笛舞曲", "air": "抒情小调",
            "waltz": "圆舞曲", "march": "进行曲", "polka": "波尔卡", "strathspey": "斯特拉斯佩舞曲",
            "chorale": "众赞歌", "pop song": "流行歌曲", "folk song": "民歌", "ballad": "叙事歌",
            "children's song": "儿歌", "mountain song": "山歌", "work song": "劳动号子", "ditty": "小调",
            "carol": "圣诞颂歌", "country dance": "乡村舞曲", "morris dance": "莫里斯舞曲", "folk tune": "民间曲调"}
ZH_REGION = {"Irish": "爱尔兰", "Scottish": "苏格兰", "English": "英格兰", "American": "美国", "German": "德国",
             "Chinese": "中国", "Luxembourgish": "卢森堡", "Lorraine": "洛林", "Austrian": "奥地利", "Dutch": "荷兰"}
ZH_TEMPO = {"very slow": "很慢", "slow": "慢速", "moderate": "中速", "moderately fast": "稍快", "fast": "快速",
            "very fast": "很快"}
ZH_MODE = {"major": "大调", "minor": "小调", "dorian": "多利亚调式", "mixolydian": "混合利底亚调式",
           "phrygian": "弗里几亚调式", "lydian": "利底亚调式", "locrian": "洛克里亚调式"}
ZH_INSTR = {"folk": "小提琴", "chorale": "管风琴", "pop": "钢琴", "Chinese": "二胡", "German": "手风琴"}


def _rng(seed: int, key: str) -> random.Random:
    return random.Random((seed * 1_000_003) ^ zlib.crc32(key.encode("utf-8")))


def _style_noun(a: Attributes, r: random.Random) -> str:
    if a.style in STYLE_NOUN:
        return r.choice(STYLE_NOUN[a.style])
    region = REGION_ADJ.get(a.region, "")
    tune = a.tune_type or "folk tune"
    if tune in ("folk tune", "folk song") and r.random() < 0.5:
        tune = r.choice(["folk melody", "traditional tune", "folk song"])
    return f"{region} {tune}".strip() if region and r.random() < 0.8 else tune


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _instrument(a: Attributes, r: random.Random) -> str:
    pool = INSTRUMENTS.get(a.region if a.region in ("Chinese", "German") and a.style == "folk" else a.style,
                           INSTRUMENTS["folk"])
    return r.choice(pool)


def _key_text(a: Attributes, r: random.Random) -> str:
    mode = MODE_WORDS[a.mode]
    if a.mode in ("major", "minor"):
        return r.choice([f"{a.tonic} {mode}", f"the key of {a.tonic} {mode}", f"{a.tonic} {mode}"])
    return r.choice([f"{a.tonic} {mode}", f"the {mode} mode on {a.tonic}"])


def _meter_text(a: Attributes, r: random.Random) -> str:
    return r.choice(METER_WORDS.get(a.meter, [a.meter]))


def long_caption(a: Attributes, r: random.Random) -> str:
    mood = r.sample(MOOD_ADJ[(a.valence_bin, a.arousal_bin)], 2)
    noun = _style_noun(a, r)
    bpm = a.counted_bpm
    instr = _instrument(a, r)
    key = _key_text(a, r)
    meter = _meter_text(a, r)
    first = r.choice([
        f"{_article(mood[0]).capitalize()} {mood[0]} {noun} in {key}, {r.choice(['moving at', 'set at', 'taken at'])} "
        f"a {a.tempo_word} {bpm} bpm.",
        f"This {mood[0]} {noun} is in {key} and {meter}, with a {a.tempo_word} tempo of about {bpm} beats per minute.",
        f"{_article(a.tempo_word).capitalize()} {a.tempo_word} {noun} in {meter}, {mood[0]} and {mood[1]}, in {key}.",
        f"{_article(noun).capitalize()} {noun} played on {instr}: {mood[0]}, {mood[1]}, {a.tempo_word} ({bpm} bpm), "
        f"in {key}.",
        f"Here is {_article(mood[0])} {mood[0]} {noun} in {key} for {instr}, at {bpm} bpm in {meter}.",
    ])
    extras = []
    contour = r.choice(CONTOUR_WORDS[a.contour])
    register = r.choice(REGISTER_WORDS[a.register])
    extras.append(r.choice([f"The melody {contour}" + (f", {register}." if register else "."),
                            f"Its tune {contour} over a range of {a.pitch_range} semitones."]))
    if a.density > 1.6:
        extras.append(r.choice(["Notes come thick and fast.", "It is busy with quick running notes.",
                                "A stream of quick notes keeps it moving."]))
    elif a.density < 0.8:
        extras.append(r.choice(["Long held notes give it room to breathe.", "The notes are few and long.",
                                "It moves in long, sustained notes."]))
    if a.syncopation > 0.12:
        extras.append(r.choice(["There is a syncopated lilt to the rhythm.", "Off-beat accents give it a swing."]))
    extras.append(r.choice([f"It evokes {r.choice(IMAGERY[(a.valence_bin, a.arousal_bin)])}.",
                            f"Picture {r.choice(IMAGERY[(a.valence_bin, a.arousal_bin)])}.",
                            f"The overall mood is {mood[1]}.",
                            f"Phrases run about {int(a.phrase_bars)} bars." if a.phrase_bars <= 8 else
                            "The phrases are long and unbroken.",
                            f"Best heard on {instr}."]))
    extras = [e for e in extras if not (e.startswith("Best heard on") and instr in first)]
    r.shuffle(extras)
    return " ".join([first] + extras[: r.randint(1, 2)])


def short_prompt(a: Attributes, r: random.Random) -> str:
    quad = (a.valence_bin, a.arousal_bin)
    mood = r.choice(MOOD_ADJ[quad])
    return r.choice([
        mood, f"{mood} and {r.choice([m for m in MOOD_ADJ[quad] if m != mood])}", r.choice(IMAGERY[quad]), r.choice(OCCASIONS[a.valence_bin]),
        f"something {mood}", f"{_article(mood)} {mood} {a.tune_type or 'tune'}",
        f"{_article(mood)} {mood} tune in a {MODE_WORDS[a.mode]} key" if a.mode in ("major", "minor")
        else f"{_article(mood)} {mood} {MODE_WORDS[a.mode]} tune",
        f"{a.tempo_word} and {mood}", f"{mood}, {a.counted_bpm} bpm",
        f"{r.choice(IMAGERY[quad])}, {mood}",
    ])


def imagery_caption(a: Attributes, r: random.Random) -> str:
    quad = (a.valence_bin, a.arousal_bin)
    image = r.choice(IMAGERY[quad])
    mood = r.choice(MOOD_ADJ[quad])
    return r.choice([
        f"Music for {image}.", f"{_article(mood).capitalize()} {mood} tune that sounds like {image}.",
        f"Something {mood} for {image}, {a.tempo_word}.", f"The soundtrack to {image}: {mood} and {a.tempo_word}.",
        f"{image[0].upper() + image[1:]}, in a {MODE_WORDS[a.mode]} key." if a.mode in ("major", "minor")
        else f"{image[0].upper() + image[1:]}, in the {MODE_WORDS[a.mode]} mode.",
    ])


def occasion_caption(a: Attributes, r: random.Random) -> str:
    occ = r.choice(OCCASIONS[a.valence_bin if a.arousal_bin != "high" or a.valence_bin != "low" else "mid"])
    mood = r.choice(MOOD_ADJ[(a.valence_bin, a.arousal_bin)])
    return r.choice([f"{_article(mood).capitalize()} {mood} {a.tune_type or 'tune'} {occ}.",
                     f"{occ.capitalize()}: something {mood}.", f"I need {_article(mood)} {mood} melody {occ}.",
                     f"Write me {_article(a.tempo_word)} {a.tempo_word} tune {occ}."])


def lyric_caption(a: Attributes, r: random.Random) -> str:
    mood_level = {"low": "low", "mid": "mid", "high": "high"}[a.valence_bin]
    first, second = r.choice(LYRICS[mood_level])
    mood = r.choice(MOOD_ADJ[(a.valence_bin, a.arousal_bin)])
    return r.choice([f"{first}, {second}.", f"\"{first}, {second}\" - {_article(mood)} {mood} melody for these words.",
                     f"{_article(mood).capitalize()} {mood} tune for the line: {first.lower()}, {second}.",
                     f"{first} / {second}"])


def chinese_caption(a: Attributes, r: random.Random) -> str:
    quad = (a.valence_bin, a.arousal_bin)
    mood = r.choice(ZH_MOOD[quad])
    style = ZH_STYLE.get(a.tune_type, "曲子")
    region = ZH_REGION.get(a.region, "")
    key = f"{a.tonic}{ZH_MODE[a.mode]}"
    tempo = ZH_TEMPO[a.tempo_word]
    bpm = a.counted_bpm
    instr = ZH_INSTR.get(a.region if a.region in ("Chinese", "German") and a.style == "folk" else a.style, "钢琴")
    return r.choice([
        f"一首{mood}的{region}{style}，{key}，{tempo}，每分钟{bpm}拍，{a.meter}拍子。",
        f"{mood}的{style}，{tempo}，适合用{instr}演奏。",
        f"{ZH_IMAGERY[a.valence_bin][r.randrange(4)]}，{mood}。",
        f"{mood}",
        f"一段{mood}的旋律，{key}，{a.meter}拍。",
    ])


KINDS = (("long", long_caption, 0.35), ("short", short_prompt, 0.2), ("imagery", imagery_caption, 0.15),
         ("occasion", occasion_caption, 0.1), ("lyric", lyric_caption, 0.1), ("zh", chinese_caption, 0.1))


def captions_for(a: Attributes, seed: int = 0, key: str = "", n: int = 6, chinese_share: float = 0.1) -> list[dict]:
    """``n`` different captions for one tune: always one long description and one short prompt,
    the rest drawn by kind; Chinese with probability ``chinese_share`` per extra caption."""
    r = _rng(seed, key)
    out = [{"text": long_caption(a, r), "kind": "long", "lang": "en"},
           {"text": short_prompt(a, r), "kind": "short", "lang": "en"}]
    pool = [(k, f) for k, f, _ in KINDS if k != "zh"]
    weights = [w for k, _, w in KINDS if k != "zh"]
    tries = 0
    while len(out) < n and tries < 4 * n:
        tries += 1
        if r.random() < chinese_share:
            text, kind, lang = chinese_caption(a, r), "zh", "zh"
        else:
            kind, fn = r.choices(pool, weights)[0]
            text, lang = fn(a, r), "en"
        if all(text != c["text"] for c in out):
            out.append({"text": text, "kind": kind, "lang": lang})
    return out


# ---------------------------------------------------------------- parallel EN/ZH pairs for the encoder check
def parallel_pairs(a: Attributes, r: random.Random) -> list[tuple[str, str]]:
    """The same content in English and Chinese (short mood word, imagery, full description)."""
    quad = (a.valence_bin, a.arousal_bin)
    i = r.randrange(4)
    en_mood, zh_mood = MOOD_ADJ[quad][i], ZH_MOOD[quad][i]
    style_en = a.tune_type or "tune"
    style_zh = ZH_STYLE.get(a.tune_type, "曲子")
    return [
        (en_mood, zh_mood),
        (f"{_article(en_mood)} {en_mood} {style_en}", f"一首{zh_mood}的{style_zh}"),
        (f"{_article(en_mood).capitalize()} {en_mood} {style_en} in {a.tonic} {a.mode}, {a.tempo_word}, {a.counted_bpm} bpm.",
         f"一首{zh_mood}的{style_zh}，{a.tonic}{ZH_MODE[a.mode]}，{ZH_TEMPO[a.tempo_word]}，每分钟{a.counted_bpm}拍。"),
    ]
