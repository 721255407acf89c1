"""Writes the demo model's training and evaluation corpus (deterministic).

  python corpus.py OUT_DIR [--seed 1234] [--products 3300]
  python corpus.py OUT_DIR --stage 2 --vocab TOKENIZER.vocab --stage1-catalog STAGE1/catalog_train.jsonl
                   [--products 4000] [--comments 60000]

Stage 1 (the default) is the corpus the tokenizer and the first training
stage use. Stage 2 is the copy-forcing corpus of the second training stage:
the same tasks and formats, but every product name is composed fresh
(fresh_names.py: random brands, no closed list to memorise), scripts name
the product in more places, two more question types ask for the name, and
comments are composed from fragments (danmaku_fragments.py). Its held-out
products have brands that occur in no training name of either stage.

OUT_DIR/
  catalog_train.jsonl, catalog_eval.jsonl  products (10% held out for eval)
  train/script.jsonl, train/qa.jsonl, train/classify.jsonl
      {"task", "messages": [[role, content], ...]}; the last message is the
      assistant's answer (the only tokens the loss is taken on)
  eval/script.jsonl    {"product", "request", "expect": [name, price], "reference"}
  eval/qa.jsonl        {"product", "question", "qtype", "expect": [...], "reference"}:
                       a correct answer contains every string of expect;
                       "reference" is the generator's own answer (for a
                       validation loss, not for scoring)
  eval/classify.jsonl  {"comment", "intent", "sentiment", "unseen_template"}
  tokenizer_text.txt   one training sentence a line (for spm_train)
  stats.json

Evaluation products and comments never occur in train/: checked at the end.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import catalog
import danmaku
import danmaku_fragments
import fresh_names
from catalog import format_price
from prompts import classify_answer, classify_messages, qa_messages, script_messages

SCRIPT_REQUESTS = [
    "为这个商品写一段直播口播。", "帮我写一段带货话术。", "来一段直播间介绍脚本。", "写一段30秒的口播。",
    "给这款商品写个开场介绍。", "写一段主播讲解词。", "请生成直播带货脚本。", "介绍一下这个商品，口语化一点。",
    "写段口播，突出卖点和价格。", "帮我想一段上链接前的话术。", "口播脚本", "来段带货文案",
]

OPENERS = ["家人们", "宝宝们", "直播间的姐妹们", "老铁们", "朋友们", "刚进来的宝子们", "各位宝贝", "哈喽大家好"]
OPENER_TAILS = ["看过来！", "注意啦！", "今天这个必须给你们安排上！", "重磅好物来了！", "等了好久的来了！", "这个一定要听我说完！"]


def _join(items: list[str]) -> str:
    return "、".join(items)


def host_script(rng: random.Random, p: dict, more_names: bool = False) -> str:
    """A host script; more_names (stage 2) also names the product again at
    the price and at the close, so the name is copied in more positions."""
    name, price = p["name"], format_price(p["price"])
    sp = p["selling_points"]
    parts = [rng.choice(OPENERS) + rng.choice(["，", "！"]) + rng.choice(OPENER_TAILS)]
    parts.append(rng.choice([
        f"今天给大家带来的是{name}。", f"这款{name}是我们今天的主推。", f"{name}来啦！",
        f"接下来这款是{name}。", f"我手上这个就是{name}。",
    ]))
    parts.append(rng.choice([
        f"它最大的特点就是{sp[0]}，而且{sp[1]}，还{sp[2]}。", f"{sp[0]}、{sp[1]}、{sp[2]}，这几点都做到了。",
        f"首先{sp[0]}；其次{sp[1]}；最后{sp[2]}。", f"我自己用下来，{sp[0]}，{sp[1]}，{sp[2]}，真的很惊喜。",
    ]))
    specs = p["specs"]
    spec_bits = []
    if "size" in specs:
        spec_bits.append(rng.choice([f"尺码有{_join(specs['size'])}", f"{_join(specs['size'])}都有"]))
    if "colour" in specs:
        spec_bits.append(rng.choice([f"颜色有{_join(specs['colour'])}", f"{_join(specs['colour'])}可选"]))
    if "material" in specs:
        spec_bits.append(rng.choice([f"{specs['material']}材质", f"材质是{specs['material']}"]))
    if "capacity" in specs:
        spec_bits.append(f"规格{specs['capacity']}")
    if "weight" in specs:
        spec_bits.append(rng.choice([f"重量{specs['weight']}", f"一份{specs['weight']}"]))
    if spec_bits:
        parts.append("，".join(spec_bits) + "。")
    if rng.random() < 0.6:
        parts.append(rng.choice([f"特别适合{p['audience']}。", f"{p['audience']}闭眼入。", f"推荐给{p['audience']}。"]))
    if more_names and rng.random() < 0.6:
        parts.append(rng.choice([f"{name}，", f"这款{name}", f"{name}今天", f"咱们的{name}"]))
    if p.get("original_price") is not None:
        orig = format_price(p["original_price"])
        parts.append(rng.choice([
            f"原价{orig}元，今天直播间到手价只要{price}元！", f"平时要{orig}元，今天只要{price}元！",
            f"到手价{price}元，比原价{orig}元便宜太多了！",
        ]))
    else:
        parts.append(rng.choice([f"直播间价格{price}元！", f"只要{price}元就能带回家！", f"到手价{price}元！"]))
    parts.append(rng.choice([f"现在还有{p['promotion']}。", f"{p['promotion']}，手慢无！", f"今天{p['promotion']}。"]))
    if p["gifts"]:
        parts.append(rng.choice([f"下单还送{_join(p['gifts'])}！", f"拍了就送{_join(p['gifts'])}。"]))
    if rng.random() < 0.4:
        parts.append(f"{p['shipping']}。")
    if more_names and rng.random() < 0.5:
        parts.append(rng.choice([f"{name}，{price}元，", f"再说一遍，{name}只要{price}元，", f"{name}，"]))
    parts.append(rng.choice([
        "喜欢的赶紧点下方小黄车！", f"库存只有{p['stock']}件，抢完就没了！", "三二一，上链接！",
        "想要的宝宝扣个1！", "拼手速的时候到了，冲！",
    ]))
    return "".join(parts)


# --- viewer questions -------------------------------------------------------

def _q(rng: random.Random, forms: list[str], item: str) -> str:
    q = rng.choice(forms).format(item=item)
    q = rng.choice(["", "", "主播，", "请问", "宝宝，", "主播主播"]) + q
    return q + rng.choice(["", "？", "？", "呀", "？？"])


def _item(p: dict) -> str:
    for t in catalog.CATEGORIES[p["category"]]["types"]:
        if t in p["name"]:
            return t
    return "这个"


def qa_pair(rng: random.Random, p: dict, qtype: str) -> tuple[str, str, list[str]] | None:
    """(question, answer, expected strings) or None if qtype does not apply."""
    item = _item(p)
    price = format_price(p["price"])
    specs = p["specs"]
    if qtype == "name":
        q = _q(rng, ["这个叫什么", "商品名是什么", "这是什么牌子", "{item}叫什么名字", "链接名字是啥", "这款全名叫啥",
                     "什么牌子的", "名字发一下"], item)
        return q, rng.choice(["这款是", "商品名是", "这个是", ""]) + f"{p['name']}。", [p["name"]]
    if qtype == "name_price":
        q = _q(rng, ["这个是什么多少钱", "报一下名字和价格", "叫啥多少钱", "{item}叫什么多少钱", "哪款多少钱"], item)
        return q, f"这款是{p['name']}，直播间到手价{price}元。", [p["name"], price]
    if qtype == "price":
        q = _q(rng, ["多少钱", "这个多少钱", "{item}多少钱", "价格是多少", "现在什么价", "到手价多少", "今天直播间什么价格", "多少米"], item)
        a = f"{p['name']}直播间到手价{price}元"
        if p.get("original_price") is not None:
            a += f"，原价{format_price(p['original_price'])}元"
        a += rng.choice(["。", f"，现在还有{p['promotion']}。"])
        return q, a, [price]
    if qtype in ("size", "colour"):
        label = "尺码" if qtype == "size" else "颜色"
        forms = (["有哪些尺码", "有什么码", "尺码有几个", "码数全吗", "{item}有什么尺寸"] if qtype == "size"
                 else ["有哪些颜色", "有几个颜色", "有什么颜色可以选", "{item}有什么色", "颜色有哪些"])
        q = _q(rng, forms, item)
        if qtype not in specs:
            return q, f"这款商品信息里没有{label}选项哦。", ["没有"]
        return q, f"{label}有{_join(specs[qtype])}。", list(specs[qtype])
    if qtype in ("size_check", "colour_check"):
        key = qtype.split("_")[0]
        if key not in specs:
            return None
        pool = catalog.CATEGORIES[p["category"]][key]
        asked = rng.choice(specs[key]) if rng.random() < 0.5 else rng.choice(pool)
        forms = (["有{x}吗", "{x}码还有吗", "有没有{x}", "{x}有货吗"] if key == "size"
                 else ["有{x}吗", "{x}还有吗", "有没有{x}的", "{x}有货吗"])
        q = _q(rng, [f.replace("{x}", asked) for f in forms], item)
        label = "尺码" if key == "size" else "颜色"
        if asked in specs[key]:
            return q, f"有的，{asked}有货，{label}有{_join(specs[key])}。", ["有的", asked]
        return q, f"没有{asked}哦，{label}只有{_join(specs[key])}。", ["没有"] + list(specs[key])
    if qtype in ("material", "capacity", "weight"):
        label = {"material": "材质", "capacity": "规格", "weight": "重量"}[qtype]
        forms = {"material": ["什么材质", "是什么面料", "材质是啥", "{item}是什么材质的"],
                 "capacity": ["容量多大", "规格是多少", "多大容量", "{item}的规格是什么"],
                 "weight": ["多重", "净含量多少", "有多少克", "{item}有多重"]}[qtype]
        q = _q(rng, forms, item)
        if qtype not in specs:
            return q, f"商品信息里没有写{label}，我帮你问一下再回复哦。", ["没有"]
        return q, f"{label}是{specs[qtype]}。", [specs[qtype]]
    if qtype == "shipping":
        q = _q(rng, ["什么时候发货", "发什么快递", "几天能到", "包邮吗", "从哪里发货", "发货快吗"], item)
        return q, rng.choice(["", "亲，"]) + f"{p['shipping']}。", [p["shipping"]]
    if qtype == "returns":
        q = _q(rng, ["能退货吗", "支持七天无理由吗", "不合适可以退吗", "售后怎么样", "可以退换吗"], item)
        return q, f"售后是这样的：{p['returns']}。", [p["returns"]]
    if qtype == "stock":
        q = _q(rng, ["还有货吗", "库存多少", "还剩多少件", "{item}还有吗", "会不会卖完"], item)
        return q, f"库存还有{p['stock']}件，" + rng.choice(["喜欢的抓紧哦。", "先到先得。"]), [str(p["stock"])]
    if qtype == "gifts":
        q = _q(rng, ["有赠品吗", "送什么", "买了送东西吗", "有没有小礼物", "下单送啥"], item)
        if p["gifts"]:
            return q, f"有的，下单送{_join(p['gifts'])}。", list(p["gifts"])
        return q, f"这款没有赠品哦，不过现在{p['promotion']}。", ["没有赠品"]
    if qtype == "promotion":
        q = _q(rng, ["有优惠吗", "有券吗", "怎么买最划算", "有什么活动", "能便宜点吗"], item)
        return q, f"现在的优惠是：{p['promotion']}。", [p["promotion"]]
    if qtype == "audience":
        q = _q(rng, ["适合什么人", "适合谁用", "{item}适合什么人群", "我能用吗"], item)
        return q, f"这款适合{p['audience']}。", [p["audience"]]
    raise ValueError(qtype)


QTYPES = ["price", "size", "colour", "size_check", "colour_check", "material", "capacity", "weight",
          "shipping", "returns", "stock", "gifts", "promotion", "audience"]
# Stage 2 trains two more questions whose answers copy the product's name
# (the evaluation keeps QTYPES, so its numbers compare with stage 1's).
QTYPES_STAGE2 = QTYPES + ["name", "name", "name_price", "name_price"]


def sample_qa(rng: random.Random, p: dict, qtypes: list[str] = QTYPES) -> tuple[str, str, str, list[str]]:
    while True:
        qtype = rng.choice(qtypes)
        # questions about a field the product lacks stay rare (1 in 4 tries)
        key = qtype.split("_")[0]
        if key in ("size", "colour", "material", "capacity", "weight") and key not in p["specs"] and rng.random() < 0.75:
            continue
        r = qa_pair(rng, p, qtype)
        if r is not None:
            return (qtype, *r)


def stage2_catalog(rng: random.Random, args) -> tuple[list[dict], list[dict], set[str]]:
    """(held-out, training products, held-out brands) with fresh names. Held-out brands are
    never part of a training name and never occur in a stage-1 training name."""
    pools = fresh_names.NamePools(args.vocab)
    stage1_names = [json.loads(line)["name"] for line in args.stage1_catalog.open(encoding="utf-8")]
    cats = list(catalog.CATEGORIES)
    names: set[str] = set()
    eval_products: list[dict] = []
    eval_brands: set[str] = set()
    while len(eval_products) < args.eval_products:
        p, brand = fresh_names.fresh_product(rng, pools, cats[len(eval_products) % len(cats)])
        if p["name"] in names or brand in eval_brands or any(brand in n for n in stage1_names):
            continue
        names.add(p["name"])
        eval_brands.add(brand)
        eval_products.append(p)
    train_products: list[dict] = []
    while len(train_products) < args.products:
        p, brand = fresh_names.fresh_product(rng, pools, cats[len(train_products) % len(cats)])
        if p["name"] in names or any(b in p["name"] for b in eval_brands):
            continue
        names.add(p["name"])
        train_products.append(p)
    return eval_products, train_products, eval_brands


# The auxiliary copy task of stage 2: repeat a string of characters the model
# has never seen together. Copying a fresh brand needs induction ("what
# followed this token in the prompt comes next"); product text teaches it
# only through the few brand tokens per example, this task through every
# token of its answer.
COPY_SYSTEMS = ["复述下面的文字。", "把用户的话原样重复一遍。", "复述商品名。"]


def copy_rows(rng: random.Random, pools, n: int, eval_brands: set[str]) -> list[dict]:
    """n copy examples: random strings of pool characters, digits, letters
    and separators (2-24 characters), or a fresh product name."""
    rows = []
    alphabet_extra = list("0123456789ABCDEFGHKLMPRSTXZ-/") + [" "]
    while len(rows) < n:
        if rng.random() < 0.5:
            text = "".join(rng.choice(pools.chars) if rng.random() < 0.8 else rng.choice(alphabet_extra)
                           for _ in range(rng.randint(2, 24))).strip()
        else:
            text, _ = pools.name(rng, rng.choice(rng.choice(list(fresh_names.CATEGORIES_TYPES.values()))))
        if not text or any(b in text for b in eval_brands):
            continue
        system = rng.choice(COPY_SYSTEMS)
        rows.append({"task": "copy", "messages": [["system", system], ["user", text], ["assistant", text]]})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--products", type=int, default=3300)
    ap.add_argument("--scripts-per-product", type=int, default=3)
    ap.add_argument("--qa-per-product", type=int, default=8)
    ap.add_argument("--comments", type=int, default=40000)
    ap.add_argument("--eval-comments", type=int, default=1000)
    ap.add_argument("--stage", type=int, choices=[1, 2], default=1,
                    help="1: the stage-1 corpus (catalog.py names, danmaku.py templates); "
                         "2: the copy-forcing corpus (fresh_names.py, danmaku_fragments.py)")
    ap.add_argument("--vocab", type=Path, help="stage 2: the tokenizer's .vocab (name characters)")
    ap.add_argument("--stage1-catalog", type=Path,
                    help="stage 2: stage 1's catalog_train.jsonl (held-out brands must not occur in its names)")
    ap.add_argument("--eval-products", type=int, default=330, help="stage 2: held-out products")
    ap.add_argument("--copy-examples", type=int, default=0,
                    help="stage 2: examples of the auxiliary copy task (train/copy.jsonl)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    stage2 = args.stage == 2

    if stage2:
        if not args.vocab or not args.stage1_catalog:
            raise SystemExit("corpus: --stage 2 needs --vocab and --stage1-catalog")
        eval_products, train_products, eval_brands = stage2_catalog(rng, args)
    else:
        products = catalog.make_catalog(args.products, args.seed)
        rng.shuffle(products)
        n_eval = len(products) // 10
        eval_products, train_products = products[:n_eval], products[n_eval:]

    script_rows, qa_rows = [], []
    for p in train_products:
        for _ in range(args.scripts_per_product):
            msgs = script_messages(p, rng.choice(SCRIPT_REQUESTS)) + [("assistant", host_script(rng, p, more_names=stage2))]
            script_rows.append({"task": "script", "messages": msgs})
        for _ in range(args.qa_per_product):
            qtype, q, a, _ = sample_qa(rng, p, QTYPES_STAGE2 if stage2 else QTYPES)
            qa_rows.append({"task": "qa", "qtype": qtype, "messages": qa_messages(p, q) + [("assistant", a)]})

    eval_script = [{"product": p, "request": rng.choice(SCRIPT_REQUESTS), "expect": [p["name"], format_price(p["price"])],
                    "reference": host_script(rng, p)} for p in eval_products]
    eval_qa = []
    for p in eval_products:
        for _ in range(3):
            qtype, q, a, expect = sample_qa(rng, p)
            eval_qa.append({"product": p, "question": q, "qtype": qtype, "expect": expect, "reference": a})

    # Comments: eval ones first (half from held-out templates); training
    # skips any text that is in the eval set.
    comments = danmaku_fragments if stage2 else danmaku
    if stage2:
        danmaku_fragments.check_holdout()
    eval_comments: list[dict] = []
    seen_eval: set[str] = set()
    while len(eval_comments) < args.eval_comments:
        c = comments.sample_comment(rng, heldout=len(eval_comments) % 2 == 0)
        if c["comment"] not in seen_eval:
            seen_eval.add(c["comment"])
            eval_comments.append(c)
    cls_rows = []
    while len(cls_rows) < args.comments:
        c = comments.sample_comment(rng, heldout=False)
        if c["comment"] in seen_eval:
            continue
        cls_rows.append({"task": "classify", "intent": c["intent"], "sentiment": c["sentiment"],
                         "messages": classify_messages(c["comment"]) + [("assistant", classify_answer(c["intent"], c["sentiment"]))]})

    # Hold-out checks: no eval product name and no eval comment in training.
    eval_names = {p["name"] for p in eval_products}
    train_names = {p["name"] for p in train_products}
    assert not eval_names & train_names, "an eval product is also a training product"
    train_comments = {r["messages"][1][1] for r in cls_rows}
    assert not train_comments & seen_eval, "an eval comment is in training"
    train_text = "\n".join(m[1] for r in script_rows + qa_rows for m in r["messages"])
    # The copy task draws from its own generator, so adding it leaves the
    # rest of the corpus unchanged.
    extra_rows = copy_rows(random.Random(args.seed + 1), fresh_names.NamePools(args.vocab), args.copy_examples,
                           eval_brands) if stage2 and args.copy_examples else []
    train_text += "\n".join(m[1] for r in extra_rows for m in r["messages"])
    leaked = [n for n in eval_names if n in train_text]
    assert not leaked, f"eval product names occur in training text: {leaked[:3]}"

    out: Path = args.out
    write_jsonl(out / "catalog_train.jsonl", train_products)
    write_jsonl(out / "catalog_eval.jsonl", eval_products)
    write_jsonl(out / "train" / "script.jsonl", script_rows)
    write_jsonl(out / "train" / "qa.jsonl", qa_rows)
    write_jsonl(out / "train" / "classify.jsonl", cls_rows)
    if extra_rows:
        write_jsonl(out / "train" / "copy.jsonl", extra_rows)
    write_jsonl(out / "eval" / "script.jsonl", eval_script)
    write_jsonl(out / "eval" / "qa.jsonl", eval_qa)
    write_jsonl(out / "eval" / "classify.jsonl", eval_comments)

    # Tokenizer training text: every message line of the training set.
    with (out / "tokenizer_text.txt").open("w", encoding="utf-8") as f:
        for r in script_rows + qa_rows + cls_rows:
            for _, content in r["messages"]:
                for line in content.split("\n"):
                    if line:
                        f.write(line + "\n")

    def chars(rows: list[dict]) -> int:
        return sum(len(m[1]) for r in rows for m in r["messages"])

    stats = {
        "products": len(train_products) + len(eval_products), "train_products": len(train_products), "eval_products": len(eval_products),
        "categories": len(catalog.CATEGORIES),
        "train_examples": {"script": len(script_rows), "qa": len(qa_rows), "classify": len(cls_rows), "copy": len(extra_rows)},
        "train_chars": {"script": chars(script_rows), "qa": chars(qa_rows), "classify": chars(cls_rows)},
        "eval_examples": {"script": len(eval_script), "qa": len(eval_qa), "classify": len(eval_comments),
                          "classify_unseen_template": sum(c["unseen_template"] for c in eval_comments)},
        "distinct_train_comments": len(train_comments),
    }
    (out / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(stats, ensure_ascii=False))


if __name__ == "__main__":
    main()
