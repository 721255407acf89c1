"""Product catalogue for the demo live-commerce model.

Products are composed at random from per-category pools (brand-like
syllables + series word + item type + model code, random prices, stock and
policies), so a model trained on them has to copy names and numbers from the
product information in its prompt instead of memorising a fixed list.

`make_catalog(n, seed)` is deterministic for a given (n, seed).

A product is a plain dict (the JSON the apps read, see PROMPTS.md):
  name str, category str, price number, original_price number | absent,
  selling_points [str], specs {size: [str], colour: [str], material: str,
  capacity: str, weight: str} (each key optional), promotion str,
  audience str, shipping str, returns str, stock int, gifts [str].
"""

from __future__ import annotations

import random

# Brand-like syllables: common in Chinese brand names, no real brand intended.
BRAND_SYLLABLES = list(
    "柏雅诗澜优品欧韵沐森米朵卡蒂若曦拉菲芙蔻悦禾木屿贝乐宝凯瑞丰源恒昕泽"
    "格兰迪妮娅馨绮璃蓝橙柚枫棠汐澈禧漫星辰语安然初晴暖栖谷野麦穗青岚锦"
    "维途酷迅驰米粒可乐糖果斯汀伊洛奇诺亚朗帆熙茉"
)
SERIES_WORDS = [
    "轻享", "臻选", "云感", "极光", "悦享", "小鹿", "原野", "星河", "晨曦", "花语", "暖阳",
    "清风", "初见", "知味", "匠心", "鲜萃", "灵动", "元气", "山谷", "海盐", "月光", "森系",
]
MODEL_LETTERS = "ABCDEFGHKMNPRSTVXZ"


def _model_code(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.choice(MODEL_LETTERS)}{rng.randint(1, 9)}"
    if kind == 1:
        return f"{rng.choice(MODEL_LETTERS)}{rng.choice(MODEL_LETTERS)}-{rng.randint(10, 999)}"
    if kind == 2:
        return f"{rng.choice(['Pro', 'Max', 'Lite', 'Plus', 'Mini'])}{rng.randint(2, 9)}"
    if kind == 3:
        return f"{rng.randint(2, 9)}代"
    if kind == 4:
        return f"{rng.choice(MODEL_LETTERS)}{rng.randint(100, 999)}"
    return f"{rng.choice(['2024', '2025', '2026'])}款"


# Per-category pools. "types" are item types; spec pools are sampled per
# product; "price" is (low, high) in yuan.
CATEGORIES: dict[str, dict] = {
    "服装": {
        "types": ["T恤", "卫衣", "连衣裙", "牛仔裤", "羽绒服", "衬衫", "针织开衫", "防晒衣", "阔腿裤", "风衣", "半身裙", "休闲西装"],
        "size": ["XS", "S", "M", "L", "XL", "XXL", "3XL"],
        "colour": ["黑色", "白色", "米白色", "燕麦色", "雾霾蓝", "藏青色", "卡其色", "奶茶色", "浅灰色", "酒红色", "牛油果绿", "粉色"],
        "material": ["纯棉", "冰丝", "莫代尔", "桑蚕丝", "羊毛混纺", "天丝", "亚麻", "涤纶", "90%白鸭绒", "聚酯纤维"],
        "price": (39, 699),
        "points": ["不起球不掉色", "宽松显瘦", "透气不闷汗", "立体剪裁", "垂感好不易皱", "机洗不变形", "百搭通勤", "亲肤柔软", "版型显高", "加厚保暖", "防晒UPF50+", "走线工整"],
        "audience": ["通勤上班族", "学生党", "微胖女生", "男女同款都能穿", "155到175身高的姐妹", "宝妈"],
        "gifts": ["同色系发圈", "防尘收纳袋", "运费险", "精美衣架", "袜子一双"],
    },
    "美妆": {
        "types": ["粉底液", "口红", "眼影盘", "气垫BB", "睫毛膏", "卸妆油", "精华液", "面霜", "防晒霜", "散粉", "腮红", "眉笔"],
        "colour": ["01象牙白", "02自然色", "03小麦色", "正红色", "豆沙色", "枫叶棕", "奶茶粉", "复古红", "裸杏色"],
        "capacity": ["30ml", "50ml", "15ml", "100ml", "3.5g", "8g", "10g", "120ml"],
        "price": (49, 599),
        "points": ["持妆12小时", "不卡粉不拔干", "敏感肌可用", "轻薄服帖", "防水防汗", "成分温和无酒精", "提亮肤色", "保湿补水", "显色度高", "一抹成膜", "不闷痘"],
        "audience": ["干皮姐妹", "油皮混油皮", "敏感肌", "学生党", "化妆新手", "熟龄肌"],
        "gifts": ["同款小样5ml", "化妆蛋", "化妆刷", "卸妆巾", "旅行装面膜两片"],
    },
    "食品": {
        "types": ["坚果礼盒", "牛肉干", "螺蛳粉", "即食燕窝", "手撕面包", "冻干咖啡", "芒果干", "自热火锅", "黑芝麻丸", "鲜炖银耳羹", "猪肉脯", "燕麦片"],
        "weight": ["500g", "1kg", "250g", "750g", "1.5kg", "2kg", "300g", "6袋装", "12杯装", "20包装"],
        "price": (19, 299),
        "points": ["0添加蔗糖", "当季新鲜", "独立小包装", "非油炸", "产地直发", "高蛋白", "开袋即食", "真空锁鲜", "酸甜适口", "口感酥脆", "配料表干净"],
        "audience": ["办公室零食党", "减脂人群", "学生党", "全家老小", "熬夜加班族", "送礼"],
        "gifts": ["同款试吃装", "密封夹", "便携勺", "赠送2包", "手提礼袋"],
        "returns": ["食品类商品拆封后不支持无理由退货，质量问题包退", "未拆封支持7天无理由退货，拆封后不退"],
    },
    "数码": {
        "types": ["蓝牙耳机", "充电宝", "智能手表", "机械键盘", "无线鼠标", "平板支架", "快充数据线", "运动相机", "移动硬盘", "降噪耳机", "手机壳", "氮化镓充电器"],
        "colour": ["曜石黑", "月光白", "远峰蓝", "星空灰", "薄荷绿", "樱花粉", "钛金色"],
        "capacity": ["10000mAh", "20000mAh", "5000mAh", "128GB", "256GB", "512GB", "1TB", "2TB", "65W", "30W", "100W"],
        "material": ["铝合金", "ABS塑料", "液态硅胶", "PC+TPU", "亲肤硅胶"],
        "price": (29, 1999),
        "points": ["续航30小时", "主动降噪", "支持快充", "蓝牙5.3连接稳定", "轻巧便携", "IP68防水", "一年质保", "低延迟游戏模式", "多设备切换", "兼容安卓苹果"],
        "audience": ["学生党", "通勤族", "游戏玩家", "商务人士", "运动爱好者", "数码爱好者"],
        "gifts": ["收纳包", "Type-C数据线", "钢化膜", "耳机挂绳", "一年碎屏险"],
        "returns": ["支持7天无理由退货，激活后不影响质保", "支持15天只换不修，一年质保"],
    },
    "家居": {
        "types": ["四件套", "记忆棉枕头", "乳胶床垫", "收纳箱", "香薰蜡烛", "落地灯", "懒人沙发", "浴巾", "地毯", "保温杯", "玻璃餐具套装", "遮光窗帘"],
        "size": ["1.5米床", "1.8米床", "2.0米床", "单人款", "双人款", "小号", "中号", "大号"],
        "colour": ["奶白色", "浅灰色", "原木色", "雾霾蓝", "燕麦色", "墨绿色", "香槟金"],
        "material": ["长绒棉", "记忆棉", "天然乳胶", "PP塑料", "大豆蜡", "实木", "珊瑚绒", "304不锈钢", "高硼硅玻璃", "涤纶"],
        "capacity": ["500ml", "60L", "35L", "800ml"],
        "price": (29, 999),
        "points": ["亲肤不起球", "慢回弹护颈椎", "可折叠省空间", "无甲醛", "耐高温", "遮光率99%", "吸水速干", "静音设计", "易清洗", "北欧简约风"],
        "audience": ["租房党", "新婚家庭", "颈椎不好的朋友", "有娃家庭", "宿舍学生", "精致生活党"],
        "gifts": ["同款枕套", "收纳袋", "香薰精油", "防滑垫", "清洁布"],
    },
    "母婴": {
        "types": ["纸尿裤", "婴儿湿巾", "奶瓶", "婴儿连体衣", "儿童餐椅", "辅食机", "婴儿推车", "学步鞋", "儿童牙刷", "隔尿垫", "婴儿洗发沐浴露", "安抚奶嘴"],
        "size": ["NB", "S", "M", "L", "XL", "59码", "66码", "73码", "80码", "90码", "0-6个月", "6-18个月"],
        "colour": ["奶油黄", "云朵白", "薄荷绿", "浅粉色", "天空蓝"],
        "material": ["PPSU", "食品级硅胶", "A类纯棉", "竹纤维", "无纺布", "婴儿级棉柔"],
        "capacity": ["160ml", "240ml", "300ml", "80抽", "52片", "60片"],
        "price": (29, 1299),
        "points": ["A类标准", "超薄透气", "无香精无酒精", "防胀气设计", "一体成型好清洗", "柔软不勒", "轻便一键收车", "医护级面料", "防侧漏"],
        "audience": ["新手宝妈", "0到3岁宝宝", "新生儿", "宝爸宝妈", "二胎家庭"],
        "gifts": ["替换奶嘴", "试用装3片", "口水巾", "收纳挂袋", "便携装湿巾"],
    },
    "运动": {
        "types": ["瑜伽垫", "跳绳", "哑铃", "速干运动T恤", "运动内衣", "筋膜枪", "跑步腰包", "护膝", "弹力带", "骑行头盔", "健身手套", "泳镜"],
        "size": ["S", "M", "L", "XL", "均码", "183×61cm", "185×80cm"],
        "colour": ["黑色", "荧光绿", "活力橙", "紫罗兰", "雾霾蓝", "珊瑚粉"],
        "material": ["TPE", "NBR", "天然橡胶", "锦纶氨纶", "包胶铸铁", "硅胶", "PVC"],
        "weight": ["2kg", "5kg", "10kg", "350g", "800g", "1.2kg"],
        "price": (19, 899),
        "points": ["防滑耐磨", "回弹好", "速干排汗", "高强度支撑", "六档调节", "轻量化设计", "可调节绑带", "双面可用", "防雾防水"],
        "audience": ["健身新手", "跑步爱好者", "瑜伽爱好者", "居家健身党", "骑行爱好者"],
        "gifts": ["收纳背带", "运动毛巾", "训练课程卡", "备用绑带", "防尘袋"],
    },
    "宠物": {
        "types": ["猫粮", "狗粮", "猫砂", "冻干零食", "宠物窝", "牵引绳", "逗猫棒", "自动喂食器", "宠物饮水机", "猫抓板", "宠物沐浴露", "磨牙棒"],
        "size": ["XS", "S", "M", "L", "XL", "小型犬", "中型犬", "大型犬"],
        "weight": ["1.5kg", "2kg", "6kg", "10kg", "500g", "100g", "2.5kg"],
        "material": ["豆腐砂", "膨润土", "鸡肉冻干", "瓦楞纸", "尼龙", "短毛绒", "ABS塑料"],
        "colour": ["灰色", "奶咖色", "天蓝色", "粉色", "卡其色"],
        "price": (15, 599),
        "points": ["无谷配方", "高肉含量", "低粉尘除臭", "结团快", "静音水泵", "可拆洗", "耐抓耐咬", "定时定量", "适口性好"],
        "audience": ["幼猫成猫都能用", "全犬种", "多猫家庭", "挑食的毛孩子", "肠胃敏感的猫狗"],
        "gifts": ["试吃装", "猫砂铲", "替换滤芯", "小零食一包", "宠物玩具"],
    },
    "珠宝配饰": {
        "types": ["925银项链", "珍珠耳环", "黄金转运珠", "手链", "发夹", "戒指", "丝巾", "胸针", "墨镜", "腰带", "手表", "耳夹"],
        "size": ["均码", "可调节", "6号", "8号", "12号", "16号", "40+5cm", "45cm"],
        "colour": ["银色", "玫瑰金", "金色", "珍珠白", "玳瑁色", "黑色"],
        "material": ["925银", "淡水珍珠", "足金999", "钛钢", "天然玛瑙", "醋酸板材", "真丝", "头层牛皮", "锆石"],
        "weight": ["0.5g", "1.2g", "2.3g", "3g"],
        "price": (29, 2999),
        "points": ["不过敏不褪色", "送礼有面", "设计感小众", "日常百搭", "精工抛光", "附鉴定证书", "可刻字", "闪度高"],
        "audience": ["送女朋友", "送妈妈", "职场女性", "学生党", "喜欢小众设计的姐妹"],
        "gifts": ["礼盒包装", "擦银布", "手提袋", "贺卡", "首饰收纳包"],
    },
    "图书文具": {
        "types": ["中性笔", "手账本", "儿童绘本", "错题本", "钢笔", "荧光笔", "课外阅读套装", "便利贴", "书立", "彩铅", "文件夹", "英语单词卡"],
        "colour": ["黑色", "蓝色", "红色", "马卡龙色", "莫兰迪色", "12色", "24色", "36色"],
        "capacity": ["0.5mm", "0.38mm", "A5", "B5", "A4", "10支装", "20本", "8册", "100张"],
        "material": ["道林纸", "牛皮纸", "PP", "铝合金", "铜版纸"],
        "price": (9, 399),
        "points": ["书写顺滑不断墨", "不洇墨", "护眼纸张", "大字注音", "老师推荐", "速干不脏手", "防水防撕", "高颜值"],
        "audience": ["小学生", "初高中生", "考研党", "手账爱好者", "3到8岁孩子", "办公族"],
        "gifts": ["替换笔芯", "书签", "贴纸", "笔袋", "阅读打卡表"],
    },
    "家电": {
        "types": ["空气炸锅", "电饭煲", "扫地机器人", "吹风机", "破壁机", "电热水壶", "加湿器", "空气净化器", "挂烫机", "洗地机", "电煮锅", "除螨仪"],
        "colour": ["珍珠白", "奶油白", "高级灰", "墨绿色", "星空黑", "樱花粉"],
        "capacity": ["4L", "5L", "6L", "3L", "1.7L", "1.5L", "2L", "1200W", "1800W", "3000Pa吸力"],
        "material": ["304不锈钢", "食品级PP", "陶瓷釉内胆", "高硼硅玻璃", "不粘涂层"],
        "price": (69, 3999),
        "points": ["一键智能菜单", "低噪音", "免洗滤网", "负离子护发", "自动断电", "APP远程控制", "少油健康", "24小时预约", "大容量", "三年质保"],
        "audience": ["租房党", "三口之家", "新婚家庭", "养宠家庭", "上班族", "懒人"],
        "gifts": ["食谱一本", "硅胶垫", "替换滤芯", "收纳架", "量杯"],
        "returns": ["支持7天无理由退货，整机三年质保", "支持15天包换，全国联保"],
    },
    "个护": {
        "types": ["洗发水", "沐浴露", "电动牙刷", "身体乳", "护手霜", "剃须刀", "牙膏", "洗面奶", "护发素", "漱口水", "洗手液", "止汗露"],
        "capacity": ["400ml", "500ml", "750ml", "1L", "50ml", "100g", "120g", "200ml", "300ml"],
        "colour": ["白色", "粉色", "黑色", "薄荷绿", "雾蓝色"],
        "material": ["氨基酸", "烟酰胺", "玻尿酸", "茶树精油", "杜邦刷毛"],
        "price": (15, 499),
        "points": ["控油蓬松", "留香持久", "氨基酸温和清洁", "长效保湿", "美白焕亮", "三档清洁模式", "续航60天", "无硅油", "清凉薄荷"],
        "audience": ["油头星人", "干皮", "全家都能用", "男士", "学生党", "敏感肌"],
        "gifts": ["替换刷头", "旅行装", "同款小样", "起泡网", "收纳盒"],
    },
    "鞋靴": {
        "types": ["小白鞋", "老爹鞋", "跑步鞋", "马丁靴", "乐福鞋", "帆布鞋", "雪地靴", "凉拖鞋", "切尔西靴", "玛丽珍鞋"],
        "size": ["35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45"],
        "colour": ["白色", "黑色", "米白色", "卡其色", "灰粉色", "深棕色", "白绿色"],
        "material": ["头层牛皮", "超纤皮", "飞织网面", "帆布", "EVA", "麂皮绒"],
        "price": (59, 999),
        "points": ["软底不累脚", "增高5cm", "防滑耐磨", "透气不闷脚", "轻便缓震", "百搭不挑衣服", "加绒保暖", "正码"],
        "audience": ["通勤族", "学生党", "跑步爱好者", "宝妈", "男女同款"],
        "gifts": ["鞋带一副", "鞋垫", "防尘袋", "运费险", "小白鞋清洁剂"],
    },
    "箱包": {
        "types": ["双肩包", "托特包", "斜挎包", "行李箱", "钱包", "腰包", "电脑包", "帆布袋", "旅行收纳袋", "手提包"],
        "size": ["20寸", "24寸", "26寸", "28寸", "小号", "中号", "大号", "14英寸", "15.6英寸"],
        "colour": ["黑色", "焦糖色", "奶白色", "墨绿色", "藏蓝色", "银灰色", "酒红色"],
        "material": ["头层牛皮", "PU皮", "牛津布", "PC材质", "尼龙", "帆布"],
        "capacity": ["20L", "30L", "35L", "45L"],
        "price": (39, 1599),
        "points": ["大容量", "防泼水", "静音万向轮", "TSA海关锁", "轻量化", "分层收纳", "减压肩带", "耐磨耐刮"],
        "audience": ["上班族", "学生党", "经常出差的朋友", "旅行达人", "宝妈"],
        "gifts": ["行李牌", "收纳袋", "防尘袋", "挂件", "肩带"],
    },
}

COURIERS = ["顺丰", "中通", "圆通", "韵达", "京东快递", "极兔", "申通", "邮政EMS"]
CITIES = ["杭州", "广州", "义乌", "深圳", "上海", "成都", "苏州", "泉州", "临沂", "武汉", "郑州", "青岛"]
RETURNS = ["支持7天无理由退换", "支持7天无理由退货，赠运费险", "支持15天无理由退换", "支持30天无忧退换", "七天无理由退货，退货运费买家承担"]


def format_price(value: float) -> str:
    """The one price format: no trailing zeros ("59.9", "129", "0.5")."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def _price(rng: random.Random, low: int, high: int) -> float:
    base = rng.randint(low, high)
    style = rng.randrange(4)
    if style == 0:
        return base + 0.9 if base < 200 else float(base - base % 10 + 9)  # 59.9 / 299
    if style == 1:
        return float(base)
    if style == 2:
        return float(base - base % 10) if base >= 20 else float(base)  # 120
    return base + rng.choice([0.5, 0.8, 0.99])


def _promotion(rng: random.Random, price: float) -> str:
    n = rng.choice([20, 50, 100, 200, 300, 500])
    cut = max(2, int(price * rng.choice([0.05, 0.1, 0.15])) // 5 * 5 or 5)
    threshold = int(price * 2) // 10 * 10 + 9
    return rng.choice([
        f"前{n}单立减{cut}元",
        "拍二发三",
        "第二件半价",
        f"满{threshold}减{cut}",
        f"直播间专属券{cut}元",
        f"今晚{rng.randint(8, 11)}点前下单加赠一份",
        "下单抽免单",
        f"前{n}名下单送同款小样",
        "限时秒杀，今晚12点恢复原价",
        f"两件{rng.choice([8, 9])}折",
    ])


def _shipping(rng: random.Random, category: str) -> str:
    hours = rng.choice([24, 48, 72])
    city = rng.choice(CITIES)
    courier = rng.choice(COURIERS if category != "食品" else ["顺丰", "京东快递", "中通", "圆通"])
    free = rng.choice(["全国包邮", "全国包邮（新疆西藏除外）", "满59元包邮", "偏远地区不包邮"])
    return f"{hours}小时内从{city}发货，{courier}，{free}"


def make_product(rng: random.Random, category: str) -> dict:
    c = CATEGORIES[category]
    item = rng.choice(c["types"])
    brand = "".join(rng.sample(BRAND_SYLLABLES, rng.choice([2, 2, 3])))
    name = brand
    if rng.random() < 0.6:
        name += rng.choice(SERIES_WORDS)
    name += item
    if rng.random() < 0.7:
        name += _model_code(rng)
    price = _price(rng, *c["price"])
    p: dict = {"name": name, "category": category, "price": price}
    if rng.random() < 0.7:
        p["original_price"] = float(int(price * rng.uniform(1.3, 2.5)) // 10 * 10 + 9)
    p["selling_points"] = rng.sample(c["points"], 3)
    specs: dict = {}
    if "size" in c and rng.random() < 0.95:
        k = rng.randint(2, min(5, len(c["size"])))
        start = rng.randrange(len(c["size"]) - k + 1)
        specs["size"] = c["size"][start:start + k]  # a contiguous run keeps sizes ordered
    if "colour" in c and rng.random() < 0.9:
        specs["colour"] = rng.sample(c["colour"], rng.randint(1, 4))
    if "material" in c and rng.random() < 0.9:
        specs["material"] = rng.choice(c["material"])
    if "capacity" in c and rng.random() < 0.9:
        specs["capacity"] = rng.choice(c["capacity"])
    if "weight" in c and rng.random() < 0.9:
        specs["weight"] = rng.choice(c["weight"])
    p["specs"] = specs
    p["promotion"] = _promotion(rng, price)
    p["audience"] = rng.choice(c["audience"])
    p["shipping"] = _shipping(rng, category)
    p["returns"] = rng.choice(c.get("returns", RETURNS))
    p["stock"] = rng.choice([rng.randint(5, 99), rng.randint(100, 999), rng.randint(1000, 9999)])
    p["gifts"] = rng.sample(c["gifts"], rng.choice([0, 1, 1, 2]))
    return p


def make_catalog(n: int, seed: int) -> list[dict]:
    """n products with distinct names, categories in rotation."""
    rng = random.Random(seed)
    names: set[str] = set()
    out: list[dict] = []
    cats = list(CATEGORIES)
    while len(out) < n:
        p = make_product(rng, cats[len(out) % len(cats)])
        if p["name"] in names:
            continue
        names.add(p["name"])
        out.append(p)
    return out


if __name__ == "__main__":
    import json
    for prod in make_catalog(3, 1):
        print(json.dumps(prod, ensure_ascii=False))
