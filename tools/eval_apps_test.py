#!/usr/bin/env python3
"""Self-test of tools/eval_apps.py: the fact checker, the decline judge, the
structure checks and the baselines on hand-written cases, and the whole
command on tests/data/eval_mini with stand-in apps (small Python scripts
that print canned output), so neither ../shared nor a model is needed.

usage: python3 tools/eval_apps_test.py   (CTest: eval_checker)
"""

import os
import stat
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import eval_apps as E  # noqa: E402

PRODUCT = {
    "name": "暖阳轻羽羽绒服K3", "category": "服装", "price": 239.0, "original_price": 399,
    "selling_points": ["90白鸭绒充绒量足", "防风防泼水面料", "高立体护颈"],
    "specs": {"size": ["S", "M", "L", "XL", "XXL"], "colour": ["燕麦色", "曜石黑", "雾霾蓝"],
              "material": "白鸭绒", "weight": "680g"},
    "promotion": "今晚下单立减40元，再送同款收纳袋", "audience": "上班族",
    "shipping": "48小时内发货，顺丰，全国包邮", "returns": "支持七天无理由退货，赠运费险", "stock": 860,
    "gifts": ["收纳袋"],
}
BARE = {"name": "清泉便携榨汁杯", "price": 89.9, "selling_points": ["一键启动", "USB充电"],
        "specs": {"capacity": "350ml"}}


def kinds(script, product=PRODUCT):
    return sorted((s["kind"], s["text"]) for s in E.invented(script, product))


class FactChecker(unittest.TestCase):
    def test_supported_price_and_name(self):
        s = "大家好！暖阳轻羽羽绒服K3今天只要239元，原价399元！"
        self.assertEqual(kinds(s), [])
        self.assertTrue(E.has_name(s, PRODUCT) and E.has_price(s, PRODUCT))

    def test_numbers_compare_as_numbers(self):
        self.assertEqual(kinds("到手239.0元"), [])
        self.assertEqual(kinds("到手２３９元"), [])  # full-width digits
        self.assertEqual(kinds("价格二百三十九元"), [])  # Chinese numeral before a unit
        self.assertEqual(kinds("只要2390元"), [("number", "2390元")])
        self.assertEqual(kinds("只要23.9元"), [("number", "23.9元")])
        self.assertFalse(E.has_price("只要2390元", PRODUCT))

    def test_invented_number_and_unit(self):
        self.assertEqual(kinds("仅需189元"), [("number", "189元")])
        self.assertEqual(kinds("重量680g"), [])
        self.assertEqual(kinds("容量680ml"), [("number", "680ml")])  # 680 is a weight here
        self.assertEqual(kinds("今晚8点开抢"), [("number", "8")])

    def test_derived_numbers(self):
        self.assertEqual(kinds("直降160元"), [])  # original_price - price
        self.assertEqual(kinds("到手价199元"), [])  # price - the promotion's 40
        self.assertEqual(kinds("3种颜色、5个尺码"), [])  # lengths of the product's lists
        self.assertEqual(kinds("4种颜色"), [("number", "4种")])

    def test_markers_are_not_facts(self):
        self.assertEqual(kinds("第1个卖点：防风。3、2、1，上链接！\n1. 防风 2、防泼水"), [])
        self.assertEqual(kinds("只要321元"), [("number", "321元")])

    def test_invented_colour(self):
        self.assertEqual(kinds("有红色和米白色"), [("colour", "米白色"), ("colour", "红色")])
        self.assertEqual(kinds("燕麦色、曜石黑、雾霾蓝都有，黑色很百搭"), [])
        self.assertEqual(kinds("白鸭绒，黑科技，网红款，蓝牙，明白"), [])  # not colours
        self.assertEqual(kinds("黑色", BARE), [("colour", "黑色")])

    def test_invented_size(self):
        self.assertEqual(kinds("S到2XL都有"), [])  # XXL = 2XL
        self.assertEqual(kinds("3XL也有"), [("size", "3xl")])
        self.assertEqual(kinds("均码"), [("size", "均码")])
        self.assertEqual(kinds("38码"), [("size", "38码")])
        self.assertEqual(kinds("1L大容量", BARE), [("number", "1l")])  # 1L is a volume, not size L

    def test_invented_courier(self):
        self.assertEqual(kinds("顺丰包邮"), [])
        self.assertEqual(kinds("发中通"), [("courier", "中通")])
        self.assertEqual(kinds("发EMS"), [("courier", "ems")])

    def test_claims(self):
        self.assertEqual(kinds("7天无理由退货，还有运费险"), [])  # product says 七天
        self.assertEqual(kinds("包邮", BARE), [("claim:free shipping", "包邮")])
        self.assertEqual(kinds("支持退换，两年质保，正品保障", BARE),
                         [("claim:genuine", "正品"), ("claim:returns", "退换"), ("claim:warranty", "质保"),
                          ("number", "2年")])
        self.assertEqual(kinds("现货充足"), [])  # the product has a stock field
        self.assertEqual(kinds("现货", BARE), [("claim:stock", "现货")])
        self.assertEqual(kinds("不支持退换", BARE), [])  # a negated claim claims nothing

    def test_gifts(self):
        self.assertEqual(kinds("下单还送收纳袋"), [])
        self.assertEqual(kinds("下单送围巾"), [("gift", "送围巾")])
        self.assertEqual(kinds("还有好礼相送，送福利"), [])  # vague, and the product has a gift
        self.assertEqual(kinds("送福利", BARE), [("gift", "送福利")])
        self.assertEqual(kinds("买一送一", BARE), [("gift", "送一")])
        self.assertEqual(kinds("配送很快，送给爸妈", BARE), [])  # not gifts

    def test_name_must_be_whole(self):
        self.assertFalse(E.has_name("羽绒服K3只要239元", PRODUCT))


class Declines(unittest.TestCase):
    def v(self, answer, expected):
        d = E.decline_verdict(answer, expected)
        return d["declined"], d["decline_with_affirmation"]

    def test_clean_decline(self):
        self.assertEqual(self.v("抱歉，没有红色，只有燕麦色、曜石黑和雾霾蓝。", "红色"), (True, False))
        self.assertEqual(self.v("不好意思，这款只有S到XL。", "3XL"), (True, False))
        self.assertEqual(self.v("不含运费险哦。", "运费险"), (True, False))
        self.assertEqual(self.v("不是顺丰哦，发中通。", "顺丰"), (True, False))

    def test_decline_with_affirmation(self):
        self.assertEqual(self.v("抱歉，有红色的哦。", "红色"), (False, True))
        self.assertEqual(self.v("没有XL，但有XXL。", "2XL"), (False, True))

    def test_affirmation_without_refusal(self):
        for a in ("有红色的哦！", "是的", "没问题，可以发顺丰", "可以的~"):
            d = E.decline_verdict(a, "红色" if "红" in a else "顺丰")
            self.assertTrue(d["affirms"] and not d["refuses"], a)

    def test_contains_value(self):
        self.assertTrue(E.contains_value("价格是239元", "239"))
        self.assertFalse(E.contains_value("价格是2390元", "239"))
        self.assertFalse(E.contains_value("有2XL", "XL"))
        self.assertTrue(E.contains_value("有XXL", "2XL"))
        # A space keeps ASCII tokens apart: "iPhone 15" holds "iPhone", "C 1000mg" holds "1000mg".
        self.assertTrue(E.contains_value("兼容iPhone 15哦", "iPhone"))
        self.assertTrue(E.contains_value("每片含维生素C 1000mg", "1000mg"))
        self.assertFalse(E.contains_value("兼容iPhone15", "iPhone"))
        self.assertTrue(E.contains_value("有ＸＬ码", "xl"))
        self.assertTrue(E.contains_value("支持七天无理由", "7天"))


class Structure(unittest.TestCase):
    def test_parts(self):
        s = ("家人们晚上好！今天给大家带来暖阳轻羽羽绒服K3。90白鸭绒充绒量足，防风防泼水，高立体护颈。"
             "只要239元，今晚下单立减40元！赶紧点下方小黄车！")
        st = E.structure(s, PRODUCT)
        self.assertEqual({k: st[k] for k in ("opening", "selling_points", "price", "promotion", "call_to_action")},
                         dict(opening=True, selling_points=True, price=True, promotion=True, call_to_action=True))
        st = E.structure("这款羽绒服防风。", PRODUCT)
        self.assertFalse(st["opening"] or st["selling_points"] or st["price"] or st["promotion"]
                         or st["call_to_action"])
        self.assertIsNone(E.structure("x", BARE)["promotion"])

    def test_repeats_and_sentences(self):
        self.assertEqual(E.repeated_4gram_share("一二三四五六"), 0.0)
        self.assertGreater(E.repeated_4gram_share("材质是90码，材质是90码，材质是90码"), 0.5)
        self.assertTrue(E.short_answer("有的。尺码有S、M。"))
        self.assertFalse(E.short_answer("有的。尺码有S、M。还有L！"))
        self.assertFalse(E.short_answer(""))
        self.assertTrue(E.short_answer("价格是9.9元"))  # a decimal point ends no sentence


class Baselines(unittest.TestCase):
    def test_template_script(self):
        for p in (PRODUCT, BARE):
            s = E.baseline_script(p)
            self.assertEqual(len(s.splitlines()), 15)
            self.assertEqual(E.invented(s, p), [], s)
            self.assertTrue(E.has_name(s, p) and E.has_price(s, p))

    def test_answerer(self):
        self.assertTrue(E.contains_value(E.baseline_answer("多少钱", PRODUCT), "239"))
        self.assertTrue(E.decline_verdict(E.baseline_answer("有红色吗", PRODUCT), "红色")["declined"])
        self.assertTrue(E.decline_verdict(E.baseline_answer("有3XL吗", PRODUCT), "3XL")["declined"])
        self.assertTrue(E.decline_verdict(E.baseline_answer("发中通吗", PRODUCT), "中通")["declined"])
        self.assertTrue(E.decline_verdict(E.baseline_answer("保修吗", BARE), "保修")["declined"])
        self.assertTrue(E.contains_value(E.baseline_answer("有运费险吗", PRODUCT), "运费险"))

    def test_comment_rules(self):
        self.assertEqual(E.baseline_comment("质量太差了，退款！")[0], "complaint")
        self.assertEqual(E.baseline_comment("多少钱")[0], "price")
        self.assertEqual(E.baseline_comment("已拍")[0], "purchase")


FAKE_SCRIPT_GEN = r'''#!/usr/bin/env python3
import json, sys
p = json.load(open(sys.argv[-1], encoding="utf-8"))
assert "qa" not in p and "--json" in sys.argv
s = "大家好！%s只要%s元，还有红色！赶紧下单！" % (p["name"], p["price"])
print(json.dumps({"script": s, "tokens": 10, "tokens_per_s": 100.0,
                  "facts": [{"field": "价格", "value": "%s元" % p["price"]}]}, ensure_ascii=False))
'''
FAKE_LIVE_QA = r'''#!/usr/bin/env python3
import json, sys
qs = [l.strip() for l in open(sys.argv[sys.argv.index("--questions") + 1], encoding="utf-8") if l.strip()]
for i, q in enumerate(qs):
    a = ["价格是399元。", "有的，XL有货。", "是的，发顺丰。"][i % 3]
    print(json.dumps({"question": q, "answer": a, "latency_ms": 10.0 * (i + 1)}, ensure_ascii=False))
'''
FAKE_COMMENTS = r'''#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
rows = [json.loads(l) for l in open(args[-1], encoding="utf-8") if l.strip()]
assert all("intent" not in r for r in rows)
preds = [{"line": i + 1, "text": r["text"], "intent": "price", "sentiment": "neutral", "spam": i == 1}
         for i, r in enumerate(rows) if i != 2]  # comment 3 dropped (a duplicate, say)
if "--jsonl" in args:
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "old":
        print("comment-analysis: unknown option --jsonl", file=sys.stderr)
        sys.exit(2)
    for p in preds:
        print(json.dumps(dict(type="comment", **{k: v for k, v in p.items() if k != "line"}), ensure_ascii=False))
else:
    out = args[args.index("--out") + 1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump({"comments": [{k: v for k, v in p.items() if k != "spam"} for p in preds]}, f)
print("throughput: 50.0 comments/s (%d comments in 0.1 s, 1 jobs)" % len(preds))
'''


class EndToEnd(unittest.TestCase):
    def run_with(self, flavour):
        with tempfile.TemporaryDirectory() as tmp:
            bin_dir = os.path.join(tmp, flavour)
            os.mkdir(bin_dir)
            for name, text in (("script-gen", FAKE_SCRIPT_GEN), ("live-qa", FAKE_LIVE_QA),
                               ("comment-analysis", FAKE_COMMENTS)):
                path = os.path.join(bin_dir, name)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text.replace("/usr/bin/env python3", sys.executable, 1))
                os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
            with open(os.devnull, "w") as log:
                return E.evaluate(os.path.join(REPO, "tests", "data", "eval_mini"), bin_dir, log=log)

    def test_mini_set(self):
        for flavour in ("old", "new"):
            r = self.run_with(flavour)
            sc, qa, cm = r["scores"]["scripts"], r["scores"]["qa"], r["scores"]["comments"]
            self.assertEqual((sc["app"]["n"], sc["app"]["name_price"], sc["app"]["no_invented"]), (2, 2, 0))
            self.assertEqual(sc["baseline"]["no_invented"], 2)
            self.assertEqual((qa["app"]["answer_n"], qa["app"]["decline_n"]), (5, 4))
            self.assertEqual(qa["baseline"]["declined"], 4)
            self.assertEqual(r["comments"]["app"]["source"], "report.json" if flavour == "old" else "--jsonl")
            # fake predictions: everything "price" but comment 2 (spam -> other, --jsonl only), comment 3 missing
            self.assertEqual(cm["app"]["missing"], 1)
            self.assertEqual(cm["app"]["intent"], 1 if flavour == "old" else 0)  # the spam flag makes comment 2 "other"
            self.assertEqual(r["throughput"]["latency_ms_median"], 30.0)  # 10..50 and 10..40 ms
            self.assertEqual(r["scores"]["facts_lists"], 2)
            self.assertIn("| scripts with no invented fact | 0% (0/2) | 100% (2/2) |", r["table"])


if __name__ == "__main__":
    unittest.main(verbosity=1)
