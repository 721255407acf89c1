"""Labelled live-stream comments (danmaku) for the classification task.

Each (intent, sentiment) pair has a list of templates; `{item}`, `{size}`,
`{colour}`, `{n}`, `{city}` are filled at random, then noise is added the way
real danmaku look: emoji, repeated characters, "？？？", "666", slang and
homophone typos. Templates whose index % HOLDOUT_EVERY == HOLDOUT_AT are used
only for evaluation ("unseen phrasings").

Labelling rules (also in PROMPTS.md): the intent is what the comment is
about (price, spec = size/colour/material/specs, shipping = delivery,
purchase = buying or wanting to buy, praise = good words about the product
or the stream, complaint = a reported problem or grievance, other =
greetings and chit-chat); the sentiment is the writer's attitude.
"""

from __future__ import annotations

import random

from catalog import CATEGORIES, CITIES

HOLDOUT_EVERY = 7
HOLDOUT_AT = 3

TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("price", "neutral"): [
        "多少钱", "这个多少钱", "{item}多少钱啊", "价格多少", "现在什么价", "到手价多少", "链接里是多少钱",
        "多少米", "几块钱", "今天什么价格", "{item}什么价", "原价多少啊", "有券吗", "能便宜点吗", "两件多少钱",
        "报个价", "这个价格包邮吗", "{n}号链接多少钱", "价格打一下公屏", "满减怎么算",
    ],
    ("price", "negative"): [
        "太贵了吧", "这价格劝退了", "又涨价了？", "比别家贵好多", "贵得离谱", "{item}卖这么贵？", "上次买才{n}块",
        "价格虚高", "这么贵谁买啊", "贵贵贵", "买不起买不起", "价格刺客", "比旗舰店还贵", "不值这个价",
    ],
    ("price", "positive"): [
        "这价格太香了", "好便宜啊", "这个价绝了", "性价比超高", "白菜价", "比超市便宜多了", "这价格闭眼入",
        "便宜到离谱", "{item}这个价可以的", "价格真良心", "划算划算", "这波价格太值了",
    ],
    ("spec", "neutral"): [
        "有{size}吗", "{size}码还有吗", "有没有{colour}", "什么材质的", "是纯棉的吗", "{colour}还有货吗", "容量多大",
        "尺码偏大还是偏小", "我{n}斤穿什么码", "有几个颜色", "是什么面料", "多重啊", "净含量多少", "有大码吗",
        "{item}有几个尺寸", "会掉色吗", "能机洗吗", "是真皮吗", "多少毫升", "身高{n}穿多大",
    ],
    ("spec", "negative"): [
        "怎么没有{size}啊", "颜色太少了", "就没有大码吗", "{colour}又断码了", "尺码太不全了", "材质也太薄了吧",
        "容量这么小？", "码数偏小好坑", "怎么又没有我的码", "没有{colour}差评",
    ],
    ("spec", "positive"): [
        "终于有{colour}了", "{size}码刚好", "这个颜色好正", "材质摸着好舒服", "容量够大", "码全太好了",
        "{colour}绝美", "尺码很标准", "面料好软",
    ],
    ("shipping", "neutral"): [
        "什么时候发货", "发什么快递", "几天能到", "包邮吗", "从哪里发货", "{city}能发吗", "新疆包邮吗", "能发顺丰吗",
        "今天拍明天能发吗", "多久到{city}", "偏远地区发吗", "能指定快递吗", "发货地是哪", "到货要几天",
    ],
    ("shipping", "negative"): [
        "上次等了一周才到", "发货太慢了", "快递一直不动", "物流好慢啊", "三天了还没发货", "快递盒都压坏了",
        "发货慢得要命", "说好48小时发货呢", "物流信息一直不更新", "快递员不送上门",
    ],
    ("shipping", "positive"): [
        "发货真快", "顺丰好评", "昨天拍的今天就到了", "物流超快", "包装很严实", "快递小哥好评", "第二天就收到了",
        "发货速度给力",
    ],
    ("purchase", "positive"): [
        "已拍", "拍了拍了", "冲冲冲", "买了{n}件", "必须下单", "已下单", "给我妈也买一个", "抢到了", "已付款",
        "回购第{n}次了", "拍了{n}个", "刚下单{item}", "果断入手", "买它", "上车了", "蹲到了",
    ],
    ("purchase", "neutral"): [
        "链接在哪", "几号链接", "怎么下单", "上链接", "{item}是几号链接", "小黄车里哪个", "怎么拍", "还能拍吗",
        "可以拍两件吗", "在哪里买", "链接挂了吗", "什么时候上链接",
    ],
    ("praise", "positive"): [
        "主播好会讲", "{item}质量真好", "买过，真的好用", "好看好看", "颜值好高", "回购无数次了真的好", "真的绝了",
        "效果太好了", "上身效果好棒", "主播讲得好清楚", "品质没得说", "闺蜜推荐的果然不错", "用了一个月很满意",
        "好喜欢", "做工很精细", "太好吃了", "孩子超喜欢", "这个{item}真不错",
    ],
    ("complaint", "negative"): [
        "收到是坏的", "质量太差了", "和图片不一样", "用了两天就坏了", "客服不回消息", "退款一直不处理", "发错货了",
        "有色差", "味道好大", "穿一次就起球", "{item}漏液了", "少发了一件", "假货吧", "售后太差", "过敏了",
        "开线了", "申请退货没人管", "主播骗人",
    ],
    ("other", "neutral"): [
        "来了", "刚进来", "主播几点下播", "今天播什么", "主播是哪里人", "在吗", "第一次来", "打卡", "{city}的举手",
        "主播喝口水", "背景音乐叫什么", "下次什么时候播", "等我吃完饭", "主播今天换发型了", "有人吗", "刚下班",
    ],
    ("other", "positive"): [
        "主播晚上好", "来啦来啦", "哈哈哈哈笑死", "主播好可爱", "今天心情好", "周末快乐", "大家晚上好", "好开心",
        "主播今天好美", "笑死我了", "爱了爱了",
    ],
    ("other", "negative"): [
        "好无聊", "困死了", "今天加班好烦", "网好卡", "又下雨了烦", "主播怎么不说话", "好累啊", "心情不好",
    ],
}

# How often each pair is drawn: intents equally often, sentiment shares within.
PAIR_WEIGHTS: dict[tuple[str, str], float] = {
    ("price", "neutral"): 0.5, ("price", "negative"): 0.3, ("price", "positive"): 0.2,
    ("spec", "neutral"): 0.7, ("spec", "negative"): 0.2, ("spec", "positive"): 0.1,
    ("shipping", "neutral"): 0.6, ("shipping", "negative"): 0.25, ("shipping", "positive"): 0.15,
    ("purchase", "positive"): 0.6, ("purchase", "neutral"): 0.4,
    ("praise", "positive"): 1.0,
    ("complaint", "negative"): 1.0,
    ("other", "neutral"): 0.55, ("other", "positive"): 0.3, ("other", "negative"): 0.15,
}

NEUTRAL_EMOJI = ["🤔", "🙏", "😅", "😂", "👀", "💰", "[捂脸]", "[疑问]"]
POSITIVE_EMOJI = ["👍", "❤️", "🔥", "😍", "👏", "🌹", "[赞]", "[爱心]"]
NEGATIVE_EMOJI = ["😭", "😡", "🙄", "😤", "[哭]", "👎"]
SLANG = [("怎么", "咋"), ("什么", "啥"), ("什么", "神马"), ("有没有", "有木有"), ("喜欢", "稀饭"), ("这个", "介个"),
         ("多少钱", "多钱"), ("便宜", "便宜宜"), ("链接", "连接"), ("价格", "价各"), ("已拍", "以拍"), ("主播", "播播"),
         ("好看", "好好看"), ("不是", "布是"), ("太", "泰"), ("吗", "嘛"), ("了", "le"), ("真的", "真滴")]

_ITEMS = [t for c in CATEGORIES.values() for t in c["types"]]
_SIZES = sorted({s for c in CATEGORIES.values() for s in c.get("size", [])})
_COLOURS = sorted({s for c in CATEGORIES.values() for s in c.get("colour", []) if not s[0].isdigit()})


def _fill(rng: random.Random, template: str) -> str:
    return template.format(item=rng.choice(_ITEMS), size=rng.choice(_SIZES), colour=rng.choice(_COLOURS),
                           n=rng.choice([1, 2, 3, 5, 8, 10, 20, 50, 99, 120, 150, 160, 170]), city=rng.choice(CITIES))


def _noise(rng: random.Random, text: str, sentiment: str) -> str:
    if rng.random() < 0.3:
        a, b = rng.choice(SLANG)
        text = text.replace(a, b, 1)
    if rng.random() < 0.15 and len(text) > 1:  # repeated last character
        text += text[-1] * rng.randint(1, 4)
    r = rng.random()
    if r < 0.15:
        text += rng.choice(["？？？", "??", "！！！", "!!!", "。。。", "~", "～～"])
    elif r < 0.25:
        text += rng.choice(["？", "！", "。"])
    r = rng.random()
    if r < 0.3:
        pool = POSITIVE_EMOJI if sentiment == "positive" else NEGATIVE_EMOJI if sentiment == "negative" else NEUTRAL_EMOJI
        text += "".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.1:
        text = rng.choice(["啊啊啊", "哈哈哈哈", "666", "emmm", "救命", "姐妹们", "宝宝们", "主播"]) + rng.choice(["", "，", " "]) + text
    if rng.random() < 0.08:
        text += rng.choice(["666", "哈哈哈", "hhh", "yyds", "绝绝子", "冲", "+1", "1111"])
    return text


def sample_comment(rng: random.Random, heldout: bool) -> dict:
    """One labelled comment from seen (heldout=False) or held-out templates."""
    pairs = list(PAIR_WEIGHTS)
    weights = [PAIR_WEIGHTS[p] for p in pairs]
    intent, sentiment = rng.choices(pairs, weights)[0]
    templates = [t for i, t in enumerate(TEMPLATES[(intent, sentiment)]) if (i % HOLDOUT_EVERY == HOLDOUT_AT) == heldout]
    if not templates:  # short lists have no held-out template
        templates = TEMPLATES[(intent, sentiment)]
    text = _noise(rng, _fill(rng, rng.choice(templates)), sentiment)
    return {"comment": text, "intent": intent, "sentiment": sentiment, "unseen_template": heldout}
