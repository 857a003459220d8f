"""Mood and tempo words read exactly ('sad', 'joyful', '忧伤'; 'slow', 'upbeat', '轻快'): each mood
word with the valence, arousal and mode a musician hears in it (the circumplex), each tempo word
with its counted-tempo bin. A word after a negation ('not sad', '不快乐') is not read.
The same lists make the attribute head's free training captions (``musicui.data.free_captions``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LEVEL_VALUES = {"low": 0.0, "mid": 1.0, "high": 2.0}
SCENE_WEIGHT = 0.5  # a scene word tells the mood less surely than a mood word

# word -> (valence, arousal, mode or None); the circumplex as a musician hears it
MOODS_EN: dict[str, tuple[str, str, str | None]] = {
    **{w: ("high", "high", "major") for w in (
        "joyful", "exuberant", "ecstatic", "elated", "jubilant", "euphoric", "thrilled", "excited", "festive",
        "celebratory", "triumphant", "victorious", "playful", "bouncy", "giddy", "rollicking", "party",
        "over the moon", "full of joy", "fun", "wild and happy", "energetic and happy", "sparkling", "glorious")},
    **{w: ("high", "mid", "major") for w in (
        "cheerful", "happy", "bright", "sunny", "hopeful", "optimistic", "merry", "glad", "carefree",
        "lighthearted", "light-hearted", "friendly", "uplifting", "delighted", "pleasant", "charming", "jolly",
        "breezy", "sweet and bright", "feel-good", "good vibes", "positive", "inspiring", "proud", "heroic",
        "majestic", "noble", "grand", "radiant", "welcoming")},
    **{w: ("high", "low", "major") for w in (
        "tender", "gentle", "loving", "content", "peaceful", "cozy", "sweet", "affectionate", "grateful",
        "blissful", "serene", "soothing", "comforting", "warm", "innocent", "heartwarming", "safe and warm",
        "dreamy", "soft and happy", "romantic", "intimate", "graceful")},
    **{w: ("mid", "low", None) for w in (
        "calm", "relaxed", "quiet", "contemplative", "reflective", "meditative", "pensive", "mellow", "sleepy",
        "hazy", "still", "unhurried", "chill", "laid back", "introspective", "thoughtful", "ambient", "floating",
        "nostalgic", "bittersweet", "sentimental", "hushed", "drowsy", "zen")},
    **{w: ("mid", "mid", None) for w in (
        "steady", "curious", "whimsical", "wandering", "flowing", "easygoing", "earnest", "quirky", "simple",
        "plain", "neutral", "mysterious", "enigmatic", "sneaky", "cinematic", "pastoral", "rustic", "folky")},
    **{w: ("mid", "high", None) for w in (
        "energetic", "driving", "urgent", "busy", "bustling", "adventurous", "bold", "determined", "spirited",
        "vigorous", "pumped up", "intense", "epic", "powerful", "marching", "heroic and fast", "rushing",
        "hype", "action-packed", "brisk and bold")},
    **{w: ("low", "low", "minor") for w in (
        "sad", "sorrowful", "melancholy", "melancholic", "gloomy", "mournful", "grieving", "lonely",
        "heartbroken", "desolate", "somber", "sombre", "bleak", "weary", "depressed", "forlorn", "tearful",
        "blue", "feeling down", "feel down", "felt down", "so down", "a bit down", "a little down",
        "kinda down", "really down", "pretty down", "down in the dumps", "hopeless", "empty", "lost", "sad and slow", "crying", "broken-hearted", "funereal",
        "wistful", "regretful", "homesick", "longing", "lament")},
    **{w: ("low", "mid", "minor") for w in (
        "uneasy", "brooding", "haunting", "eerie", "dark", "ominous", "creepy", "spooky", "unsettling",
        "sinister", "foreboding", "bitter", "moody", "troubled", "gothic", "grim", "cold", "suspenseful")},
    **{w: ("low", "high", "minor") for w in (
        "angry", "furious", "anxious", "tense", "frantic", "panicked", "fierce", "aggressive", "menacing",
        "stormy", "terrifying", "chaotic", "desperate", "raging", "violent", "nervous", "stressed", "scary",
        "dramatic", "defiant", "restless", "frightening", "dangerous", "enraged")},
}

MOODS_EN.update({  # more everyday words for the same places on the circle
    **{w: ("low", "high", "minor") for w in ("stress", "stressful", "under pressure", "ruthless")},
    **{w: ("mid", "high", None) for w in ("noisy", "loud", "rowdy")},
    **{w: ("mid", "mid", None) for w in ("meh", "so-so", "not good not bad", "neither good nor bad", "nothing special",)},
    **{w: ("high", "high", "major") for w in ("upbeat", "feel-good", "feelgood", "silly", "goofy", "wacky", "zany", "bubbly", "cheeky", "hyped", "thrilling",
                                              "electrifying", "groovy", "funky", "wild and free", "carefree and fast")},
    **{w: ("high", "mid", "major") for w in ("cute", "adorable", "lovely", "beautiful", "wonderful", "magical", "enchanting",
                                             "heavenly", "golden", "fresh", "airy", "sunlit", "summery", "brave",
                                             "confident", "catchy", "triumphal", "glowing", "sunny and bright")},
    **{w: ("high", "low", "major") for w in ("tranquil", "restful", "soft", "warmhearted", "gentle and sweet", "angelic",
                                             "lullaby-like", "peaceful and happy")},
    **{w: ("mid", "low", None) for w in ("lazy", "foggy", "misty", "grey", "gray", "autumnal", "wintry", "solemn", "sacred",
                                         "prayerful", "reverent", "minimal", "sparse", "distant", "slow and calm")},
    **{w: ("mid", "mid", None) for w in (
        "strange", "weird", "odd", "exotic", "ancient", "medieval", "earthy", "folkloric",)},
    **{w: ("mid", "high", None) for w in ("militant", "martial", "stomping", "pounding", "relentless", "galloping",
                                          "rousing", "stirring", "anthemic")},
    **{w: ("low", "low", "minor") for w in ("tragic", "doleful", "plaintive", "elegiac", "dreary", "dismal", "miserable",
                                            "bereft", "aching", "sorrowing", "grief-stricken")},
    **{w: ("low", "mid", "minor") for w in ("icy", "shadowy", "murky", "threatening", "lurking", "uneasy and dark")},
    **{w: ("low", "high", "minor") for w in ("savage", "brutal", "harsh", "explosive", "manic", "hectic", "feverish",
                                             "agitated", "turbulent", "tormented", "heavy and fast")},
})
MOODS_EN.update({  # the same moods named as nouns ('pure joy', 'grief')
    **{w: ("high", "high", "major") for w in (
        "joy", "excitement", "celebration", "triumph", "euphoria", "jubilation", "fun",)},
    **{w: ("high", "mid", "major") for w in ("happiness", "hope", "sunshine", "optimism", "pride", "glory", "delight")},
    **{w: ("high", "low", "major") for w in (
        "love", "bliss", "tenderness", "contentment", "gratitude", "romance", "comfort",)},
    **{w: ("mid", "low", None) for w in (
        "peace", "calmness", "serenity", "tranquility", "nostalgia", "stillness", "rest",)},
    **{w: ("mid", "mid", None) for w in ("wonder", "mystery", "curiosity")},
    **{w: ("mid", "high", None) for w in ("energy", "adrenaline", "power", "adventure")},
    **{w: ("low", "low", "minor") for w in ("sadness", "sorrow", "grief", "melancholy", "loneliness", "heartbreak", "despair",
                                             "regret", "loss", "tears", "mourning")},
    **{w: ("low", "mid", "minor") for w in ("dread", "darkness", "unease", "suspense")},
    **{w: ("low", "high", "minor") for w in (
        "anger", "rage", "fear", "panic", "anxiety", "tension", "fury", "terror", "danger",)},
})
MOODS_EN.update({  # the everyday grumbles and tiredness a prompt names ('grumpy monday morning')
    **{w: ("low", "mid", "minor") for w in ("grumpy", "cranky", "irritable", "irritated", "annoyed", "frustrated",
                                            "fed up", "bummed", "bummed out", "sulky", "sullen", "jaded", "emo", "angsty")},
    **{w: ("low", "low", "minor") for w in ("exhausted", "burned out", "burnt out", "drained", "worn out", "heavy-hearted",
                                            "disappointed", "discouraged", "dejected", "gutted")},
    **{w: ("mid", "low", None) for w in ("bored", "boring", "dull", "uneventful")},
})
# emoji as the moods they show; read like mood words, kept out of the English lists the encoder and
# the free captions use
EMOJI_MOODS: dict[str, tuple[str, str, str | None]] = {
    **{e: ("high", "high", "major") for e in ("🎉", "🥳", "🤩", "😆", "😂", "🤣", "🕺", "💃", "🎊", "🙌", "😁")},
    **{e: ("high", "mid", "major") for e in ("😊", "🙂", "😀", "😃", "😄", "☀️", "🌞", "🌈", "✨", "🌻", "🌸", "👍")},
    **{e: ("high", "low", "major") for e in ("🥰", "😍", "❤️", "❤", "💕", "💖", "😌", "🤗", "🌙")},
    **{e: ("mid", "low", None) for e in ("💤", "😴", "🥱")},  # sleepy: neither glad nor sad
    **{e: ("mid", "low", None) for e in ("🍂", "🌧️", "🌧", "☁️", "🍵", "🕯️", "🧘")},
    **{e: ("mid", "high", None) for e in ("🔥", "⚡", "🚀", "🏃", "💪", "🏎️")},
    **{e: ("low", "low", "minor") for e in ("😢", "😭", "💔", "😞", "😔", "🥀", "😿", "🥺")},
    **{e: ("low", "mid", "minor") for e in ("👻", "💀", "🌑", "🕷️", "😒", "😑")},
    **{e: ("low", "high", "minor") for e in ("😡", "😠", "🤬", "😱", "😨", "😰", "⚔️", "💥")},
}
MOODS_ZH: dict[str, tuple[str, str, str | None]] = {
    **{w: ("high", "high", "major") for w in ("欢快", "欢乐", "喜庆", "热闹", "兴奋", "激动人心", "狂欢", "喜气洋洋", "快乐", "雀跃")},
    **{w: ("high", "mid", "major") for w in ("开心", "高兴", "明亮", "阳光", "充满希望", "乐观", "愉快", "轻松愉快", "自豪", "雄壮", "豪迈", "美好",)},
    **{w: ("high", "low", "major") for w in ("温柔", "温暖", "甜蜜", "幸福", "安详", "宁静", "浪漫", "温馨", "柔和", "可爱")},
    **{w: ("mid", "low", None) for w in ("平静", "安静", "放松", "沉思", "怀旧", "慵懒", "悠闲", "淡淡的", "空灵", "舒缓")},
    **{w: ("mid", "mid", None) for w in ("神秘", "好奇", "古朴", "质朴", "俏皮")},
    **{w: ("mid", "high", None) for w in ("紧张刺激", "有力", "激昂", "壮阔", "史诗", "动感", "奔放")},
    **{w: ("low", "low", "minor") for w in ("悲伤", "伤心", "忧伤", "孤独", "寂寞", "思念", "哀伤", "凄凉", "失落", "难过", "惆怅", "哀愁")},
    **{w: ("low", "mid", "minor") for w in ("阴暗", "诡异", "压抑", "恐怖", "阴森", "沉重")},
    **{w: ("low", "high", "minor") for w in ("愤怒", "焦虑", "紧张", "激烈", "暴躁", "绝望", "危险", "狂暴")},
}
MOODS_ZH.update({  # more everyday words for the same places on the circle
    **{w: ("high", "high", "major") for w in ("欢腾", "沸腾", "喜悦", "狂喜", "兴高采烈", "欢天喜地", "热烈", "活力", "动感十足")},
    **{w: ("high", "mid", "major") for w in ("美丽", "明媚", "清新", "灿烂", "轻松", "愉悦", "勇敢", "光明", "骄傲", "辉煌")},
    **{w: ("high", "low", "major") for w in ("恬静", "柔美", "温情", "甜美", "安宁", "祥和", "舒服", "治愈")},
    **{w: ("mid", "low", None) for w in ("静谧", "朦胧", "悠远", "淡然", "庄严", "肃穆", "神圣", "悠扬", "惬意", "安逸")},
    **{w: ("mid", "mid", None) for w in ("奇怪", "古老", "异域", "奇幻", "梦幻")},
    **{w: ("mid", "high", None) for w in ("澎湃", "磅礴", "雄浑", "奔腾", "热血")},
    **{w: ("low", "low", "minor") for w in ("悲痛", "悲凉", "心碎", "痛苦", "凄美", "苦涩", "忧郁", "沉痛", "遗憾", "伤感",
                                            "落寞", "无奈")},
    **{w: ("low", "mid", "minor") for w in ("不安", "阴郁", "冷清", "冰冷", "黑暗", "悬疑")},
    **{w: ("low", "high", "minor") for w in ("恐惧", "惊恐", "狂躁", "暴怒", "慌张", "紧迫")},
})
MOODS_ZH.update({  # everyday grumbles, tiredness and heartache
    **{w: ("low", "high", "minor") for w in ("压力", "压力大", "狠")},
    **{w: ("mid", "high", None) for w in ("吵", "吵闹")},
    **{w: ("low", "mid", "minor") for w in ("烦躁", "烦闷", "郁闷", "烦", "不爽", "心烦", "悲壮")},
    **{w: ("mid", "low", None) for w in ("无聊", "没劲")},
    **{w: ("low", "low", "minor") for w in ("好累", "疲惫", "累", "失恋", "思乡", "想家", "委屈", "失望", "沮丧", "心累",
                                            "emo了")},
})


# words for scenes, occasions and things that carry a mood without naming one ('a funeral', 'rain',
# 'a birthday party'): read like mood words, at half their weight
SCENE_WORDS: dict[str, tuple[str, str]] = {
    **{w: ("high", "high") for w in (
        "party", "parties", "birthday", "festival", "carnival", "fireworks", "celebration", "dance party", "disco ball",
        "fair", "circus", "victory", "champion", "championship", "goal", "holiday", "vacation", "summer camp",
        "playground", "roller coaster", "new year", "christmas morning", "wedding dance", "rave", "confetti",
        "gold medal", "win", "winning", "kids", "children playing", "puppy", "jumping", "sports", "stadium",
        "聚会", "派对", "生日", "节日", "庆典", "烟花", "狂欢节", "胜利", "冠军", "游乐园", "过年", "春节")},
    **{w: ("high", "mid") for w in (
        "sunrise", "sunshine", "sunny day", "spring", "springtime", "blossom", "blossoms", "flowers", "garden",
        "picnic", "morning", "dawn", "rainbow", "meadow", "birds", "birdsong", "wedding", "graduation", "reunion",
        "homecoming", "friends", "friendship", "road trip", "adventure", "journey", "sailing", "breeze", "kite",
        "parade", "welcome", "baby", "first day", "new beginning", "coronation", "hero", "heroes", "sunflower",
        "日出", "阳光", "春天", "花园", "野餐", "早晨", "清晨", "彩虹", "草地", "小鸟", "婚礼", "毕业", "团聚",
        "朋友", "旅行", "出发", "英雄")},
    **{w: ("high", "low") for w in (
        "lullaby", "cradle", "bedtime", "sleeping baby", "hug", "cuddle", "home", "fireplace", "cozy cabin",
        "tea", "grandmother", "grandma", "mother", "mom", "kitten", "sunday morning", "beach", "seaside",
        "first love", "kiss", "honeymoon", "valentine", "wedding vows", "candlelight", "stargazing",
        "摇篮", "睡前", "拥抱", "家", "壁炉", "奶奶", "外婆", "妈妈", "母亲", "海边", "初恋", "亲吻", "烛光")},
    **{w: ("mid", "low") for w in (
        "rain", "rainy", "snow", "snowfall", "fog", "mist", "night", "midnight", "moon", "moonlight", "stars",
        "starry", "evening", "dusk", "twilight", "lake", "river", "ocean", "clouds", "autumn", "fall leaves",
        "library", "study", "studying", "reading", "meditation", "yoga", "prayer", "church", "cathedral",
        "monastery", "temple", "sleep", "asleep", "dream", "dreams", "memory", "memories", "old photograph",
        "childhood", "hometown", "late night", "sunset", "coffee", "cafe", "café", "window", "train window",
        "雨", "雪", "雾", "夜", "月", "星", "黄昏", "傍晚", "湖", "河", "海", "云", "秋", "图书馆", "冥想", "祈祷",
        "教堂", "寺庙", "梦", "回忆", "童年", "故乡", "日落", "咖啡")},
    **{w: ("mid", "high") for w in (
        "race", "racing", "chase", "sprint", "workout", "gym", "running", "marathon", "training montage",
        "city traffic", "rush hour", "market", "train", "rocket", "launch", "storm chasers", "heist", "video game",
        "arcade", "boss level", "speed", "motorcycle", "skateboard", "surfing",
        "比赛", "赛跑", "追逐", "健身", "跑步", "市场", "火车", "火箭", "游戏")},
    **{w: ("low", "low") for w in (
        "funeral", "grave", "graveyard", "cemetery", "goodbye", "farewell", "departure", "breakup", "divorce",
        "death", "dying", "widow", "orphan", "hospital", "illness", "war memorial", "memorial", "ruins", "ashes",
        "empty room", "empty house", "abandoned", "exile", "loss", "lost love", "rainy funeral", "last letter",
        "winter night", "withered", "tears", "crying", "alone", "solitude", "missing you", "miss you",
        "葬礼", "墓地", "告别", "离别", "分手", "离婚", "死亡", "医院", "废墟", "空房间", "孤独", "眼泪", "哭泣", "想念")},
    **{w: ("low", "mid") for w in (
        "haunted", "ghost", "ghosts", "graves", "shadow", "shadows", "cave", "dungeon", "crypt", "abyss",
        "detective", "noir", "spy", "mystery", "fog horn", "villain", "witch", "curse", "cold war",
        "鬼", "幽灵", "影子", "洞穴", "地牢", "侦探", "间谍", "巫婆", "诅咒")},
    **{w: ("low", "high") for w in (
        "battle", "war", "fight", "fighting", "storm", "thunder", "thunderstorm", "hurricane", "earthquake",
        "explosion", "fire", "burning", "escape", "attack", "invasion", "zombie", "zombies", "monster", "monsters",
        "horror", "nightmare", "boss fight", "riot", "danger", "emergency", "siege", "dragon", "apocalypse",
        "战斗", "战争", "打架", "暴风雨", "雷", "地震", "爆炸", "大火", "逃跑", "进攻", "僵尸", "怪物", "噩梦", "危险")},
}

# the mood a genre or dance carries when nothing else says one ('a jig' is merry, 'the blues' sad)
SCENE_WORDS.update({
    **{w: ("high", "high") for w in ("jig", "jigs", "reel", "reels", "polka", "hornpipe", "bluegrass", "ceilidh",
                                     "square dance", "edm", "disco", "k-pop", "kpop", "samba", "salsa", "ska",
                                     "chiptune", "8-bit", "big band", "bebop", "punk", "波尔卡", "吉格", "电子")},
    **{w: ("high", "mid") for w in ("march", "marches", "waltz", "waltzes", "swing", "polka dots", "country",
                                    "gospel", "pop", "pop song", "sea shanty", "shanty", "folk dance", "mazurka",
                                    "minuet", "reggae", "funk", "进行曲", "圆舞曲", "华尔兹", "流行", "摇摆")},
    **{w: ("high", "low") for w in ("bossa nova", "bossa", "love song", "serenade", "波萨诺瓦", "情歌")},
    **{w: ("mid", "low") for w in ("hymn", "chorale", "ballad", "lo-fi", "lofi", "ambient", "nocturne", "chant",
                                   "赞美诗", "圣咏")},
    **{w: ("low", "low") for w in ("blues", "dirge", "requiem", "elegy", "lament", "torch song", "挽歌")},
    **{w: ("low", "mid") for w in ("trap", "dark ambient", "goth", "film noir", "tango", "探戈")},
    **{w: ("low", "high") for w in ("metal", "heavy metal", "metalcore", "hard rock", "dubstep", "drum and bass",
                                    "industrial", "war drums", "重金属")},
})

MOODS_ZH.update({  # everyday Chinese moods and internet slang, listed apart from the prompt suite
    **{w: ("high", "high", "major") for w in (
        "欢脱", "元气满满", "好开心", "超开心", "欢呼", "激动", "过瘾", "痛快", "畅快", "嗨起来", "很嗨", "超嗨", "热情", "振奋", "生气勃勃", "活泼", "调皮",
        "搞笑", "搞怪", "沙雕", "惊喜", "笑死",)},
    **{w: ("high", "low", "major") for w in (
        "甜甜的", "小清新", "暖心", "暖暖的", "欣慰", "感恩", "岁月静好", "安心", "舒适", "舒心", "和煦", "柔情", "圣洁", "纯净", "纯真", "优雅", "疗愈",)},
    **{w: ("high", "low", None) for w in ("感动", "感人", "深情", "缠绵", "陶醉",)},
    **{w: ("high", "mid", "major") for w in (
        "爽", "清爽", "美滋滋", "欢喜", "萌萌哒", "少女心", "心动", "豁达", "洒脱", "自由自在", "辽阔", "励志", "正能量", "积极", "轻快", "诙谐", "幽默", "雄伟",
        "壮丽", "天真", "童真", "灵动", "憧憬", "向往",)},
    **{w: ("low", "high", "minor") for w in (
        "焦躁", "心慌", "崩溃", "抓狂", "气愤", "生气", "火大", "撕心裂肺", "悲愤", "恐慌", "惊慌", "害怕", "吓人", "惊悚", "毛骨悚然", "凶猛",)},
    **{w: ("low", "low", "minor") for w in (
        "丧", "破防", "泪目", "泪崩", "想哭", "心酸", "心痛", "心疼", "扎心", "难受", "悲哀", "悲怆", "哀怨", "凄婉", "苍凉", "荒凉", "萧瑟", "孤寂", "孤单",
        "寂寥", "空虚", "失意", "颓废", "消沉", "低落", "低沉", "抑郁", "感伤", "离愁", "乡愁", "唏嘘", "怅然", "黯然", "心如刀割", "伤痛", "后悔", "无助",
        "蓝瘦香菇", "沉闷", "迷茫", "迷惘",)},
    **{w: ("low", "mid", "minor") for w in (
        "憋屈", "心塞", "不开心", "纠结", "忐忑", "彷徨", "忧虑", "担忧", "担心", "冷漠", "冷峻", "肃杀", "怨恨", "诡谲", "阴冷", "窒息", "无语",)},
    **{w: ("low", "mid", None) for w in ("尴尬",)},
    **{w: ("mid", "high", "minor") for w in ("壮烈",)},
    **{w: ("mid", "high", None) for w in (
        "燃", "燃爆", "高燃", "炸裂", "打鸡血", "亢奋", "疯狂", "带劲", "恢宏", "宏大", "霸气", "激情", "斗志昂扬", "躁动", "狂野", "劲爆", "高亢", "铿锵",)},
    **{w: ("mid", "low", None) for w in (
        "释怀", "释然", "悠然", "闲适", "佛系", "躺平", "摆烂", "慢悠悠", "懒洋洋", "犯困", "昏昏欲睡", "迷离", "缥缈", "飘渺", "深沉", "沉静", "清冷", "禅意",
        "空旷", "淡定", "从容", "平淡", "平和", "放空", "暧昧", "怀念", "追忆", "念旧", "感慨", "松弛感", "解压", "静心", "庄重", "虔诚",)},
    **{w: ("mid", "mid", None) for w in ("随性", "怪诞", "迷幻", "性感",)},
})

SCENE_WORDS.update({  # Chinese places, occasions, festivals and times that carry a mood
    **{w: ("high", "high") for w in (
        "除夕", "跨年", "元旦", "国庆", "庙会", "蹦迪", "夜店", "演唱会", "音乐节", "运动会", "放假", "暑假", "滑雪", "篮球", "广场舞",)},
    **{w: ("high", "low") for w in (
        "回家", "中秋", "七夕", "情人节", "午后", "下午茶", "沙滩", "初雪", "田野", "乡村", "江南", "宝宝", "爷爷", "爸爸", "小猫", "恋爱", "泡澡",)},
    **{w: ("high", "mid") for w in (
        "毕业典礼", "年夜饭", "元宵", "端午", "开学", "假期", "周末", "下班", "放学", "郊游", "露营", "篝火", "兜风", "约会", "求婚", "表白", "圣诞", "山顶",
        "草原", "晴天", "樱花", "骑行", "爬山", "起床", "闺蜜", "青春", "小狗",)},
    **{w: ("low", "high") for w in ("考试", "面试", "吵架", "丧尸", "末日", "追杀", "枪战",)},
    **{w: ("low", "low") for w in (
        "清明", "失眠", "秋雨", "落叶", "冬夜", "离家", "异乡", "他乡", "流浪", "漂泊", "异地恋", "送别", "生病", "失业", "落榜",)},
    **{w: ("low", "mid") for w in ("加班", "熬夜", "考研", "备考", "冷战", "鬼屋",)},
    **{w: ("mid", "high") for w in ("高考", "赛车", "飙车", "电竞", "拳击",)},
    **{w: ("mid", "low") for w in (
        "深夜", "半夜", "午夜", "下雨天", "雨天", "雨夜", "阴天", "夜景", "星空", "夕阳", "森林", "归途", "瑜伽", "睡觉", "午睡", "入睡", "助眠", "看书",
        "读书", "学习", "喝茶", "发呆", "暗恋", "车站",)},
    **{w: ("mid", "mid") for w in ("地铁", "通勤", "开车", "出差", "机场", "街头", "城市", "办公室", "上班", "写作业", "远方", "沙漠", "万圣节",)},
})

# words that name a tempo, by the counted-tempo bin they ask for (Chinese single characters such
# as 快 are left out: 快乐 is happy, not fast)
TEMPO_FEEL: dict[str, str] = {
    **{w: "slow" for w in ("very slow", "slow", "slowly", "slower", "unhurried", "down-tempo", "downtempo",
                           "lento", "缓慢", "慢板", "慢速", "慢慢", "慢一点", "慢节奏", "舒缓")},
    **{w: "moderate" for w in ("moderate tempo", "moderately", "medium tempo", "mid-tempo", "midtempo", "walking pace",
                               "leisurely", "comfortable pace", "steady pace", "moderate pace", "easy pace", "singing pace",
                               "congregational pace",
                               "中速", "中板", "不快不慢")},
    **{w: "lively" for w in ("upbeat", "up-tempo", "uptempo", "brisk", "peppy", "toe-tapping", "con brio", "轻快", "明快",
                             "活泼")},
    **{w: "fast" for w in ("very fast", "fast", "faster", "quick", "quickly", "rapid", "speedy", "breakneck",
                           "high-tempo", "快速", "飞快", "急促", "快节奏", "快一点")},
}
# occasions whose tempo a musician knows without being told ('a lullaby' is slow, 'a workout' fast):
# below a tempo word and a style's own tempo
SCENE_TEMPO: dict[str, str] = {
    **{w: "slow" for w in ("lullaby", "lullabies", "cradle song", "bedtime", "fall asleep", "falling asleep", "sleep",
                           "meditation", "yoga", "funeral", "requiem", "lament", "dirge", "elegy", "prayer", "massage",
                           "spa", "摇篮曲", "催眠曲", "睡前", "入睡", "冥想", "葬礼", "祈祷")},
    **{w: "moderate" for w in ("stroll", "strolling", "walk", "walking", "picnic", "sunday afternoon", "散步", "野餐")},
    **{w: "lively" for w in ("party", "dance", "dancing", "birthday", "celebration", "festival", "parade", "skipping",
                             "jog", "jogging", "派对", "慢跑", "跳舞", "生日", "庆祝", "节日")},
    **{w: "fast" for w in ("workout", "running", "sprint", "race", "racing", "chase", "battle", "fight", "escape",
                           "boss fight", "car chase", "chased", "on the run", "run for your life", "fleeing",
                           "getaway", "跑步", "赛跑", "追逐", "战斗", "逃跑", "逃命", "追车", "狂追", "飙车")},
}
COUNTED_TEMPO = {"slow": 64, "moderate": 92, "lively": 124, "fast": 160}  # the middle of each counted bin
HEDGE = re.compile(r"(?:\ba (?:little|bit)|\bslightly|\bsomewhat|\bkind of|\bkinda|\bsort of|\bmildly|\ba touch|"
                   r"有点小|有点儿|有点|有些|稍微|略微|略)\s*$", re.IGNORECASE)  # 'a little sad' is only a little sad
NEGATION = re.compile(r"(?:\bnot(?: too| very| so| at all)?|\bno|\bnever|\bwithout|\bless|\bhardly|\bbarely|"
                      r"\banything but|\bfar from|\bthe opposite of|\brather than|\binstead of|一点也不|并不|不再|"
                      r"不要太|不用太|别太|不要|不太|不怎么|不是很|不够|不|没有|没那么|没|别)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MoodReading:
    valence: float  # 0 low .. 2 high: the mean of the words found
    arousal: float
    mode: str | None  # major or minor where the mood words agree on one
    named: bool  # a mood word was found (not only scene words)


def _pattern(words) -> re.Pattern:
    ascii_words = sorted((w for w in words if w.isascii()), key=len, reverse=True)
    other = sorted((w for w in words if not w.isascii()), key=len, reverse=True)
    parts = [rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in ascii_words] + [re.escape(w) for w in other]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _mood_pattern() -> re.Pattern:
    return _pattern({**MOODS_EN, **MOODS_ZH, **EMOJI_MOODS})


@lru_cache(maxsize=1)
def _scene_pattern() -> re.Pattern:
    return _pattern(SCENE_WORDS)


@lru_cache(maxsize=1)
def _tempo_pattern() -> re.Pattern:
    return _pattern(TEMPO_FEEL)


def _matches(pattern: re.Pattern, text: str, negated: bool = False) -> list[re.Match]:
    """The matches of ``pattern`` in the lowered text, those after a negation left out (or only those)."""
    lowered = text.lower()
    return [m for m in pattern.finditer(lowered) if bool(NEGATION.search(lowered[: m.start()])) == negated]


def _found(pattern: re.Pattern, text: str, negated: bool = False) -> list[str]:
    return [m.group(0) for m in _matches(pattern, text, negated)]


def _value(level: str | float) -> float:
    return LEVEL_VALUES[level] if isinstance(level, str) else level


def _hedged(mood: tuple) -> tuple:
    """A mood word after 'a little' / '有点': halfway to the middle of the circle, its mode kept."""
    valence, arousal, mode = mood
    return (_value(valence) + 1) / 2, (_value(arousal) + 1) / 2, mode


def read_mood(text: str) -> MoodReading | None:
    """The mood the words name (scene words at half weight), or None where they name none. A negated
    mood word counts at half weight halfway to its opposite: 'not happy' is a little sad, 'not sad'
    a little bright."""
    table = {**MOODS_EN, **MOODS_ZH, **EMOJI_MOODS}
    lowered = text.lower()
    scene_matches = _matches(_scene_pattern(), text)
    within = [(m.start(), m.end()) for m in scene_matches]  # 'love' in 'love song' names the genre, not a mood
    moods = [_hedged(table[m.group(0)]) if HEDGE.search(lowered[: m.start()]) else table[m.group(0)]
             for m in _matches(_mood_pattern(), text)
             if not any(a <= m.start() and m.end() <= b and b - a > m.end() - m.start() for a, b in within)]
    scenes = [SCENE_WORDS[m.group(0)] for m in scene_matches]
    negated = [table[w] for w in _found(_mood_pattern(), text, negated=True)]
    if not moods and not scenes and not negated:
        return None
    weighted = [(1.0, _value(v), _value(a)) for v, a, _ in moods] + \
        [(SCENE_WEIGHT, LEVEL_VALUES[v], LEVEL_VALUES[a]) for v, a in scenes] + \
        [(SCENE_WEIGHT, (3 - LEVEL_VALUES[v]) / 2, (1 + LEVEL_VALUES[a]) / 2) for v, a, _ in negated]
    total = sum(w for w, _, _ in weighted)
    modes = {mode for _, _, mode in moods if mode}
    return MoodReading(sum(w * v for w, v, _ in weighted) / total, sum(w * a for w, _, a in weighted) / total,
                       modes.pop() if len(modes) == 1 else None, bool(moods))


@lru_cache(maxsize=1)
def _scene_tempo_pattern() -> re.Pattern:
    return _pattern(SCENE_TEMPO)


def scene_tempo(text: str) -> str | None:
    """The counted-tempo bin an occasion in the words implies ('a lullaby': slow), if any."""
    words = _found(_scene_tempo_pattern(), text)
    return SCENE_TEMPO[words[0]] if words else None


def read_tempo_feel(text: str) -> str | None:
    """The counted-tempo bin a tempo word asks for ('slow', 'moderate', 'lively', 'fast')."""
    words = _found(_tempo_pattern(), text)
    if words:
        return TEMPO_FEEL[words[0]]
    return "moderate" if _found(_tempo_pattern(), text, negated=True) else None  # 'not too fast', 'not too slow'



NEAREST = 5  # lexicon words that vote on a prompt that names none


@lru_cache(maxsize=1)
def _lexicon_vectors():
    """Every English mood and scene word, and the training captions' scenes ('a rainy day alone'), as
    sentence vectors, with their (valence, arousal) as numbers."""
    import torch

    from musicui.data.free_captions import SCENES_EN
    from musicui.model.text_encoder import shared_encoder

    words = {w: (v, a) for w, (v, a, _) in MOODS_EN.items()}
    words.update({w: level for w, level in SCENE_WORDS.items() if w.isascii()})
    words.update({scene: (v, a) for scene, (v, a, _, _) in SCENES_EN.items()})
    names = list(words)
    vectors = torch.stack([e.sentence for e in shared_encoder().encode_batch(names)])
    levels = torch.tensor([[LEVEL_VALUES[v], LEVEL_VALUES[a]] for v, a in words.values()])
    return vectors, levels


def warm() -> None:
    """Encode the lexicon now (a few seconds), not in the first user's compose."""
    _lexicon_vectors()


def nearest_mood(sentence) -> tuple[float, float]:
    """(valence, arousal) of the lexicon words nearest in meaning to a prompt that names none
    ('the smell of rain on hot asphalt' sits near 'rain'), weighted by their closeness."""
    vectors, levels = _lexicon_vectors()
    closeness = vectors @ sentence
    top = closeness.topk(NEAREST)
    weights = (top.values / 0.05).softmax(0)
    valence, arousal = (weights[:, None] * levels[top.indices]).sum(0).tolist()
    return valence, arousal
