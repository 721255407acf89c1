"""THE prompt formats of the demo model (mirrored in PROMPTS.md).

The apps must build exactly these strings: the model was trained on them and
on nothing else. All three tasks use ChatML; the product information goes in
the system turn, rendered by `render_product`.
"""

from __future__ import annotations

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
