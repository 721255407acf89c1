"""Comment phrasings that only stage 3's evaluation uses.

Stage 3's frames (danmaku_slots.py) were written after reading stage 2's
mistakes on its held-out phrasings, so stage 2's "unseen" number is no longer
a clean measure for a model trained on them. These phrasings were written
afterwards, before stage 3 was trained, as a viewer would type them, and
without checking them against the frames; no training comment of stage 3
contains one (corpus_stage3.py drops any that does). Two first drafts turned
out to occur in stages 1-2's training text (a size question in the QA data,
a price question plus particle in the comments) and were replaced, since
the model stage 3 starts from has seen them. Stage 3's headline "unseen
phrasing" accuracy is measured on these.
"""

from __future__ import annotations

import random

import danmaku
import danmaku_fragments

PHRASINGS: dict[tuple[str, str], list[str]] = {
    ("price", "neutral"): ["这件现在卖多少", "今天直播间价格是多少", "能给个价吗", "优惠后到手几块", "叠加券以后多少",
                           "一箱多少钱", "拍两件有减吗", "比平时便宜多少啊", "报个实价呗"],
    ("price", "negative"): ["这价格有点狠", "几百块买这个不值", "价格比超市还高", "这个价位我接受不了", "太肉疼了这价",
                            "价格下不去手"],
    ("price", "positive"): ["这个价格真的可以", "价格比平时低好多", "这价闭着眼买", "优惠力度好大", "这么便宜我惊了",
                            "价格打下来了好棒"],
    ("spec", "neutral"): ["是什么料子做的", "{colour}的还有吗", "尺码表发一下", "这个有几种规格", "净重是多少",
                          "衣服长度多少厘米", "适合什么身高", "鞋码正常吗", "{size}号的还有货不"],
    ("spec", "negative"): ["颜色选择太少", "尺码也太小了吧", "面料摸着很廉价", "这容量不够用", "{colour}的卖完了好气"],
    ("spec", "positive"): ["{colour}的好显白", "面料看着好高级", "尺码齐全太棒了", "这个配色我好爱"],
    ("shipping", "neutral"): ["拍了多久能发出", "是顺丰发吗", "今天下单几号到", "发哪家快递呀", "包邮到{city}吗",
                              "仓库在哪里"],
    ("shipping", "negative"): ["物流一周都没动", "快递又延误了", "等发货等得好着急", "发货速度太让人着急了"],
    ("shipping", "positive"): ["物流速度很给力", "快递第二天就送到了", "打包很仔细", "发货挺快的"],
    ("purchase", "positive"): ["我已经下单啦", "刚刚付完款", "给我老公也拍了一件", "拍下了等发货", "手快抢到一单"],
    ("purchase", "neutral"): ["链接还没上吗", "几号链接是这个", "怎么加购物车", "想买怎么拍", "下单按钮在哪"],
    ("praise", "positive"): ["用了很久了很好用", "这个效果真的好", "质量比想象中好", "东西很赞", "买了好几次都满意",
                             "颜值和质量都在线"],
    ("complaint", "negative"): ["买回来就用不了", "质量跟说的不一样", "收到的东西有划痕", "退货流程太麻烦", "找客服没人理",
                                "用一次就掉漆了"],
    ("other", "neutral"): ["主播今天播到几点", "大家从哪里来的", "这首歌叫什么", "刚刷到这个直播间", "主播明天几点开播"],
    ("other", "positive"): ["主播今天好好看", "直播间好热闹", "今晚好开心", "主播好有趣"],
    ("other", "negative"): ["网络好卡啊", "主播说话太快了", "今天好累", "声音断断续续的"],
}


def sample_comment(rng: random.Random) -> dict:
    """One evaluation comment around an unseen phrasing (lead-in, particle
    and noise as in training comments)."""
    pairs = list(danmaku.PAIR_WEIGHTS)
    intent, sentiment = rng.choices(pairs, [danmaku.PAIR_WEIGHTS[p] for p in pairs])[0]
    core = rng.choice(PHRASINGS[(intent, sentiment)])
    return {"comment": danmaku_fragments.dress(rng, core, sentiment), "intent": intent, "sentiment": sentiment,
            "unseen_template": True}
