"""Product names and ship-from cities composed fresh for every product
(the copy-forcing corpus, stage 2 of the training).

The first demo model was trained on names built from ~100 brand syllables
and 22 series words: it learned those syllables as a small closed set and,
on a held-out product, wrote a plausible brand from memory instead of the
one in its prompt. Here every brand is 2-3 characters drawn from ~1,000
characters and every series word is either random characters or one of a
few stock words, so a brand is practically never seen twice and the only
way to predict it is to copy it from the system turn.

The character pool is every single-character CJK piece of the trained
tokenizer (so a brand is a few ordinary tokens, never byte fallback),
minus grammatical particles that would make a name read as a sentence.
"""

from __future__ import annotations

import random
from pathlib import Path

from catalog import CATEGORIES, SERIES_WORDS, _model_code

CATEGORIES_TYPES = {c: v["types"] for c, v in CATEGORIES.items()}

# Particles and field words that would make a name ambiguous with the text
# around it ("商品：的是…" reads as a sentence, not a brand).
_NOT_IN_NAMES = set("的了是吗呢吧啊呀哦嘛和与在有不没就还都也要我你他她它们这那哪么什啥个")

# Ship-from cities for the shipping field (stage 1 had 12); only those whose
# characters are all tokenizer pieces are used.
CITIES = [
    "杭州", "广州", "义乌", "深圳", "上海", "成都", "苏州", "泉州", "临沂", "武汉", "郑州", "青岛",
    "北京", "天津", "重庆", "南京", "无锡", "常州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华",
    "台州", "合肥", "福州", "厦门", "莆田", "南昌", "赣州", "济南", "潍坊", "烟台", "长沙", "株洲",
    "佛山", "东莞", "中山", "珠海", "汕头", "揭阳", "潮州", "南宁", "桂林", "海口", "贵阳", "昆明",
    "西安", "兰州", "银川", "西宁", "太原", "石家庄", "保定", "廊坊", "沈阳", "大连", "长春", "哈尔滨",
    "呼和浩特", "乌鲁木齐", "拉萨", "南通", "扬州", "徐州", "盐城", "连云港", "芜湖", "洛阳", "开封",
    "宜昌", "襄阳", "九江", "景德镇", "惠州", "江门", "湛江", "柳州", "遵义", "大理", "丽江", "三亚",
]


def vocab_chars(vocab_path: Path) -> list[str]:
    """Single-character CJK pieces of a SentencePiece .vocab file, in file order."""
    chars = []
    for line in vocab_path.read_text(encoding="utf-8").splitlines():
        piece = line.split("\t", 1)[0]
        if len(piece) == 1 and "\u4e00" <= piece <= "\u9fff" and piece not in _NOT_IN_NAMES:
            chars.append(piece)
    return chars


class NamePools:
    """The random pools for names and cities, built from a tokenizer vocabulary."""

    def __init__(self, vocab_path: Path):
        self.chars = vocab_chars(vocab_path)
        if len(self.chars) < 500:
            raise SystemExit(f"fresh_names: only {len(self.chars)} single-character pieces in {vocab_path}")
        known = set(self.chars) | _NOT_IN_NAMES
        self.cities = [c for c in CITIES if all(ch in known for ch in c)]

    def brand(self, rng: random.Random) -> str:
        return "".join(rng.choice(self.chars) for _ in range(rng.choice([2, 2, 3])))

    def name(self, rng: random.Random, item: str) -> tuple[str, str]:
        """(name, brand): brand + optional series + item type + optional model code."""
        brand = self.brand(rng)
        name = brand
        r = rng.random()
        if r < 0.35:
            name += "".join(rng.choice(self.chars) for _ in range(2))  # a random series word
        elif r < 0.6:
            name += rng.choice(SERIES_WORDS)
        name += item
        if rng.random() < 0.7:
            name += _model_code(rng)
        return name, brand


def fresh_product(rng: random.Random, pools: NamePools, category: str) -> tuple[dict, str]:
    """(product, brand): a stage-1 product (catalog.make_product) with a fresh
    name and a ship-from city from the larger pool."""
    from catalog import CITIES as STAGE1_CITIES, make_product

    p = make_product(rng, category)
    item = next(t for t in sorted(CATEGORIES_TYPES[category], key=len, reverse=True) if t in p["name"])
    p["name"], brand = pools.name(rng, item)
    city = next(c for c in STAGE1_CITIES if f"从{c}发货" in p["shipping"])
    p["shipping"] = p["shipping"].replace(f"从{city}发货", f"从{rng.choice(pools.cities)}发货", 1)
    return p, brand
