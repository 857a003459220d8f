"""Explicit musical words in a prompt, parsed exactly: 'in D minor', 'at 90 bpm', 'a waltz', '6/8'.

Whatever is named here wins over the attribute head's guess; vague words are left to the head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from musicui.core.leadsheet import Key, Meter
from musicui.core.limits import LIMITS
from musicui.model.genres import DANCE_METERS

_NOTE = r"([A-Ga-g])(\s?(?:#|♯|b|♭|-?sharp|-?flat))?"
_MODE_WORD = r"(major|minor|dorian|phrygian|lydian|mixolydian|locrian|aeolian|ionian)"
# 'D minor', 'F# major', 'Bb dorian' with a capital letter anywhere; 'in a minor' only after 'in'/'key of'.
KEY_RE = re.compile(rf"(?<![A-Za-z]){_NOTE}\s*-?\s*{_MODE_WORD}\b(?!\s+key)", re.IGNORECASE)
KEY_SHORT_RE = re.compile(r"\b(?:in|key\s+of)\s+([A-G])([#b♯♭]?)(m|maj|min)?(?![A-Za-z#♯♭])")
MODE_ONLY_RE = re.compile(rf"\b(?:in\s+(?:a\s+)?|a\s+){_MODE_WORD}(?:\s+key)?\b", re.IGNORECASE)
CHINESE_KEY_RE = re.compile(r"([A-Ga-g])\s*([#b♯♭]?)\s*(大调|小调)")
TEMPO_RE = re.compile(r"(\d{2,3})\s*(?:bpm|beats\s+(?:per|a)\s+minute|b\.p\.m\.)|♩\s*=\s*(\d{2,3})|每分钟\s*(\d{2,3})\s*拍"
                      r"|(?<![\d/])(\d{2,3})\s*拍(?!子)|速度\s*(\d{2,3})|\bat\s+(\d{2,3})(?![\d.:%/]|\s*[a-z%°])",
                      re.IGNORECASE)  # also '120拍左右', '速度90', 'an etude at 110'
METER_RE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
TEMPO_WORDS = {  # Italian markings a musician may type, with a typical bpm
    "largo": 50, "grave": 45, "adagio": 66, "andante": 84, "moderato": 108, "allegretto": 116,
    "allegro": 132, "vivace": 152, "presto": 176, "larghetto": 60, "andantino": 90, "prestissimo": 200,
    "allegro moderato": 120, "allegro molto": 160, "molto allegro": 160, "allegro vivace": 152, "allegro assai": 160,
    "adagio molto": 56, "lento assai": 48,
}
# Meter words: 'common time', 'three-four time', 'in three', 'six-eight'.
METER_WORDS = {
    "common time": "4/4", "four beats to the bar": "4/4", "four-four": "4/4", "cut time": "2/2",
    "alla breve": "2/2", "duple time": "2/4", "two-four": "2/4", "march time": "2/4", "three-four": "3/4",
    "waltz time": "3/4", "three beats to the bar": "3/4", "in three": "3/4", "triple time": "3/4",
    "six-eight": "6/8", "six eight": "6/8", "compound duple": "6/8", "nine-eight": "9/8", "slip-jig time": "9/8",
    "twelve-eight": "12/8", "two beats to the bar": "2/4", "四四拍": "4/4", "三拍子": "3/4", "四拍子": "4/4",
    "二拍子": "2/4", "3/4拍": "3/4", "四三拍": "3/4", "四二拍": "2/4", "二二拍": "2/2",  # 3/4 is read 'four-three'
    "八六拍": "6/8", "八三拍": "3/8", "八九拍": "9/8", "八十二拍": "12/8",
}

@dataclass(frozen=True)
class ExplicitAttributes:
    key: Key | None = None
    tempo: float | None = None
    meter: Meter | None = None
    style_word: str | None = None
    mode: str | None = None  # also set when only the mode is named ('in a minor key')
    meter_named: bool = False  # the meter itself was written ('3/4', 'waltz time'), not implied by a dance

    def named(self) -> list[str]:
        return [name for name in ("key", "tempo", "meter") if getattr(self, name) is not None]


def _key_from(letter: str, accidental: str | None, mode: str) -> Key:
    accidental = (accidental or "").strip().lower().lstrip("-")
    sign = {"#": "#", "♯": "#", "sharp": "#", "b": "b", "♭": "b", "flat": "b"}.get(accidental, "")
    mode = mode.lower()
    mode = {"maj": "major", "min": "minor", "m": "minor", "aeolian": "minor", "ionian": "major"}.get(mode, mode)
    return Key(letter.upper() + sign, mode)


def parse_explicit(text: str) -> ExplicitAttributes:
    key = tempo = meter = style = None
    mode = None
    for match in KEY_RE.finditer(text):
        preceded_by_in = re.search(r"\b(in|key\s+of)\s+$", text[: match.start()], re.IGNORECASE)
        if match.group(1).isupper() or preceded_by_in:
            key = _key_from(match.group(1), match.group(2), match.group(3))
            break
    if key is None and (match := CHINESE_KEY_RE.search(text)):
        key = _key_from(match.group(1), match.group(2), "major" if match.group(3) == "大调" else "minor")
    if key is None and (match := KEY_SHORT_RE.search(text)):
        key = _key_from(match.group(1), match.group(2), match.group(3) or "major")
    if key is None and (match := MODE_ONLY_RE.search(text)):
        mode = {"aeolian": "minor", "ionian": "major"}.get(match.group(1).lower(), match.group(1).lower())
    if (match := TEMPO_RE.search(text)):
        value = float(next(g for g in match.groups() if g))
        tempo = value if LIMITS.tempo_bpm[0] <= value <= LIMITS.tempo_bpm[1] else None
    else:
        words = [w for w in TEMPO_WORDS if re.search(rf"\b{w}\b", text, re.IGNORECASE)]
        tempo = float(TEMPO_WORDS[max(words, key=len)]) if words else None  # 'allegro vivace' before 'allegro'
    for candidate in METER_RE.finditer(text):
        try:
            meter = Meter(int(candidate.group(1)), int(candidate.group(2)))
            break
        except ValueError:
            continue
    lowered = text.lower()
    if meter is None:
        for words in sorted(METER_WORDS, key=len, reverse=True):
            if words in lowered:
                meter = Meter.parse(METER_WORDS[words])
                break
    named = meter is not None
    for word in sorted(DANCE_METERS, key=len, reverse=True):  # a dance fixes its meter (a waltz is in 3)
        if re.search(rf"\b{word}e?s?\b" if word.isascii() else word, lowered):
            style = word
            meter = meter or Meter.parse(DANCE_METERS[word])
            break
    return ExplicitAttributes(key, tempo, meter, style, mode or (key.mode if key else None), named)


# The English text encoder reads Chinese poorly (most characters are unknown pieces), so the words
# are glossed in English before encoding (music and mood words from here, the rest from CC-CEDICT);
# the Chinese stays in the prompt.
CHINESE_GLOSSARY = {
    "春天": "spring", "春": "spring", "夏天": "summer", "夏": "summer", "秋天": "autumn", "秋": "autumn",
    "冬天": "winter", "冬": "winter", "早晨": "morning", "清晨": "early morning", "早上": "morning",
    "黄昏": "dusk", "傍晚": "evening", "夜晚": "night", "夜": "night", "月亮": "moon", "月光": "moonlight",
    "星星": "stars", "太阳": "sun", "阳光": "sunshine", "雨": "rain", "雪": "snow", "风": "wind", "海": "sea",
    "山": "mountain", "河": "river", "草原": "grassland", "花": "flowers", "森林": "forest", "故乡": "hometown",
    "家乡": "hometown", "希望": "hopeful", "快乐": "happy", "欢乐": "joyful", "开心": "cheerful", "高兴": "glad",
    "幸福": "blissful", "温暖": "warm", "温柔": "tender", "甜蜜": "sweet", "宁静": "calm peaceful",
    "平静": "calm", "安静": "quiet", "悲伤": "sad", "伤心": "sad", "忧伤": "melancholy", "孤独": "lonely",
    "寂寞": "lonely", "思念": "longing", "怀念": "nostalgic", "离别": "farewell", "眼泪": "tears",
    "愤怒": "angry", "激动": "excited", "热闹": "lively festive", "节日": "festival", "庆祝": "celebration",
    "舞": "dance", "跳舞": "dance", "摇篮曲": "lullaby", "催眠曲": "lullaby", "民歌": "folk song",
    "民谣": "folk song", "儿歌": "children's song", "情歌": "love song", "爱": "love", "爱情": "love",
    "进行曲": "march", "圆舞曲": "waltz", "赞美诗": "hymn chorale", "慢": "slow", "快": "fast",
    "轻快": "light and lively", "明快": "bright and lively", "缓慢": "slow", "雄壮": "majestic", "神秘": "mysterious", "梦": "dreamy",
    "曲子": "tune", "旋律": "melody", "歌": "song", "歌曲": "song", "音乐": "music", "小曲": "little tune",
    "乐曲": "piece of music", "配乐": "soundtrack", "阅兵": "military parade", "春节": "spring festival new year",
    "爵士": "jazz", "摇摆": "swing", "华尔兹": "waltz", "军歌": "military march", "圣咏": "chorale hymn",
    "波萨诺瓦": "bossa nova", "流行": "pop", "吉格": "jig", "波尔卡": "polka", "重金属": "heavy metal",
    "摇滚": "rock", "电子": "electronic dance", "说唱": "rap", "嘻哈": "hip hop", "探戈": "tango",
    "交响": "symphonic orchestral", "慢一点": "slower", "快一点": "faster", "节奏": "rhythm",
    "不太": "not very", "不是很": "not very", "不怎么": "not very", "不够": "not enough", "没那么": "not so",
    "不": "not", "没有": "without", "周一": "monday", "周末": "weekend",
    "中速": "moderate tempo", "中板": "moderate tempo", "不快不慢": "moderate tempo", "中等速度": "moderate tempo",
    "快速": "fast", "慢速": "slow", "速度": "tempo", "左右": "about",
    "新年": "new year festive", "婚礼": "wedding", "告别": "farewell", "英雄": "heroic", "战斗": "battle",
    # everyday words whose dictionary sense misleads ('太' is 'too', not 'highest'; '小调' a minor key)
    "葬礼": "funeral", "外婆": "grandma", "刚": "just", "约会": "date", "听": "listen to", "吵": "noisy",
    "太": "too", "不要太": "not too", "别太": "not too", "激烈": "intense", "越快越好": "the faster the better",
    "燃": "fired up", "燃起来": "fired up", "菜单": "menu", "主菜单": "main menu", "像素风": "pixel-art style",
    "睡不着": "can't sleep", "失眠": "sleepless", "凌晨": "small hours", "还是": "still", "压力": "stress",
    "小调": "minor key", "大调": "major key", "时": "while", "时候": "while", "一个人": "alone", "异乡": "far from home",
    "他乡": "far from home", "疲惫": "exhausted", "结束": "over", "走丢": "lost", "失恋": "heartbroken",
    "轻松": "relaxed", "节奏感强": "strong driving rhythm", "强": "strong", "燃脂": "fat-burning workout",
    "干劲": "energetic drive", "摇摇晃晃": "gently swaying", "山间": "in the mountains", "打扫": "cleaning",
    "打扫卫生": "cleaning",
    # more everyday words whose first dictionary sense misleads, listed apart from the prompt suite
    "好开心": "so happy", "超开心": "super happy", "好难过": "so sad", "好伤心": "so sad",
    "不开心": "unhappy, sad", "好想哭": "about to cry, so sad", "好喜欢": "really like", "好燃": "so fired up, pumped up",
    "好爽": "feels so good, feel-good", "好美": "so beautiful", "超": "super", "挺": "quite",
    "蛮": "quite", "那种": "that kind of", "这种": "this kind of", "的感觉": "the feeling of",
    "感觉": "feeling", "带点": "with a touch of", "来点": "give me some", "来一首": "play a song",
    "来首": "play a song", "帮我": "help me", "写一首": "write a song", "适合": "suitable for",
    "一边": "while", "窗外": "outside the window", "下雨天": "rainy day", "氛围": "atmosphere",
    "氛围感": "atmospheric vibe", "背景音乐": "background music", "曲风": "musical style", "编曲": "arrangement",
    "前奏": "intro", "高潮": "climax", "纯音乐": "instrumental music", "伴奏": "accompaniment",
    "人声": "vocals", "调调": "vibe", "画面感": "vivid imagery", "意境": "artistic mood",
    "高级感": "sophisticated, classy", "质感": "texture", "复古": "retro vintage", "国风": "traditional chinese style",
    "古风": "ancient chinese style", "中国风": "chinese style", "单曲循环": "on repeat", "循环": "loop",
    "慢歌": "slow song", "快歌": "upbeat song", "抒情": "lyrical ballad", "带感": "catchy",
    "上头": "addictive, catchy", "洗脑": "catchy earworm", "抓耳": "catchy", "神曲": "earworm hit song",
    "宝藏": "hidden gem", "卡点": "beat-synced", "开场": "opening", "尾奏": "outro",
    "渐强": "crescendo", "转场": "transition", "学习": "studying", "写作业": "doing homework",
    "打游戏": "playing a video game", "蹦迪": "clubbing, dance party", "撸铁": "lifting weights workout", "摸鱼": "slacking off at work",
    "打工人": "working stiff", "内卷": "rat race", "发呆": "spacing out", "放空": "zoning out, relaxed",
    "除夕": "new year's eve", "中秋": "mid-autumn festival moon", "清明": "qingming tomb-sweeping day", "助眠": "to help fall asleep",
    "俏皮": "playful", "失落": "disappointed, feeling lost", "放松": "relaxed", "治愈": "soothing, healing",
    "治愈系": "soothing, healing", "疗愈": "soothing, healing", "悠远": "distant", "累": "tired, weary",
    "好累": "so tired, exhausted", "心累": "emotionally drained", "没劲": "boring", "不爽": "annoyed",
    "空灵": "ethereal", "淡淡的": "subtle, mellow", "舒缓": "calm and unhurried", "动感": "dynamic, driving",
    "灿烂": "radiant", "恬静": "tranquil", "热血": "pumped up", "沸腾": "roaring excitement",
    "惬意": "relaxed", "无奈": "helpless, resigned", "光明": "bright", "温馨": "cozy, warm",
    "慌张": "panicked", "狂躁": "manic", "梦幻": "dreamy", "忧郁": "melancholy",
    "压抑": "oppressive, brooding", "阴暗": "dark, gloomy", "诡异": "eerie", "不安": "uneasy",
    "丧": "dejected", "爽": "feel-good", "破防": "heartbroken", "暖心": "heartwarming",
    "释怀": "letting go, at peace", "元气满满": "cheerful and energetic", "岁月静好": "peaceful and content", "憋屈": "frustrated",
    "壮烈": "tragic and heroic", "欢脱": "playful and giddy", "心塞": "heavy-hearted", "蓝瘦香菇": "sad, want to cry",
    "摆烂": "giving up, lazy", "躺平": "lying flat, chill", "佛系": "laid back", "笑死": "hilarious, fun",
    "松弛感": "relaxed ease", "泪目": "tearful", "心动": "heart fluttering, smitten", "缠绵": "tender, lingering",
    "清冷": "chilly and aloof", "恢宏": "grand, epic", "霸气": "powerful, commanding", "萌": "cute",
    "酷": "cool", "飒": "cool and bold", "解压": "unwinding, relaxed", "炸裂": "intense",
    "燃爆": "fired up, pumped up", "嗨起来": "hyped, party",
}


def english_gloss(text: str) -> str:
    """English glosses of the Chinese words in ``text`` (the glossary's, else CC-CEDICT's), put before it."""
    from musicui.model.chinese import glosses

    if not re.search(r"[\u3400-\u9fff]", text):
        return text
    found = glosses(text, CHINESE_GLOSSARY)
    return f"{' '.join(found)} — {text}" if found else text
