#!/usr/bin/env python3
"""Evaluates the three live-commerce apps (script-gen, live-qa,
comment-analysis) on an evaluation set and prints one table: the apps'
scores next to simple baselines computed in the same run on the same set.

usage: eval_apps.py [--set DIR] [--apps BIN_DIR] [--model PATH] [--json OUT] [--limit N]

  --set DIR     products.jsonl and comments.jsonl (default: $LIVEFORMER_SHARED/eval/dev,
                else ../shared/eval/dev next to the repository)
  --apps DIR    where script-gen, live-qa and comment-analysis are (default: build/examples)
  --model PATH  passed to every app (default: the apps' own default model)
  --json OUT    also write every per-item result (scripts, spans, answers, verdicts) as JSON
  --limit N     only the first N products and the first N comments

Set format. products.jsonl: one product JSON (the apps' product schema) per
line plus "qa": [[question, kind, expected], ...], kind "answer" (the answer
must contain expected) or "decline" (expected is a value or service the
product does not have: the answer must refuse and must not affirm it).
comments.jsonl: {"t", "user", "text", "intent", "sentiment"} per line.

The rules (fact-like spans, support, declines, script structure) are
described in docs/evaluation.md; tools/eval_apps_test.py tests them.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------
# Normalisation

CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Units after which a Chinese numeral is read as a number ("七天" -> "7天").
# Counting words such as 个/种/款/色 are left out: "一个"/"两种" are rarely facts.
CN_NUM_UNITS = ("元|块|件|天|小时|分钟|克|千克|公斤|斤|毫升|升|码|岁|厘米|毫米|米|年|个月|折|倍|瓦|寸|"
                "英寸|度|包|袋|盒|瓶|支|片|粒|双|套|条|单|次|层|人份")


def cn_to_number(s):
    """A Chinese numeral (三百九十九, 九十, 十五, 三九九, 两万) as an int."""
    if all(ch in CN_DIGIT for ch in s):
        return int("".join(str(CN_DIGIT[ch]) for ch in s))
    total = section = 0
    digit = None
    for ch in s:
        if ch in CN_DIGIT:
            digit = CN_DIGIT[ch]
        elif ch in CN_UNIT:
            unit = CN_UNIT[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * 10000
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


_CN_NUM_RE = re.compile(r"([零〇一二两三四五六七八九十百千万]+)(?=(?:%s))" % CN_NUM_UNITS)


def _cn_sub(m):
    s = m.group(1)
    if s == "一" or s.startswith("万"):  # "一件好物", "一年四季": an article, not a quantity
        return s
    return str(cn_to_number(s))


def norm(text):
    """NFKC (full-width -> half-width), lower case, Chinese numerals before a
    unit as digits, white space runs as one space."""
    t = unicodedata.normalize("NFKC", str(text)).lower()
    t = _CN_NUM_RE.sub(_cn_sub, t)
    t = re.sub(r"(\d)块([一二两三四五六七八九])(?![零一二两三四五六七八九十百千万])",
               lambda m: m.group(1) + "块" + str(CN_DIGIT[m.group(2)]), t)  # 九块九 -> 9块9
    return re.sub(r"\s+", " ", t).strip()


def compact(text):
    """norm() without any white space (for substring comparisons)."""
    return re.sub(r"\s+", "", norm(text))


def fmt_num(x):
    return ("%.4f" % x).rstrip("0").rstrip(".")


def flatten(value, keys=False):
    """Every string/number of a JSON value, as a list of strings."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if keys and not k.isascii():
                out.append(k)
            out += flatten(v, keys)
    elif isinstance(value, list):
        for v in value:
            out += flatten(v, keys)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, (int, float)):
        out.append(fmt_num(value))
    else:
        out.append(str(value))
    return out


def product_text(product):
    """The product's own text: all values (and non-ASCII spec keys), normalised, one per line."""
    p = {k: v for k, v in product.items() if k != "qa"}
    return "\n".join(norm(s) for s in flatten(p, keys=True))


# ---------------------------------------------------------------------------
# Fact-like spans

NUM_UNIT = (r"(?:元|块|件|天|小时|分钟|千克|公斤|kg|克|g|斤|毫升|ml|升|mah|码|岁|cm|厘米|mm|毫米|米|m|个月|月|年|"
            r"折|%|倍|w|瓦|英寸|寸|度|℃|l|包|袋|盒|瓶|支|片|粒|双|套|只|个|条|人|单|次|层|款|种|色)?")
NUM_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:块(\d)(?![\d.]))?\s?(" + NUM_UNIT + ")")
ORDINAL_RE = re.compile(r"第\s?\d+")
LIST_MARK_RE = re.compile(r"(?:^|(?<=[\s,，。！!？?；;：:]))\d{1,2}\s?[.、)](?![\d、])")
COUNTDOWN_RE = re.compile(r"(?<![\d.])(?:5[\s、,.!…-]+4[\s、,.!…-]+)?3[\s、,.!…-]+2[\s、,.!…-]+1(?![\d.])")

COLOUR_BASE = "红橙黄绿青蓝紫黑白灰粉棕褐金银"
COLOUR_MOD = ("深|浅|亮|暗|纯|淡|嫩|粉|墨|藏|宝|天|湖|海军|海|雾霾|雾|奶|米|酒|玫|橄榄|象牙|珍珠|烟|冰|军|银|"
              "玫瑰|樱花|薄荷|香芋|宝石|星空|太空|深空|曜石|午夜|月光|克莱因|牛油果|柠檬|姜|鹅|土|枣|砖|铁|炭|碳|乳|亚麻")
COLOUR_NAMED = ["卡其", "藏青", "米白", "酒红", "咖啡色", "驼色", "杏色", "香槟色", "香槟金", "燕麦色", "奶茶色",
                "巧克力色", "焦糖色", "橘色", "橘红", "咖色", "裸色", "肤色款", "莫兰迪色", "马卡龙色", "透明色"]
COLOUR_RE = re.compile("(?:" + "|".join(sorted(COLOUR_NAMED, key=len, reverse=True)) + ")色?"
                       "|(?<!漂)(?:" + COLOUR_MOD + ")[" + COLOUR_BASE + "]色?"
                       "|[" + COLOUR_BASE + "]色(?!环保|食品|健康|出行|无公害|生活)")
SIZE_RE = re.compile(r"(?<![a-z0-9])(?:[2-6]xl|x{1,4}l|x{1,3}s|s|m|l)(?![a-z0-9])|均码|加大码")
COURIERS = ["顺丰", "中通", "圆通", "申通", "韵达", "京东", "邮政", "ems", "极兔", "德邦", "百世"]
COURIER_RE = re.compile("|".join(COURIERS))
# (name, pattern in a script, pattern whose presence in the product supports it)
CLAIMS = [
    ("free shipping", r"包邮|免邮|免运费|运费全免", r"包邮|免邮|免运费|运费全免"),
    ("no-reason returns", r"无理由", r"无理由"),
    ("returns", r"退换|退货|换货|包退|包换|退款|可退|能退", r"退换|退货|换货|包退|包换|退款|可退|无理由"),
    ("shipping insurance", r"运费险", r"运费险"),
    ("stock", r"库存|现货|有货|仅剩|还剩|限量", r"库存|现货|有货|仅剩|还剩|限量"),
    ("warranty", r"保修|质保|保固", r"保修|质保|保固"),
    ("genuine", r"正品", r"正品"),
    ("fake-pays", r"假一赔", r"假一赔"),
]
NEG_BEFORE_RE = re.compile(r"(?:不|无|没|非|暂不|不支持|不提供|不能|不可)$")
GIFT_RE = re.compile(r"赠送|附赠|加赠|附送|加送|再送|还送|赠|送")
GIFT_NOT_RE = re.compile(r"配送|送货|送达|发送|运送|递送|快送|送上门|送到|送给|送人|送礼|护送|输送|传送|推送|接送|欢送")
GIFT_OBJ_SKIP_RE = re.compile(r"^(?:给)?(?:你们|您|你|大家|宝宝们|宝宝|家人们|姐妹们|朋友们)?"
                              r"(?:\d+|[一二两三四五六七八九十]+)?(?:个|件|份|张|双|支|瓶|盒|套|包|条|只|款|次)?")
GIFT_VAGUE = ("礼", "好礼", "礼品", "赠品", "福利", "惊喜", "礼物", "小礼物", "神秘礼物", "好礼相送")


def _blank(text, spans):
    """text with each (start, end) span overwritten by spaces (positions kept)."""
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = " "
    return "".join(chars)


def extract_numbers(text, skip_markers=True):
    """[(value, unit, span_text, (start, end))] for every number in normalised text.
    With skip_markers, ordinals (第2), list markers ("1." at a line start) and
    countdowns (3、2、1) are not numbers."""
    if skip_markers:
        marks = [m.span() for r in (ORDINAL_RE, LIST_MARK_RE, COUNTDOWN_RE) for m in r.finditer(text)]
        text = _blank(text, marks)
    out = []
    for m in NUM_RE.finditer(text):
        v = float(m.group(1).replace(",", ""))
        if m.group(2):
            v = float(m.group(1).replace(",", "") + "." + m.group(2))  # 9块9 = 9.9
        out.append((v, m.group(3), m.group(0).strip(), m.span()))
    return out


UNIT_CLASS = {}
for _cls, _units in {"money": "元 块", "weight": "千克 公斤 kg 克 g 斤", "volume": "毫升 ml 升 l", "charge": "mah",
                     "length": "cm 厘米 mm 毫米 米 m 英寸 寸", "time": "天 小时 分钟 个月 月 年",
                     "share": "% 折", "power": "w 瓦", "age": "岁", "temperature": "度 ℃"}.items():
    for _u in _units.split():
        UNIT_CLASS[_u] = _cls


def unit_class(unit):
    """'' (no unit, or a counting word such as 件/个), or the unit's class (money, weight, ...)."""
    return UNIT_CLASS.get(unit or "", "")


def _size_key(tok):
    tok = tok.lower()
    m = re.fullmatch(r"(x+)(l)", tok)
    if m and len(m.group(1)) >= 2:
        return "%dxl" % len(m.group(1))
    return tok


def product_facts(product):
    """What the support checks need to know about one product."""
    text = product_text(product)
    flat = text.replace("\n", " ")
    nums = {}  # value -> the unit classes it occurs with ('' = bare)
    for v, unit, _, _ in extract_numbers(text, skip_markers=False):
        nums.setdefault(round(v, 4), set()).add(unit_class(unit))
    size_numbers = set()
    for k, v in (product.get("specs") or {}).items():
        if k.lower() == "size" or "尺码" in k or "码" == k:
            size_numbers |= {round(x, 4) for x, _, _, _ in extract_numbers(norm(" ".join(flatten(v))), False)}
    size_numbers |= {round(float(x), 4) for x in re.findall(r"(\d+(?:\.\d+)?)码", text)}
    derived = set()
    price, orig = product.get("price"), product.get("original_price")
    if isinstance(price, (int, float)):
        derived.add(round(float(price), 4))
        if isinstance(orig, (int, float)) and orig > price:
            derived.add(round(float(orig) - float(price), 4))  # the saving
        promo = product.get("promotion")
        if isinstance(promo, str):
            for v, _, _, _ in extract_numbers(norm(promo), skip_markers=False):
                if 0 < v < price:
                    derived.add(round(float(price) - v, 4))  # price after a reduction
    list_lengths = set()
    for v in list(product.values()) + list((product.get("specs") or {}).values()):
        if isinstance(v, list) and v:
            list_lengths.add(len(v))
    colours = {m.group(0).rstrip("色") for m in COLOUR_RE.finditer(text)}
    specs = product.get("specs") or {}
    for k, v in specs.items():
        if k.lower() in ("colour", "color", "colours", "colors") or "颜色" in k or "色" == k:
            for s in flatten(v):
                for part in re.split(r"[/,、，;；]", norm(s)):
                    if part.strip():
                        colours.add(part.strip().rstrip("色"))
    sizes = {_size_key(m.group(0)) for m in SIZE_RE.finditer(text)}
    gift_texts = [compact(s) for s in flatten(product.get("gifts") or [])]
    for m in GIFT_RE.finditer(flat):
        ctx = flat[max(0, m.start() - 2):m.end() + 2]
        if not GIFT_NOT_RE.search(ctx):
            gift_texts.append(re.sub(r"\s", "", flat[m.end():m.end() + 12]))
    has_gift = bool(product.get("gifts")) or bool(gift_texts)
    stock = product.get("stock")
    if isinstance(stock, (int, float)) and not isinstance(stock, bool) and stock > 0:
        flat += " 库存"  # a stock count supports 库存/现货/有货
    for d in derived:
        nums.setdefault(d, set()).add("")
    return {"text": flat, "compact": flat.replace(" ", ""), "numbers": nums, "size_numbers": size_numbers,
            "list_lengths": list_lengths,
            "colours": colours, "sizes": sizes, "gift_texts": gift_texts, "has_gift": has_gift}


def _bigrams(s):
    s = re.sub(r"[^\w]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _claim_supported(pattern, text):
    for m in re.finditer(pattern, text):
        if not NEG_BEFORE_RE.search(text[max(0, m.start() - 4):m.start()]):
            return True
    return False


def fact_spans(script, product, facts=None):
    """Every fact-like span of a script: [{"kind", "text", "supported"}]."""
    pf = facts or product_facts(product)
    text = norm(script)
    spans = []
    taken = []

    def add(kind, s, e, ok):
        spans.append({"kind": kind, "text": text[s:e], "supported": bool(ok)})
        taken.append((s, e))

    for m in SIZE_RE.finditer(text):
        add("size", m.start(), m.end(), _size_key(m.group(0)) in pf["sizes"])
    for m in COURIER_RE.finditer(text):
        add("courier", m.start(), m.end(), m.group(0) in pf["compact"])
    for m in COLOUR_RE.finditer(text):
        core = m.group(0).rstrip("色")
        add("colour", m.start(), m.end(), any(core in c for c in pf["colours"]))
    for name, pat, support in CLAIMS:
        for m in re.finditer(pat, text):
            if NEG_BEFORE_RE.search(text[max(0, m.start() - 4):m.start()]):
                continue  # "不支持退货" claims nothing
            add("claim:" + name, m.start(), m.end(), _claim_supported(support, pf["compact"]))
    for m in GIFT_RE.finditer(text):
        ctx = text[max(0, m.start() - 2):m.end() + 2]
        if GIFT_NOT_RE.search(ctx):
            continue
        rest = re.split(r"[,.!?;:，。！？；：、\s~～…)(（）]", text[m.end():m.end() + 10])[0]
        obj = GIFT_OBJ_SKIP_RE.sub("", rest)
        if not obj and rest:  # 买一送一: the whole phrase must be in the product
            spans.append({"kind": "gift", "text": text[m.start():m.end() + len(rest)],
                          "supported": compact(text[max(0, m.start() - 2):m.end() + len(rest)]) in pf["compact"]})
            continue
        if not obj or obj.startswith("运费险") or re.match(r"^[的了给到出走过完达货]", obj):
            continue
        if obj in GIFT_VAGUE or any(obj.startswith(v) for v in GIFT_VAGUE if len(v) > 1):
            ok = pf["has_gift"]
        else:
            grams = _bigrams(obj)
            ok = any(g in gt for g in grams for gt in pf["gift_texts"])
        spans.append({"kind": "gift", "text": text[m.start():m.end() + len(rest)], "supported": bool(ok)})
    rest_text = _blank(text, taken)
    for v, unit, s_text, _ in extract_numbers(rest_text):
        v = round(v, 4)
        if unit == "码":  # 38码 is a size: the product must list that size
            spans.append({"kind": "size", "text": s_text, "supported": v in pf["size_numbers"]})
            continue
        classes = pf["numbers"].get(v, set())
        cls = unit_class(unit)
        ok = bool(classes) and (cls == "" or "" in classes or cls in classes)
        ok = ok or (unit in ("种", "款", "色", "个") and v in pf["list_lengths"])
        spans.append({"kind": "number", "text": s_text, "supported": bool(ok)})
    return spans


def invented(script, product):
    """The unsupported fact-like spans of a script (empty: no invented fact)."""
    return [s for s in fact_spans(script, product) if not s["supported"]]


def has_name(script, product):
    return compact(product["name"]) in compact(script)


def has_price(script, product):
    p = product.get("price")
    return isinstance(p, (int, float)) and any(abs(v - p) < 1e-6 for v, _, _, _ in extract_numbers(norm(script)))


# ---------------------------------------------------------------------------
# Script structure

OPENING_RE = re.compile(r"欢迎|大家好|家人们|宝宝们|宝子们|姐妹们|朋友们|兄弟们|各位|哈喽|hello|hi|嗨|来来来|直播间|晚上好|下午好|上午好|早上好")
CTA_RE = re.compile(r"下单|拍下|去拍|快拍|拍它|拍起来|抢|链接|购物车|小黄车|点击|冲|入手|带走|上车|手慢无|赶紧|抓紧|快去|加购|买它|库存有限|错过")
SENT_SPLIT_RE = re.compile(r"[。！？!?；;\n]+|(?<!\d)\.(?!\d)|…+")


def sentences(text):
    return [s for s in SENT_SPLIT_RE.split(norm(text)) if re.search(r"\w", s)]


def covered(phrase, script_compact, threshold=0.5):
    """A phrase (a selling point, the promotion) counts as carried when at least
    half of its character bigrams occur in the script."""
    grams = _bigrams(compact(phrase))
    return bool(grams) and sum(g in script_compact for g in grams) / len(grams) >= threshold


def structure(script, product):
    sents = sentences(script)
    first = sents[0] if sents else ""
    sc = compact(script)
    sps = [s for s in product.get("selling_points") or [] if isinstance(s, str) and s.strip()]
    need = min(3, len(sps))
    n_sp = sum(covered(s, sc) for s in sps)
    promo = product.get("promotion")
    promo_ok = None
    if isinstance(promo, str) and promo.strip():
        pnums = [v for v, _, _, _ in extract_numbers(norm(promo), skip_markers=False)]
        snums = {round(v, 4) for v, _, _, _ in extract_numbers(norm(script))}
        promo_ok = covered(promo, sc) or (bool(pnums) and all(round(v, 4) in snums for v in pnums))
    return {"opening": bool(OPENING_RE.search(first[:60])), "selling_points": n_sp >= need if need else True,
            "selling_points_carried": n_sp, "price": has_price(script, product), "promotion": promo_ok,
            "call_to_action": bool(CTA_RE.search(norm(script)))}


def repeated_4gram_share(text):
    t = re.sub(r"[^\w]", "", norm(text))
    grams = [t[i:i + 4] for i in range(len(t) - 3)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


# ---------------------------------------------------------------------------
# Answers and declines

# Phrases with a negation that do not refuse anything.
NOT_REFUSAL_RE = re.compile(r"没问题|没关系|没错|没毛病|没得说|不错|不用担心|不客气|不会后悔|不贵|不可错过|不能错过|"
                            r"无理由|无忧|无线|是不是|有没有|能不能|可不可以|支不支持|包不包")
NEG_RE = re.compile(r"没有|没|暂无|暂不|暂时不|无法|并无|无此|不支持|不提供|不包|不含|不送|不能|不可以|不可|不行|不在|"
                    r"不是|不卖|不发|不赠|未提供|未提及|未说明|未|缺货|断货|售罄|抱歉|不清楚|不确定|不知道|不了解")
ONLY_RE = re.compile(r"只有|仅有|仅支持|仅提供|仅限|只支持|只提供|只能")
SHORT_AFFIRM_RE = re.compile(r"^(?:是的|是|可以的?|有的|有哦|有呢|有|支持的?|当然(?:可以|有)?|对的?|能的?|包的|会的)"
                             r"(?:哦|呢|哈|呀|啊|~)*$")
CLAUSE_SPLIT_RE = re.compile(r"[,，。！？!?；;\n]+|(?=但是|不过|可是|但)")


def contains_value(text, expected):
    """Whether text (an answer, a clause) contains expected: NFKC and case
    folded; a numeric expected value must equal a number in the text; an
    ASCII token (XL, EMS) must stand alone (XL is not in 2XL; XXL = 2XL)."""
    t, e = compact(text), compact(expected)
    if not e:
        return False
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([^\da-z]{0,3})", e)
    if m:
        v = float(m.group(1))
        return any(abs(x - v) < 1e-6 for x, _, _, _ in extract_numbers(t, skip_markers=False))
    if re.fullmatch(r"[a-z0-9]+", e):
        # Tokens of the spaced text: compacting would glue "iphone 15" into one.
        key, spaced = _size_key(e), norm(text)
        return any(_size_key(tok) == key for tok in re.findall(r"[a-z0-9]+", spaced)) or \
            re.search(r"(?<![a-z0-9])" + re.escape(e) + r"(?![a-z0-9])", spaced) is not None
    return e in t


def _neg(clause):
    return bool(NEG_RE.search(NOT_REFUSAL_RE.sub("", clause)))


def refuses(answer):
    """A clear refusal or not-available statement somewhere in the answer."""
    a = NOT_REFUSAL_RE.sub("", compact(answer))
    return bool(NEG_RE.search(a) or ONLY_RE.search(a))


def affirms(answer, expected):
    """The answer affirms expected: a clause names it without a negation, or the
    answer opens with a bare yes (是的/可以/有的/支持…)."""
    clauses = [c for c in CLAUSE_SPLIT_RE.split(compact(answer)) if c]
    if any(contains_value(c, expected) and not _neg(c) and not ONLY_RE.search(c) for c in clauses):
        return True
    return bool(clauses) and bool(SHORT_AFFIRM_RE.match(clauses[0]))


def decline_verdict(answer, expected):
    r, a = refuses(answer), affirms(answer, expected)
    return {"refuses": r, "affirms": a, "declined": r and not a, "decline_with_affirmation": r and a}


def short_answer(answer):
    return 1 <= len(sentences(answer)) <= 2


# ---------------------------------------------------------------------------
# Baselines

def _num_text(v):
    return fmt_num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def _join(v):
    return "/".join(str(x) for x in v) if isinstance(v, list) else _num_text(v)


def baseline_script(product):
    """A 15-line template script filled from the fields."""
    p = product
    sps = p.get("selling_points") or []
    lines = ["大家好，欢迎来到直播间！",
             "今天给大家带来的是：%s。" % p["name"],
             ("这是一款%s好物。" % p["category"]) if p.get("category") else "这款好物，很多宝宝都在问。",
             ("特别适合%s。" % p["audience"]) if p.get("audience") else "日常使用都很合适。",
             "先说说它的卖点："]
    lines += ["卖点：%s。" % s for s in sps[:5]]
    specs = p.get("specs") or {}
    if specs:
        lines.append("规格：" + "；".join("%s %s" % (k, _join(v)) for k, v in specs.items()) + "。")
    if p.get("original_price") is not None:
        lines.append("原价%s元，今天直播间只要%s元！" % (_num_text(p["original_price"]), _num_text(p["price"])))
    else:
        lines.append("今天直播间价格%s元！" % _num_text(p["price"]))
    if p.get("promotion"):
        lines.append("活动：%s。" % p["promotion"])
    for k in ("shipping", "returns"):
        if p.get(k):
            lines.append("%s。" % p[k])
    while len(lines) < 13:
        lines.append("喜欢的宝宝可以多看看。")
    lines = lines[:13] + ["心动的宝宝们，赶紧点击下方链接下单吧！", "感谢大家的支持，我们下一款见！"]
    return "\n".join(lines)


QA_FIELDS = [  # (keyword pattern in a question, product field or specs key, label)
    (r"多少钱|价格|价钱|几块|多少元|售价|贵不贵", "price", "价格"),
    (r"原价", "original_price", "原价"),
    (r"优惠|活动|便宜|折扣|打折|满减|立减|券", "promotion", "优惠"),
    (r"尺码|码数|尺寸|大小|码|(?<![a-z0-9])(?:[2-6]?xl|x{1,3}s|s|m|l)(?![a-z0-9])|均码", "specs.size", "尺码"),
    (r"颜色|什么色|几个色|颜色分类|色", "specs.colour", "颜色"),
    (r"材质|面料|什么做的|成分|材料", "specs.material", "材质"),
    (r"容量|多大容量|毫升|mah", "specs.capacity", "容量"),
    (r"重量|多重|几斤|多少克", "specs.weight", "重量"),
    (r"退|换|售后|无理由|运费险", "returns", "售后"),
    (r"快递|发货|物流|包邮|几天到|运费|邮费|顺丰|中通|圆通|申通|韵达|京东|邮政|ems|极兔|德邦", "shipping", "发货"),
    (r"库存|现货|有货|还有吗|货多|卖完", "stock", "库存"),
    (r"赠|送|礼品|赠品", "gifts", "赠品"),
    (r"适合|人群|谁用|什么人", "audience", "适合人群"),
    (r"卖点|特点|好在哪|有什么好", "selling_points", "卖点"),
    (r"类目|分类|什么类", "category", "类目"),
]


def _field(product, path):
    if path.startswith("specs."):
        specs = product.get("specs") or {}
        key = path[6:]
        cn = {"size": "尺码", "colour": "颜色", "material": "材质", "capacity": "容量", "weight": "重量"}[key]
        for k in (key, cn, {"colour": "color"}.get(key, key)):
            if specs.get(k) not in (None, "", []):
                return specs[k]
        return None
    v = product.get(path)
    return None if v in ("", []) else v


def baseline_answer(question, product):
    """A field-lookup answerer: the first keyword group that matches names a
    field; the answer is that field's value, or a decline when the field is
    absent or the asked size/colour/courier is not in it."""
    q = norm(question)
    for pat, path, label in QA_FIELDS:
        if not re.search(pat, q):
            continue
        value = _field(product, path)
        if value is None:
            return "抱歉，商品信息里没有提到%s。" % label
        vtext = norm(_join(value))
        if path == "specs.size":
            asked = {_size_key(m.group(0)) for m in SIZE_RE.finditer(q)}
            have = {_size_key(m.group(0)) for m in SIZE_RE.finditer(vtext)}
            missing = sorted(asked - have)
            if missing:
                return "抱歉，没有%s，只有%s。" % ("/".join(x.upper() for x in missing), _join(value))
        if path == "specs.colour":
            asked = {m.group(0) for m in COLOUR_RE.finditer(q)}
            missing = sorted(c for c in asked if c.rstrip("色") not in vtext)
            if missing:
                return "抱歉，没有%s，只有%s。" % ("、".join(missing), _join(value))
        if path == "shipping":
            missing = [c for c in COURIER_RE.findall(q) if c not in vtext]
            if missing:
                return "抱歉，不发%s，%s。" % ("、".join(missing), _join(value))
        for name, pat2, support in CLAIMS:
            if re.search(pat2, q) and not _claim_supported(support, compact(_join(value))) and \
                    not _claim_supported(support, product_facts(product)["compact"]):
                return "抱歉，不支持%s。" % re.search(pat2, q).group(0)
        unit = "元" if path in ("price", "original_price") else ""
        return "%s：%s%s。" % (label, _join(value), unit)
    return "抱歉，这个问题商品信息里没有提到。"


INTENT_RULES = [  # first match wins
    ("complaint", r"差评|太差|很差|垃圾|骗|假货|坑|失望|投诉|退款|破了|坏了|质量不行|不好用|难用|掉色|起球|太慢|还没到|没发货|客服不|态度|上当|智商税|翻车"),
    ("shipping", r"发货|快递|物流|包邮|几天到|到货|邮费|运费|顺丰|发什么"),
    ("price", r"多少钱|价格|价钱|几块|优惠|便宜|贵|券|折扣|打折|划算|多少米"),
    ("spec", r"尺码|码|颜色|色|材质|面料|多大|多重|容量|尺寸|身高|体重|斤|厘米|cm|适合|能用|防水|保暖"),
    ("purchase", r"已拍|拍了|下单|买了|入手|链接|上车|抢到|抢|怎么买|拍|付款|加购|囤|回购"),
    ("praise", r"好看|漂亮|喜欢|爱了|赞|棒|绝了|好用|不错|美|真香|种草|yyds|推荐|👍|❤|好评"),
]
POS_RE = re.compile(r"好看|漂亮|喜欢|爱了|赞|棒|绝了|好用|不错|美|真香|种草|yyds|👍|❤|哈哈|开心|期待|谢谢|感谢|支持|好评|已拍|拍了|入手|划算|值")
NEG_SENT_RE = re.compile(INTENT_RULES[0][1] + r"|贵|不好|不行|难|烦|无语|气|差|慢|坑|假")


def baseline_comment(text):
    t = norm(text)
    intent = next((name for name, pat in INTENT_RULES if re.search(pat, t)), "other")
    neg, pos = bool(NEG_SENT_RE.search(t)), bool(POS_RE.search(t))
    sentiment = "negative" if neg and not pos else "positive" if pos and not neg else \
        ("negative" if intent == "complaint" else "neutral")
    return intent, sentiment


# ---------------------------------------------------------------------------
# Running the apps

def _run(cmd, timeout):
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 124, out, "timeout", time.monotonic() - t0


def _json_lines(text):
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def facts_text(facts):
    """script-gen's "facts" as text: the values of [{"field", "value"}] items
    (field labels such as 卖点1 are not facts), or every value otherwise."""
    items = facts if isinstance(facts, list) else [facts]
    return "\n".join(" ".join(flatten(x["value"] if isinstance(x, dict) and "value" in x else x)) for x in items)


def run_script_gen(bin_dir, model, product_path, timeout=600):
    cmd = [os.path.join(bin_dir, "script-gen"), "--json", "--temp", "0"] + (["--model", model] if model else [])
    rc, out, err, wall = _run(cmd + [product_path], timeout)
    rows = _json_lines(out)
    row = rows[-1] if rows else {}
    return {"rc": rc, "wall_s": wall, "script": row.get("script", "") if rc == 0 else "", "facts": row.get("facts"),
            "tokens": row.get("tokens"), "tokens_per_s": row.get("tokens_per_s"),
            "stderr": err.strip().splitlines()[-1:] if rc else []}


def run_live_qa(bin_dir, model, product_path, questions, tmp, timeout=600):
    qpath = os.path.join(tmp, "questions.txt")
    with open(qpath, "w", encoding="utf-8") as f:
        f.write("".join(re.sub(r"\s+", " ", q).strip() + "\n" for q in questions))
    cmd = [os.path.join(bin_dir, "live-qa")] + (["--model", model] if model else []) + ["--questions", qpath]
    rc, out, err, wall = _run(cmd + [product_path], timeout)
    rows = _json_lines(out)
    return {"rc": rc, "wall_s": wall, "rows": rows, "stderr": err.strip().splitlines()[-1:] if rc else []}


def run_comment_analysis(bin_dir, model, comments, tmp, timeout=1200):
    """Per-comment predictions {index: (intent, sentiment, spam)} from --jsonl, or
    from report.json's "comments" when this comment-analysis has no --jsonl."""
    path = os.path.join(tmp, "comments.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for c in comments:
            f.write(json.dumps({k: c[k] for k in ("t", "user", "text") if k in c}, ensure_ascii=False) + "\n")
    out_dir = os.path.join(tmp, "ca_out")
    base = [os.path.join(bin_dir, "comment-analysis")] + (["--model", model] if model else []) + ["--out", out_dir]
    rc, out, err, wall = _run(base[:1] + ["--jsonl"] + base[1:] + [path], timeout)
    source = "--jsonl"
    rows = [r for r in _json_lines(out) if r.get("type") == "comment"] if rc == 0 else []
    if rc != 0 or not rows:
        rc, out, err, wall = _run(base + [path], timeout)
        source = "report.json"
        rows = []
        if rc == 0:
            try:
                with open(os.path.join(out_dir, "report.json"), encoding="utf-8") as f:
                    rows = json.load(f).get("comments", [])
            except (OSError, ValueError):
                rows = []
    preds = {}
    if rows and all("line" in r for r in rows):
        for r in rows:
            preds[int(r["line"]) - 1] = r
    else:  # match rows to comments in order by their text
        i = 0
        for r in rows:
            while i < len(comments) and comments[i]["text"] != r.get("text") and \
                    comments[i]["text"].strip() != str(r.get("text", "")).strip():
                i += 1
            if i < len(comments):
                preds[i] = r
                i += 1
    cps = None
    m = re.search(r"throughput:\s*([\d.]+)\s*comments/s", out)
    if m:
        cps = float(m.group(1))
    result = {}
    if cps is None:
        try:
            with open(os.path.join(out_dir, "report.json"), encoding="utf-8") as f:
                cps = json.load(f).get("throughput", {}).get("comments_per_s")
        except (OSError, ValueError, AttributeError):
            pass
    for i, r in preds.items():
        if r.get("intent") is None:
            continue  # a row without a label (a dropped comment) is no prediction
        intent = "other" if r.get("spam") else r.get("intent")
        result[i] = {"intent": intent, "sentiment": r.get("sentiment"), "spam": bool(r.get("spam"))}
    return {"rc": rc, "wall_s": wall, "source": source, "preds": result, "comments_per_s": cps,
            "stderr": err.strip().splitlines()[-1:] if rc else []}


# ---------------------------------------------------------------------------
# Scoring

def pct(k, n):
    return "—" if not n else "%.0f%% (%d/%d)" % (100.0 * k / n, k, n)


def percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(-(-q * len(xs) // 100)) - 1))  # nearest rank
    return xs[k]


def score_scripts(items):
    """items: [(script, product)] -> counts."""
    n = len(items)
    c = {"n": n, "name_price": 0, "no_invented": 0, "opening": 0, "selling_points": 0, "price": 0,
         "promotion": 0, "promotion_n": 0, "call_to_action": 0, "rep4": []}
    details = []
    for script, product in items:
        bad = invented(script, product)
        st = structure(script, product)
        c["name_price"] += has_name(script, product) and has_price(script, product)
        c["no_invented"] += not bad
        for k in ("opening", "selling_points", "price", "call_to_action"):
            c[k] += st[k]
        if st["promotion"] is not None:
            c["promotion_n"] += 1
            c["promotion"] += st["promotion"]
        c["rep4"].append(repeated_4gram_share(script))
        details.append({"invented": bad, "structure": st, "name": has_name(script, product)})
    return c, details


def score_answers(items):
    """items: [(answer, kind, expected)] -> counts."""
    c = {"answer_n": 0, "answered": 0, "decline_n": 0, "declined": 0, "decline_affirm": 0, "affirmed_only": 0,
         "short": 0, "n": 0}
    details = []
    for answer, kind, expected in items:
        c["n"] += 1
        c["short"] += short_answer(answer)
        if kind == "answer":
            c["answer_n"] += 1
            ok = contains_value(answer, expected)
            c["answered"] += ok
            details.append({"ok": ok})
        else:
            c["decline_n"] += 1
            v = decline_verdict(answer, expected)
            c["declined"] += v["declined"]
            c["decline_affirm"] += v["decline_with_affirmation"]
            c["affirmed_only"] += v["affirms"] and not v["refuses"]
            details.append(v)
    return c, details


def score_comments(gold, preds):
    """gold: [(intent, sentiment)]; preds: {i: (intent, sentiment)} (missing: other/neutral)."""
    n = len(gold)
    c = {"n": n, "intent": 0, "sentiment": 0, "complaint_n": 0, "complaint_hit": 0, "missing": 0}
    for i, (gi, gs) in enumerate(gold):
        p = preds.get(i)
        if p is None:
            c["missing"] += 1
            p = ("other", "neutral")
        c["intent"] += p[0] == gi
        c["sentiment"] += p[1] == gs
        if gi == "complaint":
            c["complaint_n"] += 1
            c["complaint_hit"] += p[0] == "complaint"
    return c


def load_jsonl(path, limit=None):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
                if limit and len(rows) >= limit:
                    break
    return rows


def default_set_dir():
    shared = os.environ.get("LIVEFORMER_SHARED")
    if shared:
        return os.path.join(shared, "eval", "dev")
    return os.path.join(os.path.dirname(REPO), "shared", "eval", "dev")


def evaluate(set_dir, bin_dir, model=None, limit=None, log=sys.stderr):
    products = load_jsonl(os.path.join(set_dir, "products.jsonl"), limit)
    comments_path = os.path.join(set_dir, "comments.jsonl")
    comments = load_jsonl(comments_path, limit) if os.path.exists(comments_path) else []
    out = {"set": set_dir, "apps": bin_dir, "model": model, "products": [], "comments": {}}
    app_scripts, base_scripts, app_answers, base_answers = [], [], [], []
    script_wall, qa_wall, latencies, tps, n_answers = 0.0, 0.0, [], [], 0
    facts_lists = facts_bad = 0
    with tempfile.TemporaryDirectory(prefix="eval_apps_") as tmp:
        for i, prod in enumerate(products):
            product = {k: v for k, v in prod.items() if k != "qa"}
            qa = prod.get("qa") or []
            ppath = os.path.join(tmp, "product.json")
            with open(ppath, "w", encoding="utf-8") as f:
                json.dump(product, f, ensure_ascii=False)
            print("eval_apps: product %d/%d %s" % (i + 1, len(products), product.get("name")), file=log, flush=True)
            sg = run_script_gen(bin_dir, model, ppath)
            script_wall += sg["wall_s"]
            if sg["tokens_per_s"]:
                tps.append(sg["tokens_per_s"])
            if sg["facts"] is not None:
                facts_lists += 1
                ftext = facts_text(sg["facts"])
                facts_bad += bool(invented(ftext, product))
            app_scripts.append((sg["script"], product))
            base_scripts.append((baseline_script(product), product))
            rec = {"name": product.get("name"), "script": sg["script"], "script_rc": sg["rc"],
                   "script_stderr": sg["stderr"], "facts": sg["facts"], "baseline_script": base_scripts[-1][0],
                   "qa": []}
            if qa:
                lq = run_live_qa(bin_dir, model, ppath, [q[0] for q in qa], tmp)
                qa_wall += lq["wall_s"]
                rows = lq["rows"]
                for j, (question, kind, expected) in enumerate(qa):
                    row = rows[j] if j < len(rows) else {}
                    answer = row.get("answer", "") if "error" not in row else ""
                    if "latency_ms" in row:
                        latencies.append(float(row["latency_ms"]))
                    if row:
                        n_answers += 1
                    base = baseline_answer(question, product)
                    app_answers.append((answer, kind, expected))
                    base_answers.append((base, kind, expected))
                    rec["qa"].append({"question": question, "kind": kind, "expected": expected, "answer": answer,
                                      "decision": row.get("decision"), "baseline": base})
                if lq["rc"] != 0:
                    rec["qa_rc"], rec["qa_stderr"] = lq["rc"], lq["stderr"]
            out["products"].append(rec)
        ca = run_comment_analysis(bin_dir, model, comments, tmp) if comments else None
    sc_app, d_app = score_scripts(app_scripts)
    sc_base, d_base = score_scripts(base_scripts)
    qa_app, qd_app = score_answers(app_answers)
    qa_base, qd_base = score_answers(base_answers)
    for rec, da, db in zip(out["products"], d_app, d_base):
        rec["checks"], rec["baseline_checks"] = da, db
    k = 0
    for rec in out["products"]:
        for q in rec["qa"]:
            q["verdict"], q["baseline_verdict"] = qd_app[k], qd_base[k]
            k += 1
    gold = [(c.get("intent"), c.get("sentiment")) for c in comments]
    base_preds = {i: baseline_comment(c["text"]) for i, c in enumerate(comments)}
    cm_base = score_comments(gold, base_preds)
    cm_app = None
    if ca and ca["preds"]:
        cm_app = score_comments(gold, {i: (p["intent"], p["sentiment"]) for i, p in ca["preds"].items()})
    out["comments"] = {"n": len(comments), "app": ca and {k: v for k, v in ca.items() if k != "preds"},
                       "predictions": ca and {str(i): p for i, p in ca["preds"].items()}}
    out["throughput"] = {
        "scripts_per_s": len(app_scripts) / script_wall if script_wall else None,
        "script_tokens_per_s_median": statistics.median(tps) if tps else None,
        "answers_per_s": n_answers / qa_wall if qa_wall else None,
        "latency_ms_median": statistics.median(latencies) if latencies else None,
        "latency_ms_p95": percentile(latencies, 95),
        "comments_per_s": ca and ca["comments_per_s"],
        "comments_per_s_wall": (len(comments) / ca["wall_s"]) if ca and ca["wall_s"] else None,
        "comment_source": ca and ca["source"],
    }
    out["scores"] = {"scripts": {"app": sc_app, "baseline": sc_base}, "qa": {"app": qa_app, "baseline": qa_base},
                     "comments": {"app": cm_app, "baseline": cm_base},
                     "facts_lists": facts_lists, "facts_lists_with_unsupported": facts_bad}
    out["table"] = table(out)
    return out


def table(r):
    s, q, c, t = r["scores"]["scripts"], r["scores"]["qa"], r["scores"]["comments"], r["throughput"]

    def both(fn):
        return fn("app"), fn("baseline")

    rows = []

    def add(label, fn):
        a, b = both(fn)
        rows.append("| %s | %s | %s |" % (label, a, b))

    add("scripts that carry the product's name and price", lambda w: pct(s[w]["name_price"], s[w]["n"]))
    add("scripts with no invented fact", lambda w: pct(s[w]["no_invented"], s[w]["n"]))
    add("answerable questions answered (expected value in the answer)",
        lambda w: pct(q[w]["answered"], q[w]["answer_n"]))
    add("unanswerable questions declined (refusal, no affirmation)",
        lambda w: pct(q[w]["declined"], q[w]["decline_n"]))
    add("unanswerable: declines with an affirmative invention",
        lambda w: pct(q[w]["decline_affirm"], q[w]["decline_n"]))
    add("unanswerable: affirmed without any refusal", lambda w: pct(q[w]["affirmed_only"], q[w]["decline_n"]))

    def cm(w, key, n_key="n"):
        return "unavailable" if not c[w] else pct(c[w][key], c[w][n_key])
    add("comment intent accuracy", lambda w: cm(w, "intent"))
    add("complaint recall", lambda w: cm(w, "complaint_hit", "complaint_n"))
    add("comment sentiment accuracy", lambda w: cm(w, "sentiment"))
    add("script: opening", lambda w: pct(s[w]["opening"], s[w]["n"]))
    add("script: >= 3 selling points (all when fewer)", lambda w: pct(s[w]["selling_points"], s[w]["n"]))
    add("script: price", lambda w: pct(s[w]["price"], s[w]["n"]))
    add("script: promotion (when the product has one)", lambda w: pct(s[w]["promotion"], s[w]["promotion_n"]))
    add("script: call to action", lambda w: pct(s[w]["call_to_action"], s[w]["n"]))
    add("script: repeated 4-gram share (mean)",
        lambda w: "%.1f%%" % (100 * statistics.mean(s[w]["rep4"])) if s[w]["rep4"] else "—")
    add("answers of one or two sentences", lambda w: pct(q[w]["short"], q[w]["n"]))

    def f(x, spec="%.2f"):
        return "—" if x is None else spec % x
    rows.append("| throughput: scripts/s (wall, model load included; median tokens/s) | %s (%s tok/s) | — |"
                % (f(t["scripts_per_s"], "%.3f"), f(t["script_tokens_per_s_median"], "%.1f")))
    rows.append("| throughput: answers/s (wall); latency_ms median / p95 | %s; %s / %s | — |"
                % (f(t["answers_per_s"]), f(t["latency_ms_median"], "%.0f"), f(t["latency_ms_p95"], "%.0f")))
    rows.append("| throughput: comments/s (app's own figure; wall incl. load) | %s; %s | — |"
                % (f(t["comments_per_s"], "%.1f"), f(t["comments_per_s_wall"], "%.1f")))
    head = ["| measure | apps | baseline |", "|---|---|---|"]
    notes = []
    if r["scores"]["facts_lists"]:
        notes.append("script-gen facts lists with an unsupported span: %d/%d"
                     % (r["scores"]["facts_lists_with_unsupported"], r["scores"]["facts_lists"]))
    ca = r["comments"].get("app")
    if ca:
        notes.append("comment predictions from %s; %d of %d comments without a prediction (scored as other/neutral)"
                     % (ca["source"], r["scores"]["comments"]["app"]["missing"] if r["scores"]["comments"]["app"]
                        else r["comments"]["n"], r["comments"]["n"]))
    return "\n".join(head + rows) + ("\n\n" + "\n".join(notes) if notes else "")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default=None, help="set directory (default: $LIVEFORMER_SHARED/eval/dev or ../shared/eval/dev)")
    ap.add_argument("--apps", default=os.path.join(REPO, "build", "examples"), help="directory with the app binaries")
    ap.add_argument("--model", default=None, help="model passed to every app")
    ap.add_argument("--json", default=None, help="write all per-item results to this file")
    ap.add_argument("--limit", type=int, default=None, help="first N products and first N comments only")
    a = ap.parse_args(argv)
    set_dir = a.set or default_set_dir()
    if not os.path.exists(os.path.join(set_dir, "products.jsonl")):
        print("eval_apps: %s/products.jsonl does not exist" % set_dir, file=sys.stderr)
        return 1
    for app in ("script-gen", "live-qa", "comment-analysis"):
        if not os.access(os.path.join(a.apps, app), os.X_OK):
            print("eval_apps: %s is not built in %s" % (app, a.apps), file=sys.stderr)
            return 1
    r = evaluate(set_dir, a.apps, a.model, a.limit)
    r["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(r["table"])
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(r, f, ensure_ascii=False, indent=1, default=list)
    return 0


if __name__ == "__main__":
    sys.exit(main())
