"""Labelled captions written the way users type (moods, scenes, occasions, genres in and out of the
studio, tempo words, instruments, typos, emoji; English and Chinese), for the attribute head.

The corpus captions describe tunes in a few template shapes; users write "something for a rainy
drive" or "一首轻快的圆舞曲". These are composed from word lists with what a musician would hear in
each word (valence, arousal, mode, tempo as counted, meter, style), so the head learns to read free
words. Any caption that equals a prompt of the evaluation suite is dropped: the suite stays unseen.

    from musicui.data.free_captions import free_captions
    rows = free_captions(20000, seed=0)  # [{"text", "lang", "valence", "arousal", "mode", ...}]
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from musicui.model.genres import OUTSIDE_GENRES, STUDIO_WORDS
from musicui.model.mood_words import MOODS_EN, MOODS_ZH

# scene -> (valence, arousal, counted tempo bin or None, style or None); the style only where the
# occasion has one a musician would reach for (a café: bossa nova; a ballroom: a waltz)
SCENES_EN: dict[str, tuple[str, str, str | None, str | None]] = {
    "a sunrise over the hills": ("high", "mid", None, None), "a spring morning in the garden": ("high", "mid", None, None),
    "birds singing at dawn": ("high", "mid", None, None), "a picnic by the lake": ("high", "mid", None, None),
    "a walk in the park": ("high", "mid", "moderate", None), "the first day of summer": ("high", "high", None, None),
    "a birthday party": ("high", "high", "lively", None), "kids playing in the yard": ("high", "high", "lively", None),
    "a fireworks show": ("high", "high", "fast", None), "a carnival": ("high", "high", "fast", None),
    "a village fair": ("high", "high", "lively", "folk"), "a night at the pub": ("high", "high", "fast", "folk"),
    "an irish pub": ("high", "high", "fast", "folk"), "a barn dance": ("high", "high", "fast", "folk"),
    "a campfire with friends": ("high", "mid", "moderate", "folk"), "a road trip": ("high", "high", "lively", None),
    "a lullaby for a baby": ("high", "low", "slow", None), "putting my daughter to sleep": ("high", "low", "slow", None),
    "a bedtime story": ("high", "low", "slow", None), "a quiet snowfall": ("mid", "low", "slow", None),
    "rain on the window": ("mid", "low", "slow", None), "a foggy harbour": ("mid", "low", "slow", None),
    "a slow river": ("mid", "low", "slow", None), "reading by the fire": ("mid", "low", "slow", None),
    "studying late at night": ("mid", "low", "slow", None), "a yoga class": ("mid", "low", "slow", None),
    "a meditation": ("mid", "low", "slow", None), "falling asleep": ("mid", "low", "slow", None),
    "a late night drive": ("mid", "low", "moderate", None), "a coffee shop": ("mid", "low", "moderate", "bossa nova"),
    "a cafe in paris": ("high", "low", "moderate", "bossa nova"), "a beach at sunset": ("high", "low", "moderate", "bossa nova"),
    "a cocktail bar": ("mid", "mid", "moderate", "swing"), "a smoky jazz club": ("mid", "mid", "lively", "swing"),
    "a 1940s dance hall": ("high", "high", "lively", "swing"), "a speakeasy": ("mid", "high", "lively", "swing"),
    "a ballroom": ("high", "mid", None, "waltz"), "an ice skating rink": ("high", "mid", None, "waltz"),
    "a carousel": ("high", "mid", None, "waltz"), "a wedding first dance": ("high", "low", "slow", "pop ballad"),
    "a prom slow dance": ("high", "low", "slow", "pop ballad"), "a breakup": ("low", "low", "slow", "pop ballad"),
    "missing my ex": ("low", "low", "slow", "pop ballad"), "a sunday church service": ("mid", "low", "slow", "chorale"),
    "a cathedral": ("mid", "low", "slow", "chorale"), "a christmas carol service": ("high", "low", "slow", "chorale"),
    "a funeral": ("low", "low", "slow", "chorale"), "a memorial": ("low", "low", "slow", "chorale"),
    "a graduation ceremony": ("high", "mid", "moderate", "march"), "a military parade": ("high", "high", "lively", "march"),
    "soldiers marching": ("mid", "high", "lively", "march"), "a sports stadium": ("high", "high", "lively", "march"),
    "a royal coronation": ("high", "mid", "moderate", "march"), "a circus": ("high", "high", "fast", "march"),
    "a battle scene": ("low", "high", "fast", None), "a chase through the city": ("low", "high", "fast", None),
    "a horror movie": ("low", "mid", "slow", None), "a haunted house": ("low", "mid", "slow", None),
    "a thunderstorm": ("low", "high", "fast", None), "a boss fight": ("low", "high", "fast", None),
    "a video game level": ("high", "high", "fast", None), "a detective story": ("low", "mid", "moderate", "swing"),
    "an autumn evening": ("low", "low", "slow", None), "leaves falling": ("low", "low", "slow", None),
    "an empty house": ("low", "low", "slow", None), "a rainy day alone": ("low", "low", "slow", None),
    "a farewell at the station": ("low", "low", "slow", None), "saying goodbye": ("low", "low", "slow", None),
    "an old photograph": ("mid", "low", "slow", None), "my grandmother's kitchen": ("high", "low", "moderate", None),
    "going home for the holidays": ("high", "mid", "moderate", None), "a new year's party": ("high", "high", "fast", None),
    "a workout": ("mid", "high", "fast", None), "running in the morning": ("high", "high", "fast", None),
    "a train across the countryside": ("high", "mid", "lively", None), "sailing on the open sea": ("high", "mid", "moderate", "folk"),
    "a sea shanty on deck": ("high", "high", "lively", "folk"), "a starry night": ("mid", "low", "slow", None),
    "the moon over the sea": ("mid", "low", "slow", None), "a snowy mountain village": ("mid", "low", "slow", None),
    "a desert at noon": ("mid", "mid", "moderate", None), "a busy market": ("high", "high", "lively", None),
    "a spaceship drifting": ("mid", "low", "slow", None), "a fairy tale forest": ("high", "low", "moderate", None),
    "a teddy bear's picnic": ("high", "mid", "moderate", None), "a hospital waiting room": ("low", "low", "slow", None),
    "a rainy funeral": ("low", "low", "slow", "chorale"), "a cowboy riding into the sunset": ("mid", "mid", "moderate", "folk"),
    "a country fair": ("high", "high", "lively", "folk"), "a tavern in the highlands": ("high", "high", "fast", "folk"),
}
TEMPO_EN: dict[str, str] = {
    **{w: "slow" for w in ("slow", "very slow", "slowly", "unhurried", "leisurely", "at a gentle pace", "slow tempo",
                           "down-tempo", "lento", "sluggish", "calm and slow", "not too fast, slow")},
    **{w: "moderate" for w in ("moderate", "medium tempo", "mid-tempo", "at a walking pace", "moderately paced",
                               "medium speed", "not too fast, not too slow", "relaxed tempo")},
    **{w: "lively" for w in ("upbeat", "lively", "brisk", "peppy", "bouncy", "quick-ish", "perky", "spirited tempo",
                             "a bit faster", "toe-tapping", "danceable")},
    **{w: "fast" for w in ("fast", "very fast", "quick", "rapid", "racing", "breakneck", "speedy", "super fast",
                           "high-tempo", "furious tempo", "blazing", "hurried")},
}
INSTRUMENTS_EN = ("piano", "solo piano", "guitar", "acoustic guitar", "violin", "fiddle", "cello", "flute", "clarinet",
                  "oboe", "trumpet", "brass", "strings", "harp", "accordion", "harmonica", "saxophone", "organ",
                  "music box", "synth", "choir", "voice", "marimba", "recorder", "ukulele", "banjo", "tin whistle")
TUNE_NOUNS_EN = ("tune", "melody", "song", "piece", "theme", "track", "ditty", "number", "little tune", "song idea")

SCENES_ZH: dict[str, tuple[str, str, str | None, str | None]] = {
    "春天的早晨": ("high", "mid", None, None), "阳光明媚的下午": ("high", "mid", None, None), "雨夜": ("mid", "low", "slow", None),
    "下雨天": ("mid", "low", "slow", None), "秋天的黄昏": ("low", "low", "slow", None), "冬夜": ("mid", "low", "slow", None),
    "海边的日落": ("high", "low", "moderate", "bossa nova"), "咖啡馆": ("mid", "low", "moderate", "bossa nova"),
    "生日派对": ("high", "high", "lively", None), "新年": ("high", "high", "lively", None), "春节": ("high", "high", "lively", None),
    "婚礼": ("high", "mid", "moderate", None), "葬礼": ("low", "low", "slow", "chorale"), "教堂": ("mid", "low", "slow", "chorale"),
    "毕业典礼": ("high", "mid", "moderate", "march"), "阅兵": ("high", "high", "lively", "march"), "运动会": ("high", "high", "lively", "march"),
    "哄宝宝睡觉": ("high", "low", "slow", None), "摇篮曲": ("high", "low", "slow", None), "睡前": ("mid", "low", "slow", None),
    "离别": ("low", "low", "slow", None), "分手": ("low", "low", "slow", "pop ballad"), "故乡": ("mid", "low", "slow", None),
    "月光下": ("mid", "low", "slow", None), "星空": ("mid", "low", "slow", None), "草原上骑马": ("high", "high", "fast", None),
    "战斗": ("low", "high", "fast", None), "追逐": ("low", "high", "fast", None), "鬼屋": ("low", "mid", "slow", None),
    "爵士酒吧": ("mid", "mid", "lively", "swing"), "舞会": ("high", "mid", None, "waltz"), "溜冰场": ("high", "mid", None, "waltz"),
    "游戏关卡": ("high", "high", "fast", None), "晨跑": ("high", "high", "fast", None), "学习的时候": ("mid", "low", "slow", None),
    "冥想": ("mid", "low", "slow", None), "山间小溪": ("high", "low", "moderate", None), "童年回忆": ("mid", "low", "slow", None),
}
TEMPO_ZH = {**{w: "slow" for w in ("慢", "慢慢的", "缓慢", "慢板", "舒缓的节奏")},
            **{w: "moderate" for w in ("中速", "不快不慢", "中等速度")},
            **{w: "lively" for w in ("轻快", "活泼", "明快", "跳跃")},
            **{w: "fast" for w in ("快", "很快", "快速", "急促", "飞快")}}
INSTRUMENTS_ZH = ("钢琴", "吉他", "小提琴", "大提琴", "长笛", "二胡", "古筝", "琵琶", "笛子", "口琴", "手风琴", "合唱", "八音盒", "小号")
TUNE_NOUNS_ZH = ("曲子", "旋律", "歌", "音乐", "小曲", "乐曲")
EMOJI = ("🌧️", "☀️", "🎉", "💔", "🌙", "❤️", "🌸", "🔥", "😢", "😊", "🎶", "✨")


def _en_genres() -> list[tuple[str, dict]]:
    """Every style word the studio reads, with what it implies (the exact parser's tables)."""
    genres = []
    for word, (style, meter, bpm, _) in STUDIO_WORDS.items():
        if word.isascii():
            genres.append((word, {"style": style, "meter": meter, "counted": bpm}))
    for word, (style, meter, bpm, mode, _) in OUTSIDE_GENRES.items():
        if word.isascii():
            genres.append((word, {"style": style, "meter": meter, "counted": bpm, "mode": mode}))
    return genres


def _zh_genres() -> list[tuple[str, dict]]:
    genres = [(w, {"style": s, "meter": m, "counted": b}) for w, (s, m, b, _) in STUDIO_WORDS.items() if not w.isascii()]
    genres += [(w, {"style": s, "meter": m, "counted": b, "mode": mo}) for w, (s, m, b, mo, _) in OUTSIDE_GENRES.items()
               if not w.isascii()]
    return genres


def _typo(text: str, rng: random.Random) -> str:
    """One slip a fast typist makes: a doubled, dropped or swapped letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 5:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i] + text[i:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:] if i + 1 < len(text) else text


def _labels(mood=None, scene=None, tempo=None, genre=None) -> dict:
    """What a musician hears in the pieces of a caption: the mood word over the scene for the mood,
    a tempo word over the genre's tempo over the scene's."""
    row: dict = {"valence": None, "arousal": None, "mode": None, "tempo_bin": None, "meter": None, "style": None,
                 "counted": None}
    if scene:
        row.update(valence=scene[0], arousal=scene[1], tempo_bin=scene[2], style=scene[3])
    if mood:
        row.update(valence=mood[0], arousal=mood[1], mode=mood[2])
    if genre:
        row.update(style=genre["style"], meter=genre.get("meter"), counted=genre.get("counted"))
        row["mode"] = genre.get("mode") or row["mode"]
    if tempo:
        row.update(tempo_bin=tempo, counted=None)
    return row


def _draw(rng: random.Random, moods: dict, scenes: dict, tempi: dict, genres: list, nouns: tuple, instruments: tuple):
    """One word of each kind for a caption: (mood word, its labels, scene, its labels, tempo word,
    genre word, its labels, noun, instrument)."""
    mood_word, scene_word, tempo_word = rng.choice(list(moods)), rng.choice(list(scenes)), rng.choice(list(tempi))
    genre_word, genre = rng.choice(genres)
    return (mood_word, moods[mood_word], scene_word, scenes[scene_word], tempo_word, genre_word, genre,
            rng.choice(nouns), rng.choice(instruments))


def _caption_en(rng: random.Random) -> tuple[str, dict]:
    mood_word, mood, scene_word, scene, tempo_word, genre_word, genre, noun, instrument = _draw(
        rng, MOODS_EN, SCENES_EN, TEMPO_EN, _GENRES_EN, TUNE_NOUNS_EN, INSTRUMENTS_EN)
    mood2_word = rng.choice([w for w, m in MOODS_EN.items() if m[:2] == mood[:2]])
    shapes = [
        (f"{mood_word}", dict(mood=mood)), (f"something {mood_word}", dict(mood=mood)),
        (f"a {mood_word} {noun}", dict(mood=mood)), (f"{mood_word} and {mood2_word}", dict(mood=mood)),
        (f"i feel {mood_word} today", dict(mood=mood)), (f"make it {mood_word}", dict(mood=mood)),
        (f"{scene_word}", dict(scene=scene)), (f"music for {scene_word}", dict(scene=scene)),
        (f"a {noun} for {scene_word}", dict(scene=scene)), (f"the feeling of {scene_word}", dict(scene=scene)),
        (f"a {mood_word} {noun} for {scene_word}", dict(mood=mood, scene=scene)),
        (f"{scene_word}, {mood_word}", dict(mood=mood, scene=scene)),
        (f"{tempo_word} and {mood_word}", dict(mood=mood, tempo=TEMPO_EN[tempo_word])),
        (f"a {tempo_word} {mood_word} {noun}", dict(mood=mood, tempo=TEMPO_EN[tempo_word])),
        (f"{scene_word}, {tempo_word}", dict(scene=scene, tempo=TEMPO_EN[tempo_word])),
        (f"a {genre_word} {noun}", dict(genre=genre)), (f"{genre_word}", dict(genre=genre)),
        (f"some {genre_word} please", dict(genre=genre)), (f"{genre_word}-ish", dict(genre=genre)),
        (f"a {mood_word} {genre_word}", dict(mood=mood, genre=genre)),
        (f"{mood_word} {genre_word} on {instrument}", dict(mood=mood, genre=genre)),
        (f"a {tempo_word} {genre_word}", dict(genre=genre, tempo=TEMPO_EN[tempo_word])),
        (f"{genre_word} for {scene_word}", dict(scene=scene, genre=genre)),
        (f"a {mood_word} {noun} on {instrument}", dict(mood=mood)),
        (f"{instrument} solo, {mood_word}", dict(mood=mood)),
        (f"{scene_word} on {instrument}", dict(scene=scene)),
    ]
    text, parts = rng.choice(shapes)
    if rng.random() < 0.08:
        text = _typo(text, rng)
    if rng.random() < 0.06:
        text = f"{text} {rng.choice(EMOJI)}"
    if rng.random() < 0.15:
        text = text.capitalize()
    return text, _labels(**parts)


def _caption_zh(rng: random.Random) -> tuple[str, dict]:
    mood_word, mood, scene_word, scene, tempo_word, genre_word, genre, noun, instrument = _draw(
        rng, MOODS_ZH, SCENES_ZH, TEMPO_ZH, _GENRES_ZH, TUNE_NOUNS_ZH, INSTRUMENTS_ZH)
    english = rng.choice(list(MOODS_EN))
    shapes = [
        (f"{mood_word}", dict(mood=mood)), (f"一首{mood_word}的{noun}", dict(mood=mood)),
        (f"我想要{mood_word}一点的{noun}", dict(mood=mood)), (f"感觉很{mood_word}", dict(mood=mood)),
        (f"{scene_word}", dict(scene=scene)), (f"适合{scene_word}的{noun}", dict(scene=scene)),
        (f"{scene_word}的感觉", dict(scene=scene)), (f"{scene_word}，{mood_word}", dict(mood=mood, scene=scene)),
        (f"{mood_word}的{scene_word}", dict(mood=mood, scene=scene)),
        (f"{tempo_word}一点，{mood_word}", dict(mood=mood, tempo=TEMPO_ZH[tempo_word])),
        (f"一首{tempo_word}的{mood_word}{noun}", dict(mood=mood, tempo=TEMPO_ZH[tempo_word])),
        (f"{genre_word}", dict(genre=genre)), (f"一首{genre_word}", dict(genre=genre)),
        (f"{mood_word}的{genre_word}", dict(mood=mood, genre=genre)),
        (f"{tempo_word}的{genre_word}", dict(genre=genre, tempo=TEMPO_ZH[tempo_word])),
        (f"{instrument}演奏的{mood_word}{noun}", dict(mood=mood)),
        (f"{english}的{noun}", dict(mood=MOODS_EN[english])),  # mixed languages
    ]
    text, parts = rng.choice(shapes)
    if rng.random() < 0.05:
        text = f"{text}{rng.choice(EMOJI)}"
    return text, _labels(**parts)


_GENRES_EN = _en_genres()
_GENRES_ZH = _zh_genres()


def _normalised(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def free_captions(count: int, seed: int = 0, chinese_share: float = 0.3, suite: Path | None = None) -> list[dict]:
    """``count`` distinct labelled captions; none equals a prompt of the evaluation suite."""
    from musicui.model.prompt_eval import USER_PROMPTS

    unseen = {_normalised(item["text"]) for item in json.loads(Path(suite or USER_PROMPTS).read_text(encoding="utf-8"))}
    rng = random.Random(seed)
    rows, seen = [], set()
    for _ in range(count * 20):
        if len(rows) >= count:
            break
        lang = "zh" if rng.random() < chinese_share else "en"
        text, labels = (_caption_zh if lang == "zh" else _caption_en)(rng)
        if text in seen or _normalised(text) in unseen:
            continue
        seen.add(text)
        rows.append({"text": text, "lang": lang, **labels})
    return rows
