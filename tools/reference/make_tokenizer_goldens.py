#!/usr/bin/env python3
"""Writes tests/data/tokenizers/qwen2_live_commerce.json: reference token ids
for live-commerce strings, produced by Hugging Face `tokenizers` (the
independent reference) from ../shared/tokenizers/qwen2/tokenizer.json.

Usage (from the repository root):
  /work/venv/ref/bin/python tools/reference/make_tokenizer_goldens.py

Each case stores the text, the ids (add_special_tokens=False, so added
tokens written in the text are still matched, as HF does), and the text
after the NFC normalizer (decode(encode(text)) must equal it).
"""
import json
import pathlib
import unicodedata

import tokenizers

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "tokenizers" / "qwen2" / "tokenizer.json"
OUTPUT = ROOT / "tests" / "data" / "tokenizers" / "qwen2_live_commerce.json"

TEXTS = [
    # danmaku (bullet comments)
    "哈哈哈哈666",
    "这个多少钱？？",
    "主播好美😍😍",
    "awsl yyds！！！",
    "6666666666666666",
    "扣1 扣1 扣1",
    "来了来了～～",
    "[666][鼓掌][爱心]",
    "👍👍👍🔥🔥 冲冲冲",
    "😂🤣😭🙏❤️‍🔥👨‍👩‍👧",
    # prices and product titles
    "到手价¥99.9，再减¥10！",
    "原价￥1299，直播间专享价￥899",
    "iPhone 15 Pro Max 256G 仅需$999.00",
    "【限时秒杀】买二送一，库存只剩3件！",
    "满300减50｜包邮｜7天无理由退换",
    "尺码：S/M/L/XL，颜色：雾霾蓝、奶油白",
    "ＳＡＬＥ！全场５折 ２０２４新款",
    "第1单 ¥0.01 秒杀 0.5kg×2袋",
    # mixed scripts and layout
    "这款face cream超好用，I love it!",
    "日本製の化粧品です。한국 화장품도 있어요。",
    "Привет! 这个颜色好看吗？",
    "  前面有空格\t和制表符\n换行\r\n结束  ",
    "第一行\n\n\n第三行",
    "链接：https://shop.example.com/item?id=12345&ref=live",
    "@小仙女 你的订单#A20240618已发货",
    # NFC: decomposed accents must compose before BPE
    "Cafe\u0301 latte\u0301 ✓",
    "e\u0301e\u0301 n\u0303 A\u030a \u212b",
    "\u1100\u1161\u11a8 (jamo) vs \uac01",
    # chat template with special tokens (matched verbatim in the raw text)
    "<|im_start|>user\n主播好美😍😍<|im_end|>\n<|im_start|>assistant\n",
    "<|endoftext|>谢谢支持",
    # apostrophes and the case-insensitive contractions of Qwen2's regex
    "I'M sure it'S great, you'RE welcome",
]


def main():
    tok = tokenizers.Tokenizer.from_file(str(SOURCE))
    cases = []
    for text in TEXTS:
        ids = tok.encode(text, add_special_tokens=False).ids
        cases.append({"text": text, "ids": ids, "nfc": unicodedata.normalize("NFC", text)})
    doc = {
        "generator": "tools/reference/make_tokenizer_goldens.py",
        "reference": f"huggingface tokenizers {tokenizers.__version__}",
        "tokenizer": "shared/tokenizers/qwen2/tokenizer.json",
        "cases": cases,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # One case per line keeps the file readable and diffs small.
    lines = [json.dumps(c, ensure_ascii=False) for c in cases]
    header = json.dumps({k: v for k, v in doc.items() if k != "cases"}, ensure_ascii=False)[:-1]
    text = header + ',\n "cases": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"
    json.loads(text)  # must stay valid JSON
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(cases)} cases to {OUTPUT}")


if __name__ == "__main__":
    main()
