"""Labelled comments from topic words in shared frames (the stage-3 corpus).

Stage 2's comments (danmaku_fragments.py) give every label its own
phrasings, so a small model can tell the label from the whole string and
never learn which words carry it: 99.8% intent accuracy on phrasings it was
trained on, 61.6% on phrasings it was not. Here the frames are shared:

  "{topic}怎么样" is price with 价格, spec with 面料, shipping with 物流;
  "{topic}没得说" is price/positive with 价格, praise with 质量.

With the frame the same across labels, only the topic word tells the intent
and only the frame tells the sentiment, which is the association a
classifier of unseen comments needs. The grammar is loose on purpose, as
danmaku is.

Hold-out: corpus_stage3.py drops a composed comment that contains any
held-out phrasing (stages 1 and 2, and danmaku_unseen.py's), so the
"unseen phrasing" evaluations still measure phrasings never trained on.
"""

from __future__ import annotations

import random
import re

import danmaku_fragments

# Topic words per intent (what the comment is about).
PRICE = ["价格", "价钱", "价位", "到手价", "活动价", "优惠", "折扣", "券", "单价", "原价", "秒杀价", "售价", "价",
         "优惠力度", "福利价"]
SPEC = ["材质", "面料", "尺码", "尺寸", "码数", "颜色", "配色", "容量", "重量", "规格", "型号", "厚度", "长度",
        "料子", "版型", "大小", "克重", "色号"]
SHIPPING = ["发货", "快递", "物流", "运费", "配送", "到货速度", "发货速度", "快递速度", "包装", "运输", "派送"]
QUALITY = ["质量", "品质", "做工", "效果", "质感", "用料", "东西", "宝贝", "{item}", "这个{item}", "实物", "成品"]
BUY_VERBS = ["下单", "拍", "买", "付款", "入手", "抢", "上车", "囤", "拿", "订"]
BUY_PLACES = ["链接", "购物车", "小黄车", "{n}号链接", "下单入口", "商品链接"]
SERVICE = ["客服", "售后", "退款", "退货", "换货", "维权"]

# Frames shared by every topic they can take.
ASK = ["{t}是啥", "{t}是什么", "{t}怎么样", "{t}呢", "问下{t}", "说下{t}", "{t}多少", "想了解下{t}", "{t}能说说吗",
       "{t}介绍一下", "{t}咋样", "看看{t}", "{t}是怎样的", "{t}有讲究吗", "关心一下{t}", "{t}给个准话", "{t}如何",
       "讲讲{t}", "{t}有说明吗", "{t}具体是"]
GOOD = ["{t}好好", "{t}太绝了", "{t}没得说", "{t}真不错", "{t}很可以", "{t}爱了", "{t}满分", "{t}好评", "{t}无敌",
        "{t}挺好的", "{t}超赞", "{t}yyds", "{t}很香", "{t}让人惊喜", "{t}没话说", "{t}杠杠的", "{t}真的好",
        "{t}太棒了", "{t}可以啊", "{t}很满意"]
BAD = ["{t}好差", "{t}太烂了", "{t}不行", "{t}有问题", "{t}好坑", "{t}一般般", "{t}太差劲", "{t}让人失望",
       "{t}拉胯", "{t}不太行", "{t}踩雷了", "{t}差评", "{t}太离谱", "{t}不满意", "{t}真无语", "{t}好垃圾",
       "{t}服了", "{t}坑人", "{t}糟心", "{t}翻车了"]
BUY_ASK = ["怎么{v}", "可以{v}吗", "在哪{v}", "能{v}了吗", "还能{v}吗", "{v}哪个", "去哪{v}", "现在能{v}吗",
           "要怎么{v}", "哪里{v}", "{v}几号"]
BUY_DONE = ["已经{v}了", "{v}了", "刚{v}", "马上{v}", "必须{v}", "果断{v}", "{v}了{n}件", "又{v}了", "{v}好了",
            "立刻{v}", "先{v}为敬", "二话不说{v}"]
PLACE_ASK = ["{t}呢", "{t}在哪", "{t}在哪里", "{t}是哪个", "求{t}", "{t}发一下", "{t}没看到", "{t}还有吗"]

# (topic words, frames, intent, sentiment, weight)
RULES = [
    (PRICE, ASK, "price", "neutral", 1.0), (PRICE, GOOD, "price", "positive", 0.5), (PRICE, BAD, "price", "negative", 0.6),
    (SPEC, ASK, "spec", "neutral", 1.2), (SPEC, GOOD, "spec", "positive", 0.4), (SPEC, BAD, "spec", "negative", 0.5),
    (SHIPPING, ASK, "shipping", "neutral", 1.0), (SHIPPING, GOOD, "shipping", "positive", 0.4),
    (SHIPPING, BAD, "shipping", "negative", 0.6),
    (QUALITY, GOOD, "praise", "positive", 1.0), (QUALITY, BAD, "complaint", "negative", 0.8),
    (SERVICE, BAD, "complaint", "negative", 0.3),
    (BUY_VERBS, BUY_ASK, "purchase", "neutral", 0.5), (BUY_PLACES, PLACE_ASK, "purchase", "neutral", 0.3),
    (BUY_VERBS, BUY_DONE, "purchase", "positive", 0.8),
]


def phrasing_pattern(core: str) -> re.Pattern:
    """A phrasing as a regex: {item}, {n}... match anything short."""
    return re.compile(".{0,12}?".join(re.escape(p) for p in re.split(r"\{\w+\}", core)))


def sample_comment(rng: random.Random) -> dict:
    """One comment composed from a topic word and a shared frame."""
    topics, frames, intent, sentiment = rng.choices([r[:4] for r in RULES], [r[4] for r in RULES])[0]
    frame = rng.choice(frames)
    word = rng.choice(topics)
    core = frame.replace("{t}", word).replace("{v}", word)
    return {"comment": danmaku_fragments.dress(rng, core, sentiment), "intent": intent, "sentiment": sentiment}


def sample_comments(rng: random.Random, n: int, heldout: list[re.Pattern], exclude: set[str]) -> list[dict]:
    """n comments, none matching a held-out phrasing or equal to a text in exclude."""
    out: list[dict] = []
    while len(out) < n:
        c = sample_comment(rng)
        if c["comment"] in exclude or any(p.search(c["comment"]) for p in heldout):
            continue
        out.append(c)
    return out
