"""Style words read exactly: the studio's own styles and dances ('a swing tune', 'a jig'), and genres
it cannot play ('heavy metal', 'EDM'), each mapped to the nearest style it has, with a plain line
saying so. Tempos here are counted as musicians count them: the dotted quarter in 6/8 and 9/8."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StyleReading:
    word: str  # the words that named it, as found
    style: str  # the arranger's style name
    meter: str | None = None
    counted_bpm: float | None = None  # beats as counted (a jig: dotted quarters a minute)
    mode: str | None = None
    tune_type: str = ""  # the model's tune-type control, where the word names one
    outside: bool = False  # a genre the studio does not play; ``line`` says what it plays instead
    line: str = ""


# word -> (style, meter, counted bpm, tune type): the studio's styles and the dances it plays
STUDIO_WORDS: dict[str, tuple[str, str | None, float | None, str]] = {
    "slip jig": ("folk", "9/8", 120, "slip jig"), "jig": ("folk", "6/8", 116, "jig"),
    "reel": ("folk", "4/4", 200, "reel"), "hornpipe": ("folk", "4/4", 144, "hornpipe"),
    "polka": ("folk", "2/4", 132, "polka"), "strathspey": ("folk", "4/4", 128, "strathspey"),
    "sea shanty": ("folk", None, 104, "song"), "shanty": ("folk", None, 104, "song"),
    "celtic": ("folk", None, None, ""), "fiddle tune": ("folk", None, None, ""), "folk": ("folk", None, None, ""),
    "campfire": ("folk", None, None, ""), "bluegrass": ("folk", None, 168, ""), "country": ("folk", None, None, ""),
    "waltz": ("waltz", "3/4", 160, "waltz"), "minuet": ("waltz", "3/4", 108, "minuet"),
    "mazurka": ("waltz", "3/4", 138, "mazurka"),
    "march": ("march", "2/4", 116, "march"), "military": ("march", "2/4", 116, "march"),
    "parade": ("march", "2/4", 116, "march"), "brass band": ("march", "2/4", 112, "march"),
    "hymn": ("chorale", "4/4", 72, "chorale"), "chorale": ("chorale", "4/4", 72, "chorale"),
    "church": ("chorale", None, 72, "chorale"), "choir": ("chorale", None, None, "chorale"),
    "swing": ("swing", "4/4", 140, ""), "jazz": ("swing", "4/4", 140, ""), "big band": ("swing", "4/4", 152, ""),
    "bebop": ("swing", "4/4", 200, ""), "jazz club": ("swing", "4/4", 132, ""), "jazzy": ("swing", "4/4", 132, ""),
    "foxtrot": ("swing", "4/4", 120, ""), "quickstep": ("swing", "4/4", 200, ""),
    "valse": ("waltz", "3/4", 160, "waltz"), "tempo di valse": ("waltz", "3/4", 160, "waltz"),
    "bossa nova": ("bossa nova", "4/4", 128, ""), "bossa": ("bossa nova", "4/4", 128, ""),
    "latin": ("bossa nova", "4/4", 128, ""),
    "pop ballad": ("pop ballad", "4/4", 72, "pop song"), "power ballad": ("pop ballad", "4/4", 76, "pop song"),
    "ballad": ("pop ballad", "4/4", 72, ""), "love song": ("pop ballad", "4/4", 76, "pop song"),
    "pop song": ("pop ballad", "4/4", 96, "pop song"), "pop": ("pop ballad", "4/4", 100, "pop song"),
    "r&b": ("pop ballad", "4/4", 72, "pop song"), "soul": ("pop ballad", "4/4", 80, "pop song"),
    "fanfare": ("march", "2/4", 116, "march"), "sousa": ("march", "2/4", 120, "march"),
    "christmas carol": ("chorale", "4/4", 80, "chorale"), "carol": ("chorale", "4/4", 80, "chorale"),
    "psalm": ("chorale", "4/4", 72, "chorale"),
    "madrigal": ("chorale", "4/4", 80, "chorale"), "ländler": ("waltz", "3/4", 138, "waltz"),
    "landler": ("waltz", "3/4", 138, "waltz"), "sarabande": ("waltz", "3/4", 72, "minuet"),
    "dixieland": ("swing", "4/4", 176, ""), "ragtime": ("swing", "4/4", 100, ""), "crooner": ("swing", "4/4", 108, ""),
    "gavotte": ("folk", "4/4", 100, ""), "pavane": ("chorale", "4/4", 60, "chorale"),
    "siciliano": ("folk", "6/8", 54, ""), "siciliana": ("folk", "6/8", 54, ""), "barcarolle": ("folk", "6/8", 60, "song"),
    "tarantella": ("folk", "6/8", 160, "jig"), "klezmer": ("folk", None, 132, ""), "work song": ("folk", None, 96, "song"),
    "singer-songwriter": ("pop ballad", "4/4", 88, "pop song"),
    "圆舞曲": ("waltz", "3/4", 160, "waltz"), "华尔兹": ("waltz", "3/4", 160, "waltz"),
    "进行曲": ("march", "2/4", 116, "march"), "军歌": ("march", "2/4", 116, "march"),
    "赞美诗": ("chorale", "4/4", 72, "chorale"), "圣咏": ("chorale", "4/4", 72, "chorale"),
    "爵士": ("swing", "4/4", 140, ""), "摇摆": ("swing", "4/4", 140, ""), "波萨诺瓦": ("bossa nova", "4/4", 128, ""),
    "流行": ("pop ballad", "4/4", 96, "pop song"), "情歌": ("pop ballad", "4/4", 76, "pop song"),
    "民谣": ("folk", None, None, ""), "民歌": ("folk", None, None, "folk song"), "吉格": ("folk", "6/8", 116, "jig"),
    "波尔卡": ("folk", "2/4", 132, "polka"), "军乐": ("march", "2/4", 116, "march"), "行进": ("march", "2/4", 116, "march"),
    "乡村": ("folk", None, None, ""), "凯尔特": ("folk", None, None, ""), "爱尔兰": ("folk", None, None, ""),
    "苏格兰": ("folk", None, None, ""), "篝火": ("folk", None, None, ""), "灵魂乐": ("pop ballad", "4/4", 80, "pop song"),
    "抒情歌": ("pop ballad", "4/4", 72, "pop song"), "芭蕾": ("waltz", "3/4", 132, "waltz"), "拉丁": ("bossa nova", "4/4", 128, ""),
    "唱诗班": ("chorale", None, None, "chorale"), "合唱团": ("chorale", None, None, "chorale"),
    "大乐队": ("swing", "4/4", 152, ""), "比波普": ("swing", "4/4", 200, ""), "小步舞曲": ("waltz", "3/4", 108, "minuet"),
    "玛祖卡": ("waltz", "3/4", 138, "mazurka"), "船歌": ("folk", "6/8", 60, "song"),
}

# the dances (and marches) among them, whose name fixes the meter: 'a waltz' is in 3/4, 'a jig' in 6/8
DANCE_METERS = {word: meter for word, (_, meter, _, tune_type) in STUDIO_WORDS.items()
                if meter and tune_type not in ("", "chorale", "pop song", "song")}

# genre -> (nearest style, meter, counted bpm, mode, how the nearest reads): what the studio cannot play
OUTSIDE_GENRES: dict[str, tuple[str, str | None, float, str | None, str]] = {
    "heavy metal": ("march", "4/4", 168, "minor", "a driving minor march"),
    "metal": ("march", "4/4", 168, "minor", "a driving minor march"),
    "metalcore": ("march", "4/4", 168, "minor", "a driving minor march"),
    "punk": ("march", "4/4", 176, None, "a fast, hard march"),
    "hard rock": ("march", "4/4", 132, "minor", "a heavy minor march"),
    "rock": ("pop ballad", "4/4", 120, None, "a driving pop song"),
    "edm": ("pop ballad", "4/4", 128, None, "an upbeat pop song"),
    "techno": ("pop ballad", "4/4", 132, "minor", "an upbeat minor pop song"),
    "house music": ("pop ballad", "4/4", 124, None, "an upbeat pop song"),
    "trance": ("pop ballad", "4/4", 138, "minor", "an upbeat minor pop song"),
    "dubstep": ("march", "4/4", 140, "minor", "a heavy minor march"),
    "drum and bass": ("pop ballad", "4/4", 172, "minor", "a fast minor pop song"),
    "disco": ("pop ballad", "4/4", 120, "major", "an upbeat major pop song"),
    "funk": ("swing", "4/4", 108, None, "a laid-back swing tune"),
    "blues": ("swing", "4/4", 96, None, "a slow swing tune"),
    "trap": ("pop ballad", "4/4", 70, "minor", "a slow minor pop song"),
    "hip hop": ("pop ballad", "4/4", 90, "minor", "a minor pop song"),
    "hip-hop": ("pop ballad", "4/4", 90, "minor", "a minor pop song"),
    "rap": ("pop ballad", "4/4", 90, "minor", "a minor pop song"),
    "lo-fi": ("pop ballad", "4/4", 80, None, "a mellow pop ballad"),
    "lofi": ("pop ballad", "4/4", 80, None, "a mellow pop ballad"),
    "k-pop": ("pop ballad", "4/4", 120, None, "an upbeat pop song"),
    "kpop": ("pop ballad", "4/4", 120, None, "an upbeat pop song"),
    "reggae": ("bossa nova", "4/4", 80, None, "a relaxed bossa nova"),
    "reggaeton": ("bossa nova", "4/4", 96, None, "a bossa nova"),
    "salsa": ("bossa nova", "4/4", 168, None, "a quick bossa nova"),
    "samba": ("bossa nova", "4/4", 160, None, "a quick bossa nova"),
    "tango": ("march", "2/4", 116, "minor", "a minor march"),
    "flamenco": ("bossa nova", "4/4", 120, "minor", "a minor bossa nova"),
    "gospel": ("chorale", "4/4", 84, "major", "a major chorale"),
    "orchestral trailer": ("march", "4/4", 96, "minor", "a broad minor march"),
    "film trailer": ("march", "4/4", 96, "minor", "a broad minor march"),
    "trailer": ("march", "4/4", 96, "minor", "a broad minor march"),
    "epic orchestral": ("march", "4/4", 96, "minor", "a broad minor march"),
    "orchestral": ("chorale", "4/4", 80, None, "a four-part chorale"),
    "symphonic": ("chorale", "4/4", 80, None, "a four-part chorale"),
    "opera": ("chorale", "4/4", 72, None, "a four-part chorale"),
    "ambient": ("pop ballad", "4/4", 60, None, "a slow, calm pop ballad"),
    "chiptune": ("folk", "4/4", 150, None, "a quick folk tune"),
    "rumba": ("bossa nova", "4/4", 104, None, "a bossa nova"), "cha-cha": ("bossa nova", "4/4", 120, None, "a bossa nova"),
    "mambo": ("bossa nova", "4/4", 180, None, "a quick bossa nova"), "bolero": ("bossa nova", "4/4", 100, None, "a bossa nova"),
    "habanera": ("bossa nova", "2/4", 72, None, "a slow bossa nova"), "calypso": ("bossa nova", "4/4", 112, "major", "a bossa nova"),
    "cumbia": ("bossa nova", "4/4", 96, None, "a bossa nova"), "afrobeat": ("pop ballad", "4/4", 112, None, "an upbeat pop song"),
    "grunge": ("march", "4/4", 120, "minor", "a heavy minor march"), "emo": ("pop ballad", "4/4", 150, "minor", "a fast minor pop song"),

    "8-bit": ("folk", "4/4", 150, None, "a quick folk tune"),
    "重金属": ("march", "4/4", 168, "minor", "a driving minor march"),
    "摇滚": ("pop ballad", "4/4", 120, None, "a driving pop song"),
    "电子": ("pop ballad", "4/4", 128, None, "an upbeat pop song"),
    "说唱": ("pop ballad", "4/4", 90, "minor", "a minor pop song"),
    "嘻哈": ("pop ballad", "4/4", 90, "minor", "a minor pop song"),
    "探戈": ("march", "2/4", 116, "minor", "a minor march"),
    "交响": ("chorale", "4/4", 80, None, "a four-part chorale"),
    "金属": ("march", "4/4", 168, "minor", "a driving minor march"), "朋克": ("march", "4/4", 176, None, "a fast, hard march"),
    "电音": ("pop ballad", "4/4", 128, None, "an upbeat pop song"), "迪斯科": ("pop ballad", "4/4", 120, "major", "an upbeat major pop song"),
    "蓝调": ("swing", "4/4", 96, None, "a slow swing tune"), "布鲁斯": ("swing", "4/4", 96, None, "a slow swing tune"),
    "放克": ("swing", "4/4", 108, None, "a laid-back swing tune"), "雷鬼": ("bossa nova", "4/4", 80, None, "a relaxed bossa nova"),
    "桑巴": ("bossa nova", "4/4", 160, None, "a quick bossa nova"), "萨尔萨": ("bossa nova", "4/4", 168, None, "a quick bossa nova"),
    "福音": ("chorale", "4/4", 84, "major", "a major chorale"), "管弦": ("chorale", "4/4", 80, None, "a four-part chorale"),
    "史诗": ("march", "4/4", 96, "minor", "a broad minor march"), "预告片": ("march", "4/4", 96, "minor", "a broad minor march"),
    "氛围音乐": ("pop ballad", "4/4", 60, None, "a slow, calm pop ballad"), "歌剧": ("chorale", "4/4", 72, None, "a four-part chorale"),
    "8位": ("folk", "4/4", 150, None, "a quick folk tune"), "芯片音乐": ("folk", "4/4", 150, None, "a quick folk tune"),
}


# places and occasions that call for one of the studio's styles without naming it: a guess the
# four ideas may still explore ('a café' -> bossa nova, 'a ballroom' -> waltz, 'a funeral' -> chorale)
SCENE_STYLES: dict[str, str] = {
    **{w: "bossa nova" for w in ("café", "cafe", "coffee shop", "beach bar", "cocktail", "poolside", "ipanema",
                                 "rio", "copacabana", "咖啡馆", "海滩")},
    **{w: "swing" for w in ("speakeasy", "smoky bar", "nightclub", "night club", "lounge", "noir", "detective",
                            "1920s", "1930s", "1940s", "roaring twenties", "dance hall", "new orleans", "harlem",
                            "cabaret", "爵士酒吧", "侦探")},
    **{w: "waltz" for w in ("ballroom", "ice skating", "skating rink", "carousel", "merry-go-round", "vienna",
                            "viennese", "music box", "舞会", "溜冰", "旋转木马")},
    **{w: "chorale" for w in ("cathedral", "funeral", "requiem", "prayer", "church", "chapel", "monastery",
                              "christmas eve", "vespers", "教堂", "葬礼", "祈祷")},
    **{w: "march" for w in ("soldiers", "army", "troops", "stadium", "graduation", "coronation", "victory parade",
                            "marching band", "drum corps", "the olympics", "士兵", "军队", "毕业典礼", "阅兵", "运动会")},
    **{w: "pop ballad" for w in ("prom", "breakup", "heartbreak", "first dance", "karaoke", "boy band", "love letter",
                                 "missing you", "miss you", "分手", "失恋", "卡拉ok")},
    **{w: "folk" for w in ("pub", "tavern", "barn dance", "ceilidh", "campfire", "village fair", "fiddle", "highlands",
                           "ireland", "irish", "scotland", "scottish", "sea shanty", "cowboy", "harvest", "酒馆", "篝火")},
}


def scene_style(text: str) -> str | None:
    """The style a place or occasion in the words calls for, if any (the first found)."""
    found = _first(SCENE_STYLES, text.lower(), plural=True)
    return SCENE_STYLES[found[0]] if found else None


NO_PLURAL = frozenset({"soul", "pop", "country"})  # 'lost souls', 'pops of colour', 'countries' name no style


def _found(word: str, lowered: str, plural: bool) -> re.Match | None:
    if not word.isascii():
        return re.search(re.escape(word), lowered)
    plural = plural and word not in NO_PLURAL
    # an English word that takes 了 is Chinese slang, not the genre: 'emo了' is feeling low
    return re.search(rf"(?<![a-z]){re.escape(word)}{'(?:e?s)?' if plural else ''}(?![a-z]|\s*了)", lowered)


def _first(table: dict, lowered: str, plural: bool) -> tuple[str, re.Match] | None:
    """The first table word in the text, the longest where two start together ('slip jig', not 'jig')."""
    found = [(word, match) for word in table if (match := _found(word, lowered, plural))]
    return min(found, key=lambda item: (item[1].start(), -len(item[0])), default=None)


def read_style(text: str) -> StyleReading | None:
    """The style the words name, exactly: a studio style or dance, else an outside genre's nearest."""
    lowered = text.lower()
    inside = _first(STUDIO_WORDS, lowered, plural=True)  # 'jigs and reels'
    outside = _first(OUTSIDE_GENRES, lowered, plural=False)  # 'rocks' is not rock
    if inside and (not outside or inside[1].start() <= outside[1].start()):
        style, meter, bpm, tune_type = STUDIO_WORDS[inside[0]]
        return StyleReading(inside[1].group(0), style, meter, bpm, None, tune_type)
    if outside:
        style, meter, bpm, mode, reads = OUTSIDE_GENRES[outside[0]]
        line = f"{outside[1].group(0)} isn't a style here; closest: {reads} at {round(bpm)} bpm"
        return StyleReading(outside[1].group(0), style, meter, bpm, mode, "", True, line)
    return None
