"""Labelled comments composed from fragments (the stage-2 corpus).

The first model saw ~200 whole-sentence templates (danmaku.py) and learned
them by heart: 99% intent accuracy on comments from those templates, 33% on
templates it had never seen. Here a comment is put together from parts:

  [lead-in] core [，second core of the same label] [particle] + noise

where a core is one of many short phrasings per (intent, sentiment) label,
the stage-1 templates included, and lead-ins, particles, slang, typos,
emoji and repeats vary around it. More phrasings per label and more
surroundings per phrasing push the model towards the words that carry the
intent instead of whole strings.

Held-out cores: every stage-1 template that stage 1 held out, plus every
HOLDOUT_EVERY-th new core, occur only in evaluation comments (never in
either stage's training), so the "unseen" evaluation number measures
phrasings the model has never been trained on. A stage-1 held-out template
that overlaps a training core moves to training (see _split); stage 1 never
trained on it, so the warm-started model still has not seen it held out.
"""

from __future__ import annotations

import random

import danmaku

HOLDOUT_EVERY = 5
HOLDOUT_AT = 2

NEW_CORES: dict[tuple[str, str], list[str]] = {
    ("price", "neutral"): [
        "这个卖多少", "{item}啥价", "咋卖的", "什么价位", "价钱多少", "多少钱一件", "一套多少钱", "单价多少",
        "活动价多少", "现在拍是多少钱", "优惠完多少", "用券后多少", "到手多少钱", "有没有优惠券", "领券在哪",
        "能不能再便宜", "有折扣吗", "第二件什么价", "买两个便宜吗", "价格说一下", "报价一下", "多少钱包邮",
        "几十块吗", "是{n}块吗", "{n}元能拿吗", "原价是多少", "拍三件多少钱", "满减吗", "学生有优惠吗",
        "还有券吗", "秒杀价多少", "价格多少呀主播", "这款什么价钱", "会降价吗", "什么时候有活动",
    ],
    ("price", "negative"): [
        "太贵了", "好贵啊", "这么贵", "贵死了", "价格太高了", "买不起", "超预算了", "比去年贵了",
        "别家才{n}块", "价格不友好", "{item}不值这么多钱", "这价抢钱呢", "贵了点", "一点都不便宜", "价格有点劝退",
        "涨价了吧", "又贵了", "贵的离谱", "价格太坑了", "这个价格不行", "便宜点才买", "学生党买不起",
        "价格不香", "太贵下不去手", "贵到离谱",
    ],
    ("price", "positive"): [
        "好划算", "太便宜了吧", "这价格好香", "便宜又好", "价格很美丽", "良心价", "这价格捡漏", "价格很实惠",
        "这个价太值了", "超值", "价格真香", "比平时便宜好多", "太划算了吧", "这个价格可以冲", "价格好友好",
        "{item}这么便宜", "便宜到哭", "好价", "价格感人", "薅羊毛了",
    ],
    ("spec", "neutral"): [
        "有{colour}的吗", "{size}有吗", "有{size}码吗", "多大尺寸", "什么尺码", "尺寸多少", "颜色有几种",
        "有没有别的颜色", "什么颜色", "{colour}好看吗", "什么面料的", "是棉的吗", "材质是啥", "什么料子",
        "有多重", "重量多少", "多少克", "容量是多少", "能装多少", "几升的", "多大容量", "尺码标准吗",
        "{n}斤穿啥码", "身高{n}选哪个码", "偏大吗", "偏小吗", "有加大码吗", "有小码吗", "能水洗吗",
        "会缩水吗", "厚不厚", "透气吗", "是全棉吗", "有几个型号", "规格有哪些", "{item}尺寸多大",
        "适合多大的宝宝", "有没有{size}", "{colour}和{colour}哪个好看", "长度多少",
    ],
    ("spec", "negative"): [
        "没有我的码", "颜色好少", "尺码好乱", "{size}码又没了", "面料好薄", "材质一般", "码数不准",
        "容量太小了", "太重了", "颜色太丑了", "就这几个颜色吗", "尺码偏小坑人", "{colour}没货了",
        "大码怎么没有", "布料好硬", "尺寸不对", "偏大好多", "小码都断了",
    ],
    ("spec", "positive"): [
        "颜色好好看", "{colour}好温柔", "尺码很全", "面料好舒服", "料子好软", "材质很高级", "容量刚刚好",
        "{size}码穿着正好", "颜色好正", "好轻啊", "厚度刚好", "码数很准", "{colour}太绝了", "这材质爱了",
    ],
    ("shipping", "neutral"): [
        "多久发货", "什么时候发", "发货时间", "几天发货", "走什么快递", "用什么快递", "到{city}要几天",
        "{city}几天到", "包不包邮", "包邮不", "运费多少", "偏远包邮吗", "西藏发吗", "能发海外吗", "哪里发货",
        "从哪发", "明天能到吗", "当天发货吗", "下午拍今天发吗", "有运费险吗", "快递能选吗", "发顺丰吗",
        "几天能收到", "啥时候能到", "物流要多久", "能加急吗", "发京东吗", "能送货上门吗",
    ],
    ("shipping", "negative"): [
        "快递太慢", "等了好久还没到", "一直没发货", "物流卡住了", "快递好几天不动", "还没发货啊", "发货好慢",
        "快递丢件了", "包裹破了", "物流太差了", "快递不送上门", "等到花儿都谢了", "说好今天发的呢",
        "拍了五天还没发",
    ],
    ("shipping", "positive"): [
        "发货好快", "隔天就到了", "快递好快", "顺丰就是快", "物流给力", "包装很用心", "两天就收到了",
        "快递速度绝了", "发货神速", "当天就发了",
    ],
    ("purchase", "positive"): [
        "下单了", "买了买了", "拍啦", "已经拍了", "刚拍", "付款了", "抢到啦", "拿下", "入手了", "冲了",
        "买一个", "给我来{n}个", "我要了", "带走", "收了", "必须买", "再来一单", "又买了", "囤了{n}件",
        "全家人都买了", "给闺蜜也拍了", "第{n}次回购", "拍了两单", "已经付款", "终于抢到了",
    ],
    ("purchase", "neutral"): [
        "链接呢", "链接在哪里", "几号", "哪个链接", "怎么买", "在哪拍", "怎么下单啊", "购物车哪个",
        "小黄车几号", "能拍了吗", "还能买吗", "什么时候开抢", "可以下单吗", "怎么领券下单", "还有链接吗",
        "能不能再上一次链接", "{n}号是这个吗", "拍哪个", "要拍几号", "几点开卖",
    ],
    ("praise", "positive"): [
        "质量好好", "真的好用", "好好用", "用着很舒服", "效果很好", "超级好用", "做工好", "质感很好",
        "颜值超高", "好漂亮", "太好看了", "味道好好", "好好吃", "孩子很喜欢", "用了都说好", "质量杠杠的",
        "比想象的好", "买过很好用", "推荐给朋友了", "真的很值", "主播推荐的都好", "品质很好", "手感很好",
        "{item}好用哭了", "爱死了", "用过回不去了", "一直在用", "五星好评",
    ],
    ("complaint", "negative"): [
        "收到坏了", "质量好差", "跟图片差好多", "用几天就坏", "客服不理人", "退款好难", "发错了", "颜色不对",
        "有异味", "起球了", "漏了", "少件了", "是假的吧", "售后太烂", "用了过敏", "开胶了", "退货没人管",
        "被骗了", "破了个洞", "质量不行", "做工好差", "用了一次就坏", "东西有问题", "{item}坏了",
        "申请售后没回应", "货不对板", "掉色严重",
    ],
    ("other", "neutral"): [
        "晚上好", "我来了", "刚来", "主播在干嘛", "几点下播", "今天卖啥", "主播哪里人", "来晚了",
        "第一次进直播间", "签到", "{city}的来了", "主播吃饭了吗", "背景是哪里", "主播多高", "明天还播吗",
        "路过", "看看", "我先看看", "等下一个", "下一个是什么", "还有别的吗", "主播叫什么", "有人在吗",
    ],
    ("other", "positive"): [
        "主播好美", "主播好帅", "来了来了", "哈哈哈", "好开心呀", "今天好幸福", "主播加油", "支持主播",
        "晚上好呀宝宝们", "喜欢这个直播间", "笑死了", "主播声音好好听", "氛围好好",
    ],
    ("other", "negative"): [
        "无聊", "好困", "好烦", "网好差", "卡了", "声音好小", "听不清", "画面卡住了", "主播别拖了",
        "不想上班", "今天好倒霉",
    ],
}

LEADS = ["", "", "", "", "主播", "主播，", "宝宝", "姐妹们", "那个", "诶", "哎", "啊这", "家人们", "小姐姐", "老板",
         "主播主播", "话说", "emm"]
# Lead-ins that only fit a question.
QUESTION_LEADS = ["请问", "问一下", "我想问", "想问问"]
_QUESTION_WORDS = ("吗", "多少", "什么", "几", "哪", "啥", "怎么", "多大", "多久", "多重")
PARTICLES = ["", "", "", "", "啊", "呀", "呢", "哈", "吧", "嘛", "哦", "啦", "呗", "捏"]


def dress(rng: random.Random, core: str, sentiment: str) -> str:
    """A filled core with a lead-in, a particle and danmaku noise around it
    (the plain surroundings stage 3's generators share)."""
    text = rng.choice(LEADS) + danmaku._fill(rng, core) + rng.choice(PARTICLES)
    return danmaku._noise(rng, text, sentiment)


def _split(pair: tuple[str, str], heldout: bool) -> list[str]:
    """The cores of a label on one side of the hold-out. A held-out core
    that is part of a training core (or contains one, "这么贵" and
    "这么贵谁买啊") goes to the training side: its text would not be unseen."""
    old = danmaku.TEMPLATES[pair]
    held = [t for i, t in enumerate(old) if i % danmaku.HOLDOUT_EVERY == danmaku.HOLDOUT_AT]
    train = [t for t in old if t not in held]
    new = NEW_CORES[pair]
    held += [t for i, t in enumerate(new) if i % HOLDOUT_EVERY == HOLDOUT_AT]
    train += [t for i, t in enumerate(new) if i % HOLDOUT_EVERY != HOLDOUT_AT]
    moved = True
    while moved:
        moved = False
        for h in held:
            if any(h in t or t in h for t in train):
                held.remove(h)
                train.append(h)
                moved = True
                break
    return held if heldout else train


def heldout_cores(pair: tuple[str, str]) -> list[str]:
    """The phrasings of a label that no training comment may contain."""
    return _split(pair, heldout=True)


def sample_comment(rng: random.Random, heldout: bool) -> dict:
    """One labelled comment whose core phrasing is held out (heldout=True) or not."""
    pairs = list(danmaku.PAIR_WEIGHTS)
    weights = [danmaku.PAIR_WEIGHTS[p] for p in pairs]
    intent, sentiment = rng.choices(pairs, weights)[0]
    cores = _split((intent, sentiment), heldout)
    core = rng.choice(cores)
    leads = LEADS + QUESTION_LEADS if any(w in core for w in _QUESTION_WORDS) else LEADS
    text = rng.choice(leads) + danmaku._fill(rng, core)
    if rng.random() < 0.15:  # a second phrasing of the same label
        text += rng.choice(["，", " ", "！", "？", ""]) + danmaku._fill(rng, rng.choice(_split((intent, sentiment), heldout)))
    text += rng.choice(PARTICLES)
    text = danmaku._noise(rng, text, sentiment)
    return {"comment": text, "intent": intent, "sentiment": sentiment, "unseen_template": heldout}


def check_holdout() -> None:
    """No held-out core is also a training core (the pools must not overlap)."""
    for pair in danmaku.PAIR_WEIGHTS:
        both = set(_split(pair, True)) & set(_split(pair, False))
        assert not both, f"{pair}: cores on both sides of the hold-out: {sorted(both)[:3]}"
        assert _split(pair, True), f"{pair}: no held-out core"
