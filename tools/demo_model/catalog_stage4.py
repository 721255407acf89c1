"""Products with diverse schemas for the slot-format corpus (stage 4).

catalog.py's products all share one schema (the same keys, English spec
keys, three selling points, every policy field present). The apps now
read any product JSON (/work/notes/slot_format.md): Chinese or English spec
keys, arbitrary spec names (版型, 续航, 防水等级 ...), string or list
values, missing fields, extra top-level keys. This module composes such
products from catalog.py's pools plus five new categories and a table of
extra spec keys, each with the questions a viewer asks about it.

`make_product(rng, category, pools)` is deterministic given the rng state.
"""

from __future__ import annotations

import random

import catalog
from catalog import _model_code, _price, _promotion, _shipping

NEW_CATEGORIES: dict[str, dict] = {
    "户外": {
        "types": ["帐篷", "冲锋衣", "登山杖", "睡袋", "折叠椅", "露营灯", "防潮垫", "登山鞋", "天幕", "保温壶"],
        "size": ["S", "M", "L", "XL", "XXL", "单人", "双人", "3-4人", "5-8人"],
        "colour": ["军绿色", "沙漠色", "黑色", "橙色", "深空灰", "雪山白"],
        "material": ["涤纶牛津布", "铝合金", "碳纤维", "GORE-TEX面料", "鹅绒", "尼龙"],
        "weight": ["1.2kg", "2.5kg", "850g", "3.8kg", "420g"],
        "price": (39, 2599),
        "points": ["防风防雨", "一键速开", "轻量便携", "收纳体积小", "抗撕裂", "三季可用", "透气排湿", "稳固抗风",
                   "夜间反光条", "承重150kg"],
        "audience": ["露营新手", "徒步爱好者", "自驾游家庭", "户外达人", "钓鱼佬"],
        "gifts": ["地钉一套", "收纳袋", "防风绳", "头灯", "野餐垫"],
    },
    "生鲜": {
        "types": ["车厘子", "阳光玫瑰葡萄", "赣南脐橙", "大闸蟹", "原切牛排", "三文鱼", "猕猴桃", "榴莲", "沃柑", "基围虾"],
        "weight": ["2.5kg", "5斤装", "1kg", "500g", "10斤", "4只装", "净重3斤"],
        "price": (29, 699),
        "points": ["产地直发", "现摘现发", "坏果包赔", "冷链配送", "个大饱满", "甜度高", "肉质紧实", "无添加", "顺丰冷链"],
        "audience": ["全家老小", "孕妈", "送礼", "健身党", "吃货"],
        "gifts": ["水果刀", "冰袋", "开果器", "蟹八件", "保鲜袋"],
        "returns": ["坏果包赔，签收24小时内拍照联系客服", "生鲜产品不支持无理由退货，坏损包赔"],
    },
    "酒水茶饮": {
        "types": ["龙井茶", "普洱茶饼", "精酿啤酒", "干红葡萄酒", "白茶", "NFC果汁", "气泡水", "挂耳咖啡", "花果茶", "黄酒"],
        "capacity": ["500ml", "330ml×12罐", "750ml", "250g", "357g", "100g", "24瓶装", "1L"],
        "price": (19, 1299),
        "points": ["明前头采", "0糖0卡", "口感醇厚", "冷泡热泡都行", "回甘明显", "原浆鲜酿", "果香浓郁", "礼盒装有面子"],
        "audience": ["上班族", "送长辈", "喝茶爱好者", "聚会", "减糖人群"],
        "gifts": ["品鉴杯", "茶包试饮装", "开瓶器", "手提礼袋", "随手杯"],
    },
    "汽车用品": {
        "types": ["车载充电器", "行车记录仪", "汽车座垫", "车载香薰", "洗车液", "车载充气泵", "手机支架", "脚垫", "遮阳挡"],
        "colour": ["黑色", "米色", "酒红色", "咖啡色", "灰色"],
        "material": ["皮革", "冰丝", "亚麻", "ABS塑料", "铝合金", "TPE"],
        "price": (19, 899),
        "points": ["一键安装", "不挡视线", "夜视清晰", "快速充气", "四季通用", "不伤车漆", "防滑防水", "超长续航"],
        "audience": ["新手司机", "有车一族", "网约车司机", "自驾游爱好者"],
        "gifts": ["安装工具", "擦车布", "香薰片", "数据线", "内存卡"],
    },
    "玩具": {
        "types": ["积木", "遥控车", "毛绒玩具", "拼图", "益智桌游", "泡泡机", "磁力片", "过家家玩具", "水枪"],
        "colour": ["红色", "蓝色", "粉色", "黄色", "彩色"],
        "material": ["ABS塑料", "PP棉", "榉木", "食品级硅胶", "纸质"],
        "price": (9, 599),
        "points": ["圆角设计不伤手", "开发动手能力", "亲子互动", "无异味", "零件大不易吞咽", "耐摔", "可水洗", "3C认证"],
        "audience": ["3岁以上宝宝", "小学生", "亲子家庭", "大朋友"],
        "gifts": ["电池", "收纳盒", "说明书", "贴纸", "替换配件"],
    },
}
CATEGORIES: dict[str, dict] = {**catalog.CATEGORIES, **NEW_CATEGORIES}

# The five core spec fields: English key (the contract maps it to the label),
# the Chinese labels a product may use instead.
CORE_SPECS = {
    "size": ("尺码", ["尺码", "尺码", "码数", "尺寸"]),
    "colour": ("颜色", ["颜色", "颜色", "配色", "色号"]),
    "material": ("材质", ["材质", "材质", "面料"]),
    "capacity": ("容量", ["容量", "规格"]),
    "weight": ("重量", ["重量", "净含量"]),
}

# Extra spec keys: Chinese key, English key, values (a list value when "list"),
# the viewer's questions, yes/no questions ({v} = a value), and the categories.
EXTRA_SPECS: dict[str, dict] = {
    "版型": dict(en="fit", values=["宽松", "修身", "直筒", "A字", "收腰", "落肩宽松", "oversize"],
               q=["版型怎么样", "是什么版型", "宽松还是修身", "版型正吗"], yn=["是{v}的吗", "{v}版型吗"],
               cats=["服装"]),
    "续航": dict(en="battery_life", values=["30小时", "约7天", "45天", "12小时", "8小时", "60天"],
               q=["续航多久", "能用多久", "电池耐用吗", "充一次能用几天", "续航怎么样", "待机多久"], cats=["数码", "个护", "汽车用品", "户外"]),
    "防水等级": dict(en="waterproof", values=["IPX4", "IPX7", "IP68", "IPX5", "生活防水", "5ATM"],
                 q=["防水吗", "防水等级多少", "能带着洗澡吗", "下雨能用吗", "进水会坏吗"], cats=["数码", "户外", "运动", "箱包", "鞋靴"]),
    "适用肤质": dict(en="skin_type", values=["所有肤质", "干性肌肤", "油性肌肤", "混合肌", "敏感肌"], list=True,
                 q=["什么肤质能用", "适合什么肤质", "我这种皮肤能用吗", "肤质有要求吗"], yn=["{v}能用吗", "适合{v}吗"],
                 cats=["美妆", "个护"]),
    "保质期": dict(en="shelf_life", values=["12个月", "18个月", "180天", "3年", "冷藏7天", "24个月", "9个月"],
                q=["保质期多久", "能放多久", "保质期是多久", "放久了会坏吗", "多久过期"], cats=["食品", "美妆", "个护", "酒水茶饮", "生鲜", "宠物"]),
    "产地": dict(en="origin", values=["浙江杭州", "云南", "新疆阿克苏", "智利", "日本", "广东佛山", "福建安溪", "山东烟台", "意大利", "澳大利亚"],
               q=["哪里产的", "产地是哪", "产地在哪里", "哪里生产的", "是哪产的"], yn=["是{v}产的吗"],
               cats=list(CATEGORIES)),
    "功率": dict(en="power", values=["1200W", "800W", "2000W", "65W", "300W", "1500W"],
               q=["功率多大", "多少瓦", "功率是多少", "费电吗"], cats=["家电", "数码", "汽车用品"]),
    "适用年龄": dict(en="age", values=["3岁以上", "0-3岁", "6岁以上", "8-14岁", "全年龄"],
                 q=["几岁能用", "多大孩子能玩", "适合几岁", "两岁宝宝能用吗", "年龄有要求吗"], cats=["玩具", "母婴", "图书文具"]),
    "口味": dict(en="flavor", values=["原味", "香辣", "麻辣", "五香", "蜂蜜味", "海盐味", "芝士味", "黑椒"], list=True,
               q=["什么口味", "有哪些口味", "有几种口味", "口味有啥"], yn=["有{v}的吗", "有{v}口味吗", "{v}还有吗"],
               cats=["食品", "宠物"]),
    "储存方式": dict(en="storage", values=["常温保存", "冷藏保存", "冷冻保存", "阴凉干燥处保存"],
                 q=["怎么保存", "要冷藏吗", "怎么储存", "开了怎么放"], cats=["食品", "生鲜", "酒水茶饮"]),
    "厚度": dict(en="thickness", values=["薄款", "常规款", "加厚款", "8mm", "6mm", "15cm"],
               q=["厚不厚", "多厚", "厚度怎么样", "冬天够厚吗"], cats=["服装", "运动", "家居", "户外"]),
    "质保": dict(en="warranty", values=["一年质保", "两年质保", "三年质保", "整机一年，电机五年", "终身维修"],
               q=["保修多久", "有质保吗", "坏了怎么办", "质保几年", "保修吗"], cats=["数码", "家电", "汽车用品", "户外", "珠宝配饰"]),
    "充电时间": dict(en="charging_time", values=["2小时", "1.5小时", "约40分钟", "3小时"],
                 q=["充电要多久", "多久充满", "充满电要多长时间"], cats=["数码", "个护"]),
    "蓝牙版本": dict(en="bluetooth", values=["5.3", "5.2", "5.0", "5.4"],
                 q=["蓝牙几点几", "蓝牙版本多少", "是什么蓝牙"], cats=["数码"]),
    "适用季节": dict(en="season", values=["春秋", "夏季", "冬季", "四季"], list=True,
                 q=["什么季节穿", "冬天能穿吗", "夏天穿热吗", "什么季节用"], yn=["{v}能穿吗", "适合{v}吗"],
                 cats=["服装", "鞋靴", "家居"]),
    "香调": dict(en="scent", values=["木质调", "花果香", "柑橘调", "白茶香", "海洋调", "无香"],
               q=["什么味道", "香味浓吗", "什么香调", "好闻吗"], cats=["个护", "美妆", "家居", "汽车用品"]),
    "适用车型": dict(en="fits", values=["通用", "轿车SUV通用", "特斯拉专用", "99%车型适用"],
                 q=["我的车能用吗", "适合什么车", "通用吗", "SUV能用吗"], cats=["汽车用品"]),
    "屏幕尺寸": dict(en="screen", values=["1.43英寸", "3英寸", "2.4英寸", "10.1英寸"],
                 q=["屏幕多大", "几寸屏", "屏幕尺寸是多少"], cats=["数码", "汽车用品"]),
    "工艺": dict(en="craft", values=["手工缝制", "古法炒制", "冷萃", "一体成型", "精工抛光"],
               q=["什么工艺", "是手工的吗", "工艺怎么样"], cats=["珠宝配饰", "酒水茶饮", "箱包", "食品"]),
    "页数": dict(en="pages", values=["128页", "200页", "64页", "96页", "320页"],
               q=["多少页", "有几页", "页数多吗"], cats=["图书文具"]),
    "等级": dict(en="grade", values=["特级", "一级", "A级", "S级", "优等品"],
               q=["什么等级", "是几级", "等级怎么样"], cats=["酒水茶饮", "生鲜", "母婴", "珠宝配饰"]),
    "包装": dict(en="package", values=["礼盒装", "简装", "独立小包装", "袋装", "罐装"],
               q=["是什么包装", "是礼盒吗", "包装怎么样", "能送人吗"], cats=["食品", "酒水茶饮", "生鲜", "珠宝配饰", "美妆"]),
    "闭合方式": dict(en="closure", values=["拉链", "磁吸扣", "系带", "魔术贴", "一脚蹬"],
                 q=["怎么开合", "是拉链的吗", "什么开口"], cats=["箱包", "鞋靴"]),
}

# Top-level extra keys (facts beside the contract's fields).
EXTRA_TOP = {
    "品牌": dict(q=["什么牌子", "是哪个牌子", "品牌是啥", "什么品牌的"]),
    "brand": dict(q=["什么牌子", "哪个品牌", "牌子是什么"]),
    "发货地": dict(q=["从哪发货", "发货地是哪", "哪里发的货"]),
    "保修": dict(q=["保修多久", "保修吗", "坏了能修吗"]),
    "评分": dict(q=["评分多少", "评价怎么样", "好评多吗"]),
    "销量": dict(q=["卖了多少", "销量怎么样", "买的人多吗"]),
    "现货": dict(q=["是现货吗", "现货还是预售", "有现货吗"]),
    "直播间专享": dict(q=["是直播间专享吗", "只有直播间有吗"]),
    "tags": dict(q=["有什么标签", "是什么风格"]),
    "origin": dict(q=["哪里产的", "产地是哪"]),
    "货号": dict(q=["货号是多少", "型号是啥", "货号发一下"]),
}

NEW_POINTS = ["品质有保障", "大牌平替", "回购率超高", "细节满分", "新手友好", "颜值在线", "收到就能用",
              "做工扎实", "性价比拉满", "直播间专属款"]


def _brand(rng: random.Random, pools) -> str:
    r = rng.random()
    if r < 0.55:
        return pools.brand(rng)
    if r < 0.8:
        return "".join(rng.sample(catalog.BRAND_SYLLABLES, rng.choice([2, 2, 3])))
    letters = "ABCDEFGHIKLMNOPRSTUVWXYZ"
    word = rng.choice(letters) + "".join(rng.choice(letters.lower()) for _ in range(rng.randint(2, 5)))
    return word if rng.random() < 0.6 else word.upper()


def _name(rng: random.Random, brand: str, item: str, pools) -> str:
    series = ""
    r = rng.random()
    if r < 0.3:
        series = "".join(rng.choice(pools.chars) for _ in range(2))
    elif r < 0.55:
        series = rng.choice(catalog.SERIES_WORDS)
    code = _model_code(rng) if rng.random() < 0.55 else ""
    style = rng.random()
    if style < 0.35:
        name = f"【{brand}】{series}{item}{code}"
    elif style < 0.45:
        name = f"{brand} {series}{item}{(' ' + code) if code else ''}"
    elif style < 0.5:
        name = f"{brand}｜{series}{item}{code}"
    else:
        name = f"{brand}{series}{item}{code}"
    if rng.random() < 0.12:
        name += rng.choice(["（直播间专享）", " 新款", "【热卖】", " 2件装", "（礼盒装）"])
    return name


def _decimal_price(rng: random.Random, low: int, high: int) -> float:
    if rng.random() < 0.6:
        return _price(rng, low, high)
    base = rng.randint(low, high)
    return round(base + rng.choice([0.1, 0.5, 0.8, 0.9, 0.99, 0.66, 0.88, 0.01]), 2)


def _spec_value(rng: random.Random, pool: list[str], as_list: bool, ordered: bool = False) -> str | list[str]:
    if as_list:
        k = rng.randint(1, min(5, len(pool)))
        if ordered:
            start = rng.randrange(len(pool) - k + 1)
            vals = pool[start:start + k]
        else:
            vals = rng.sample(pool, k)
        return vals if rng.random() < 0.85 else "、".join(vals)  # the contract renders both alike
    return rng.choice(pool)


def make_product(rng: random.Random, category: str, pools, sparse: bool) -> dict:
    """A product of `category`; sparse ones lack most optional fields."""
    c = CATEGORIES[category]
    item = rng.choice(c["types"])
    brand = _brand(rng, pools)
    p: dict = {"name": _name(rng, brand, item, pools)}
    keep = (lambda prob_full, prob_sparse=0.3: rng.random() < (prob_sparse if sparse else prob_full))
    if keep(0.9, 0.6):
        p["category"] = category
    price = _decimal_price(rng, *c["price"])
    p["price"] = price
    if keep(0.7, 0.2):
        p["original_price"] = float(int(price * rng.uniform(1.3, 2.5)) // 10 * 10 + rng.choice([9, 9, 8, 0]))
    pool = c["points"] + rng.sample(NEW_POINTS, 2)
    p["selling_points"] = rng.sample(pool, rng.randint(1, 2) if sparse else rng.choice([3, 3, 3, 4, 4, 5, 6]))
    specs: dict = {}
    english = rng.random() < 0.5
    for key, (label, zh_labels) in CORE_SPECS.items():
        if key not in c or rng.random() > (0.5 if sparse else 0.85):
            continue
        if english:
            k = "color" if key == "colour" and rng.random() < 0.3 else key
        else:
            k = rng.choice(zh_labels)
        as_list = key in ("size", "colour")
        specs[k] = _spec_value(rng, c[key], as_list, ordered=key == "size")
    extras = [k for k, v in EXTRA_SPECS.items() if category in v["cats"]]
    for k in rng.sample(extras, min(len(extras), rng.choice([0, 1, 1, 2, 3] if not sparse else [0, 0, 1]))):
        e = EXTRA_SPECS[k]
        key = e["en"] if rng.random() < 0.25 else k
        specs[key] = _spec_value(rng, e["values"], e.get("list", False))
    items = list(specs.items())
    rng.shuffle(items)
    if specs or rng.random() < 0.5:
        p["specs"] = dict(items)
    if keep(0.9):
        p["promotion"] = _promotion(rng, price)
    if keep(0.7):
        p["audience"] = rng.choice(c["audience"])
    if keep(0.9):
        p["shipping"] = _shipping(rng, category if category in catalog.CATEGORIES else "家居")
        if pools.cities and rng.random() < 0.5:
            city = next((x for x in catalog.CITIES if f"从{x}发货" in p["shipping"]), None)
            if city:
                p["shipping"] = p["shipping"].replace(city, rng.choice(pools.cities), 1)
        if rng.random() < 0.15:
            p["shipping"] = rng.choice(["现货，付款后48小时内发货", "预售，付款后7天内发货，顺丰包邮", "当天16点前下单当天发，京东快递",
                                        "下单后3天内发货，偏远地区不发", "现货速发，中通包邮"])
    if keep(0.85):
        p["returns"] = rng.choice(c.get("returns", catalog.RETURNS))
    if keep(0.8):
        p["stock"] = rng.choice([rng.randint(5, 99), rng.randint(100, 999), rng.randint(1000, 9999)])
    if keep(0.6, 0.15):
        p["gifts"] = rng.sample(c["gifts"], rng.choice([1, 1, 2]))
    elif rng.random() < 0.2:
        p["gifts"] = []
    if rng.random() < 0.35:
        for k in rng.sample(list(EXTRA_TOP), rng.choice([1, 1, 2])):
            if k in ("品牌", "brand"):
                v = brand
            elif k == "发货地":
                v = rng.choice(pools.cities or catalog.CITIES)
            elif k == "保修":
                v = rng.choice(["一年", "两年", "三年", "不支持保修"])
            elif k == "评分":
                v = rng.choice([4.9, 4.8, 4.7, 4.95, 5])
            elif k == "销量":
                v = rng.choice([1200, 35000, 860, 10000, 52000])
            elif k in ("现货", "直播间专享"):
                v = rng.random() < 0.7
            elif k == "tags":
                v = rng.sample(["新品", "爆款", "直播专享", "国潮", "简约", "复古", "网红同款"], rng.randint(1, 3))
            elif k == "origin":
                v = rng.choice(EXTRA_SPECS["产地"]["values"])
            else:
                v = f"{rng.choice('ABCDEFHKMX')}{rng.randint(1000, 99999)}"
            p[k] = v
    if rng.random() < 0.05:  # shapes the contract ignores
        p[rng.choice(["qa", "meta"])] = [["问题", "答案"]] if rng.random() < 0.5 else {"id": rng.randint(1, 9999)}
    if rng.random() < 0.3:  # JSON key order varies; the block's order does not (except specs/extras)
        keys = [k for k in p if k not in ("name", "price")]
        rng.shuffle(keys)
        p = {"name": p["name"], "price": p["price"], **{k: p[k] for k in keys}}
    return p
