"""Self-test of prompts.render_product_slots against the contract
(/work/notes/slot_format.md); the C++ apps are tested against the function.

  python test_prompts_slots.py
"""

from __future__ import annotations

from prompts import SYSTEM_QA_SLOTS, fill_slots, qa_messages_slots, render_product_slots, script_messages_slots


def test() -> None:
    p = {
        "name": " 【棉语】针织开衫\r\nV领 ", "price": 239.0, "original_price": 399.5, "category": "服装",
        "selling_points": ["亲肤\n不起球", "宽松显瘦"],
        "specs": {"colour": ["米白", "燕麦", "雾霾蓝"], "color": "红", "版型": "宽松", "size": ["S", "M"],
                  "battery": "30小时", "bad": {"x": 1}, "weight": 1.5},
        "promotion": "前100单立减20元", "audience": None, "shipping": "48小时内发货", "stock": 800, "gifts": [],
        "产地": "杭州", "评分": 4.85, "现货": True, "直播专享": False, "tags": ["新品", "爆款"], "qa": [["q", "a"]],
        "meta": {"id": 1}, "价格": 5, "returns": "支持7天无理由",
    }
    want = "\n".join([
        "商品：【棉语】针织开衫  V领", "类目：服装", "价格：239元", "原价：399.5元", "卖点1：亲肤 不起球", "卖点2：宽松显瘦",
        "颜色：米白、燕麦、雾霾蓝", "版型：宽松", "尺码：S、M", "battery：30小时",
        "优惠：前100单立减20元", "发货：48小时内发货", "售后：支持7天无理由", "库存：800件",
        "产地：杭州", "评分：4.85", "现货：是", "直播专享：否", "tags：新品、爆款",
    ])
    got = render_product_slots(p)
    assert got == want, f"\n{got}\n---\n{want}"
    assert render_product_slots({"name": "X", "price": 12.999}) == "商品：X\n价格：13元"
    assert render_product_slots({"name": "X", "price": 0.5, "gifts": ["a", "b"]}) == "商品：X\n价格：0.5元\n赠品：a、b"
    assert fill_slots("只要【价格】，库存【库存】，【颜色】可选，【没有】", p) == "只要239元，库存800件，米白、燕麦、雾霾蓝可选，【没有】"
    assert qa_messages_slots(p, "多少钱")[0][1] == SYSTEM_QA_SLOTS + "\n" + want
    assert script_messages_slots(p)[1] == ("user", "为这个商品写一段直播口播。")
    print("[ok] render_product_slots matches the contract's cases")


if __name__ == "__main__":
    test()
