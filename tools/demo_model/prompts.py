"""THE prompt formats of the demo model (mirrored in PROMPTS.md).

The apps must build exactly these strings: the model was trained on them and
on nothing else. All three tasks use ChatML; the product information goes in
the system turn, rendered by `render_product`.
"""

from __future__ import annotations

import re

from catalog import format_price

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"

# System messages. The product block is appended after a newline.
SYSTEM_SCRIPT = "你是直播间的带货主播。根据下面的商品信息写一段直播口播脚本。"
SYSTEM_QA = "你是直播间的客服助手。只根据下面的商品信息回答观众的问题。"
SYSTEM_CLASSIFY = "判断弹幕的意图和情感。"

INTENTS = ["price", "spec", "shipping", "purchase", "praise", "complaint", "other"]
SENTIMENTS = ["positive", "neutral", "negative"]

SPEC_LABELS = [("size", "尺码"), ("colour", "颜色"), ("material", "材质"), ("capacity", "容量"), ("weight", "重量")]


def render_product(p: dict) -> str:
    """Product JSON -> the text block of the system turn (one field a line).

    Lines, in this order; a line whose field is absent is left out (except
    赠品, which says 无 when the list is empty):
      商品：{name}
      类目：{category}
      价格：{price}元            or  价格：{price}元（原价{original_price}元）
      卖点：{selling_points joined by "；"}
      尺码：{size joined by "/"}   颜色：{colour joined by "/"}
      材质：{material}  容量：{capacity}  重量：{weight}
      优惠：{promotion}
      人群：{audience}
      发货：{shipping}
      售后：{returns}
      库存：{stock}件
      赠品：{gifts joined by "、"}  or  赠品：无
    Prices use format_price (no trailing zeros). No trailing newline.
    """
    lines = [f"商品：{p['name']}", f"类目：{p['category']}"]
    price = f"价格：{format_price(p['price'])}元"
    if p.get("original_price") is not None:
        price += f"（原价{format_price(p['original_price'])}元）"
    lines.append(price)
    lines.append("卖点：" + "；".join(p["selling_points"]))
    specs = p.get("specs", {})
    for key, label in SPEC_LABELS:
        if key not in specs:
            continue
        value = specs[key]
        lines.append(f"{label}：" + ("/".join(value) if isinstance(value, list) else value))
    lines.append(f"优惠：{p['promotion']}")
    lines.append(f"人群：{p['audience']}")
    lines.append(f"发货：{p['shipping']}")
    lines.append(f"售后：{p['returns']}")
    lines.append(f"库存：{p['stock']}件")
    lines.append("赠品：" + ("、".join(p["gifts"]) if p["gifts"] else "无"))
    return "\n".join(lines)


def chatml(messages: list[tuple[str, str]], add_generation_prompt: bool = False) -> str:
    """[(role, content)] -> ChatML text, each turn followed by a newline."""
    out = "".join(f"{IM_START}{role}\n{content}{IM_END}\n" for role, content in messages)
    if add_generation_prompt:
        out += f"{IM_START}assistant\n"
    return out


def script_messages(p: dict, request: str) -> list[tuple[str, str]]:
    return [("system", SYSTEM_SCRIPT + "\n" + render_product(p)), ("user", request)]


def qa_messages(p: dict, question: str) -> list[tuple[str, str]]:
    return [("system", SYSTEM_QA + "\n" + render_product(p)), ("user", question)]


def classify_messages(comment: str) -> list[tuple[str, str]]:
    return [("system", SYSTEM_CLASSIFY), ("user", comment)]


# Classification answer: "意图：{intent}；情感：{sentiment}". Scoring uses the
# shared prefix chatml(classify_messages(c), True) + CLASSIFY_PREFIX and one
# continuation per (intent, sentiment) pair, each ending with <|im_end|>.
CLASSIFY_PREFIX = "意图："


def classify_answer(intent: str, sentiment: str) -> str:
    return f"{CLASSIFY_PREFIX}{intent}；情感：{sentiment}"


def classify_continuations() -> list[tuple[str, str, str]]:
    """(intent, sentiment, text after the shared prefix) for all 21 labels."""
    return [(i, s, f"{i}；情感：{s}{IM_END}") for i in INTENTS for s in SENTIMENTS]


# --- grounded ("slot") format v2 (/work/notes/slot_format.md) ----------------
# The model writes 【label】 where a fact goes; the app replaces each slot by
# the text after "：" on that label's line of the product block. So no
# concrete number, colour, size, courier or policy is ever generated.

SYSTEM_SCRIPT_SLOTS = "你是直播间的带货主播。根据下面的商品信息写一段直播口播脚本，商品信息用【字段】引用。"
SYSTEM_QA_SLOTS = "你是直播间的客服助手。只根据下面的商品信息回答观众的问题，商品信息用【字段】引用，没有的信息要说明没有。"

# Known top-level keys (everything else is an "extra" fact).
SLOT_KNOWN_KEYS = ("name", "price", "original_price", "category", "selling_points", "specs", "promotion",
                   "audience", "shipping", "returns", "stock", "gifts")
SLOT_SPEC_LABELS = {"size": "尺码", "colour": "颜色", "color": "颜色", "material": "材质", "capacity": "容量",
                    "weight": "重量"}


def _slot_clean(text: str) -> str:
    """A value on one line: "\\n" and "\\r" become " ", then trimmed (ASCII whitespace)."""
    return text.replace("\n", " ").replace("\r", " ").strip()


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_str_list(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def slot_lines(p: dict) -> list[tuple[str, str]]:
    """(label, fill) of every line of render_product_slots(p), in order.

    A field is present when its key exists and its value is not None (and has
    the contract's shape); values of other shapes are ignored, in specs too.
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(label, value) -> None:
        # A list keeps its non-blank items; a blank label or value adds no line.
        if isinstance(value, list):
            value = "、".join(c for c in (_slot_clean(v) for v in value) if c)
        label, value = _slot_clean(label), _slot_clean(value)
        if not label or label in seen or not value:
            return  # a repeated label gets no second line
        seen.add(label)
        out.append((label, value))

    def present(key: str) -> bool:
        return p.get(key) is not None

    add("商品", str(p["name"]))
    if isinstance(p.get("category"), str):
        add("类目", p["category"])
    add("价格", f"{format_price(p['price'])}元")
    if _is_number(p.get("original_price")):
        add("原价", f"{format_price(p['original_price'])}元")
    if _is_str_list(p.get("selling_points")):
        for i, point in enumerate(p["selling_points"], 1):
            add(f"卖点{i}", point)
    specs = p.get("specs")
    if isinstance(specs, dict):
        for key, value in specs.items():
            label = SLOT_SPEC_LABELS.get(key, key)
            if isinstance(value, str):
                add(label, value)
            elif _is_str_list(value):
                add(label, value)
    for key, label in (("promotion", "优惠"), ("audience", "人群"), ("shipping", "发货"), ("returns", "售后")):
        if isinstance(p.get(key), str):
            add(label, p[key])
    if _is_number(p.get("stock")):
        add("库存", f"{format_price(p['stock'])}件")
    if _is_str_list(p.get("gifts")) and p["gifts"]:
        add("赠品", p["gifts"])
    for key, value in p.items():
        if key in SLOT_KNOWN_KEYS or not present(key):
            continue
        if isinstance(value, bool):
            add(key, "是" if value else "否")
        elif _is_number(value):
            add(key, format_price(value))
        elif isinstance(value, str):
            add(key, value)
        elif _is_str_list(value):
            add(key, value)
    return out


def render_product_slots(p: dict) -> str:
    """Product JSON -> the product block of the slot format (one "label：value" line a field)."""
    return "\n".join(f"{label}：{value}" for label, value in slot_lines(p))


def slot_fills(p: dict) -> dict[str, str]:
    """{label: fill}: what the app puts in place of each 【label】."""
    return dict(slot_lines(p))


def fill_slots(text: str, p: dict) -> str:
    """Replaces every 【label】 of a generated text by its fill (unknown labels stay as written)."""
    fills = slot_fills(p)
    return re.sub(r"【([^【】]+)】", lambda m: fills.get(m.group(1), m.group(0)), text)


def script_messages_slots(p: dict, request: str = "为这个商品写一段直播口播。") -> list[tuple[str, str]]:
    return [("system", SYSTEM_SCRIPT_SLOTS + "\n" + render_product_slots(p)), ("user", request)]


def qa_messages_slots(p: dict, question: str) -> list[tuple[str, str]]:
    return [("system", SYSTEM_QA_SLOTS + "\n" + render_product_slots(p)), ("user", question)]
