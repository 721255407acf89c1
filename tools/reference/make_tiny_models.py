#!/usr/bin/env python3
"""Writes tests/data/models/{gpt2,llama,qwen2}: tiny random-weight models
saved by Hugging Face transformers itself, a shared byte-level BPE tokenizer
trained by Hugging Face `tokenizers`, and golden logits / greedy generations
computed by transformers (the independent reference for liveformer's
end-to-end tests).

Usage (from the repository root):
  /work/venv/ref/bin/python tools/reference/make_tiny_models.py

Everything is seeded and runs single-threaded on the CPU in float32, so a
rerun with the versions in tools/reference/requirements.txt rewrites
byte-identical files. See tools/reference/README.md for the layout.
"""
import json
import os
import pathlib
import re
import shutil

# Single-threaded, deterministic tokenizer training and CPU math; set before
# tokenizers / torch start their thread pools.
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402
import transformers  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForCausalLM,
    AutoTokenizer,
    GenerationConfig,
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "data" / "models"

BPE_VOCAB_SIZE = 400  # trained vocabulary incl. 256 bytes and <|endoftext|>
ENDOFTEXT = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
NEW_TOKENS = 20

# Training corpus: English and Chinese live-commerce lines (pitches, prices,
# viewer questions, danmaku, emoji). Small on purpose: only ~140 merges.
CORPUS = [
    "欢迎来到直播间！今天的福利超级多！",
    "主播好！这个多少钱？",
    "这个多少钱？",
    "包邮吗？",
    "包邮吗",
    "全国包邮，偏远地区除外。",
    "到手价¥99.9，再减¥10！",
    "原价¥199，直播间专享价¥99.9",
    "今天只要¥59.9，买二送一！",
    "限时秒杀，库存只剩3件！",
    "满300减50，包邮，7天无理由退换。",
    "宝宝们，点击下方小黄车，1号链接！",
    "2号链接是这款口红，色号超级显白。",
    "这款面膜补水保湿，敏感肌也能用。",
    "有没有优惠券？",
    "优惠券在左上角，先领券再下单！",
    "能便宜点吗？",
    "主播，能再便宜一点吗？",
    "已经是全网最低价了，宝宝们冲！",
    "什么时候发货？",
    "48小时内发货，顺丰包邮。",
    "有没有大码？",
    "尺码从S到XXL都有，可以看详情页。",
    "这个颜色好好看😍",
    "主播好美😍😍",
    "哈哈哈哈666",
    "666666",
    "来了来了～～",
    "冲冲冲🔥🔥🔥",
    "已下单，已下单！",
    "已拍，什么时候发货？",
    "点赞关注不迷路❤️",
    "感谢宝宝的关注！",
    "感谢送的小礼物🎁",
    "三二一，上链接！",
    "库存不多了，抓紧时间！",
    "这款保温杯能保温12小时。",
    "容量500毫升，304不锈钢。",
    "这个锅是不粘锅吗？",
    "是的，不粘锅，少油烟。",
    "正品保证，假一赔十。",
    "支持七天无理由退货。",
    "运费险已经帮大家买好了。",
    "新疆西藏包邮吗？",
    "偏远地区需要补运费哦。",
    "耳机音质怎么样？",
    "降噪效果很好，续航30小时。",
    "零食大礼包，一箱只要¥39.9！",
    "坚果每天一包，健康又好吃。",
    "这件外套有几个颜色？",
    "黑色、白色、卡其色三个颜色。",
    "主播多高多重？",
    "主播身高165，体重50公斤，穿M码。",
    "买三件打八折！",
    "直播间下单还送小样👍",
    "最后十单，卖完就下架！",
    "好的好的，谢谢主播🙏",
    "质量怎么样？",
    "质量非常好，我们家卖了三年了。",
    "今天晚上八点，不见不散！",
    "Welcome to the live room, everyone!",
    "Hello, live room!",
    "Hello, live room! 包邮吗",
    "How much is this?",
    "How much is this one? Is shipping free?",
    "Free shipping on all orders today!",
    "Today only: $19.99, buy one get one free!",
    "The original price is $49.99, now only $29.99.",
    "Limited stock, only 3 left!",
    "Click the yellow cart below, link number 1!",
    "This lipstick is super long-lasting 💄",
    "Does it come in size XL?",
    "Yes, sizes S to XXL are all available.",
    "When will it ship?",
    "We ship within 48 hours.",
    "Use the coupon for an extra $10 off.",
    "Thanks for the follow! ❤️",
    "Thanks for the gift 🎁🎁",
    "Is it waterproof?",
    "Yes, it is waterproof and dustproof.",
    "Battery life is 30 hours with noise cancelling.",
    "Add to cart now, the deal ends at midnight!",
    "Can you show the back of the jacket?",
    "Sure, let me turn around so you can see it.",
    "This is the best price on the whole internet!",
    "3, 2, 1, link is up!",
    "Sold out in 10 seconds, wow 🔥",
    "Restocking tomorrow at 8 pm.",
    "lol 666 so cheap 😂",
    "omg I want it 😍😍😍",
    "Who is the host today?",
    "Please share the live room with your friends!",
    "Don't forget to like and follow 👍",
    "Returns are free within 7 days.",
    "Is this the authentic product? Yes, 100% authentic.",
    "The price is ¥99.9 with free shipping, 包邮！",
    "iPhone case only ¥29.9, 今天包邮",
    "Good night everyone, see you tomorrow! 晚安～",
    "The 1st link is sold out, check the 2nd link.",
    "Big sale: 50% off everything!",
]

# Golden prompts, the same for every model. The ids come from the tokenizer
# (add_special_tokens=False; <|...|> written in a text is matched as the
# added token). "bos" is the 1-token prompt <|endoftext|>.
PROMPTS = [
    ("zh_price", "主播好！这个多少钱？"),
    ("en_zh_mixed", "Hello, live room! 包邮吗"),
    ("bos", ENDOFTEXT),
    ("chatml", f"{IM_START}user\n这个多少钱？{IM_END}\n{IM_START}assistant\n"),
]
SCORING_PROMPT = "zh_price"

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def build_tokenizer() -> Tokenizer:
    """GPT-2 style byte-level BPE: <|endoftext|> is id 0 of the trained
    vocabulary, <|im_start|>/<|im_end|> are added special tokens appended
    after it (like Qwen2's added tokens beyond the BPE vocabulary)."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB_SIZE,
        min_frequency=2,
        show_progress=False,
        special_tokens=[ENDOFTEXT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer=trainer)
    tok.add_special_tokens([IM_START, IM_END])
    vocab = tok.get_vocab(with_added_tokens=False)
    missing = [c for c in pre_tokenizers.ByteLevel.alphabet() if c not in vocab]
    assert not missing, f"byte symbols missing from the vocabulary: {missing}"
    assert tok.token_to_id(ENDOFTEXT) == 0
    return tok


def init_weights(model: torch.nn.Module, seed: int) -> None:
    """Large random weights so logits are far from uniform, and random
    biases / norm scales so a loader that ignores any of them fails."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            noise = torch.randn(param.shape, generator=gen, dtype=torch.float32)
            is_norm = any(k in name for k in ("norm", "ln_1", "ln_2", "ln_f"))
            if is_norm and name.endswith(".weight"):
                param.copy_(1.0 + 0.1 * noise)
            elif name.endswith(".bias"):
                param.copy_(0.1 * noise)
            else:
                param.copy_(0.2 * noise)


def model_specs(vocab_size: int, ids: dict):
    eot, im_end = ids[ENDOFTEXT], ids[IM_END]
    return [
        dict(
            name="gpt2",
            seed=1001,
            cls=GPT2LMHeadModel,
            config=GPT2Config(
                vocab_size=vocab_size, n_positions=64, n_embd=64, n_layer=2, n_head=4,
                bos_token_id=eot, eos_token_id=eot, attn_implementation="eager",
            ),
            tokenizer_class="GPT2Tokenizer",
            special=dict(bos_token=ENDOFTEXT, eos_token=ENDOFTEXT, unk_token=ENDOFTEXT),
            chat_template=None,
        ),
        dict(
            name="llama",
            seed=2002,
            cls=LlamaForCausalLM,
            config=LlamaConfig(
                vocab_size=vocab_size, hidden_size=64, intermediate_size=172,
                num_hidden_layers=2, num_attention_heads=8, num_key_value_heads=2,
                max_position_embeddings=128, rms_norm_eps=1e-5, rope_theta=10000.0,
                tie_word_embeddings=False, bos_token_id=eot, eos_token_id=eot, attn_implementation="eager",
            ),
            tokenizer_class="PreTrainedTokenizerFast",
            special=dict(bos_token=ENDOFTEXT, eos_token=ENDOFTEXT),
            chat_template=None,
        ),
        dict(
            name="qwen2",
            seed=3003,
            cls=Qwen2ForCausalLM,
            config=Qwen2Config(
                vocab_size=vocab_size, hidden_size=64, intermediate_size=160,
                num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                max_position_embeddings=128, rope_theta=1000000.0, rms_norm_eps=1e-6,
                tie_word_embeddings=True, bos_token_id=eot, eos_token_id=im_end, attn_implementation="eager",
            ),
            tokenizer_class="Qwen2Tokenizer",
            special=dict(bos_token=None, eos_token=IM_END, pad_token=ENDOFTEXT),
            chat_template=CHATML_TEMPLATE,
        ),
    ]


def write_json(path: pathlib.Path, obj) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    # Keep id lists on one line so prompts.json stays readable.
    text = re.sub(r"\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]",
                  lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    path.write_text(text + "\n", encoding="utf-8")


def tokenizer_config(spec: dict, tok: Tokenizer) -> dict:
    added = {}
    for tid, t in sorted(tok.get_added_tokens_decoder().items()):
        added[str(tid)] = dict(content=t.content, lstrip=t.lstrip, normalized=t.normalized,
                               rstrip=t.rstrip, single_word=t.single_word, special=t.special)
    cfg = dict(
        tokenizer_class=spec["tokenizer_class"],
        add_bos_token=False,
        add_eos_token=False,
        add_prefix_space=False,
        clean_up_tokenization_spaces=False,
        model_max_length=spec["config"].max_position_embeddings
        if hasattr(spec["config"], "max_position_embeddings") else spec["config"].n_positions,
        **spec["special"],
        additional_special_tokens=[IM_START, IM_END],
        added_tokens_decoder=added,
    )
    if spec["chat_template"] is not None:
        cfg["chat_template"] = spec["chat_template"]
    return cfg


@torch.no_grad()
def full_logits(model, ids: list[int]) -> torch.Tensor:
    x = torch.tensor([ids], dtype=torch.long)
    return model(input_ids=x, use_cache=False).logits[0]


@torch.no_grad()
def greedy(model, ids: list[int], eot: int) -> list[int]:
    """transformers' own greedy decoding with end-of-sequence disabled, so it
    always produces exactly NEW_TOKENS tokens (no EOS masking either)."""
    gen_cfg = GenerationConfig(
        max_new_tokens=NEW_TOKENS, do_sample=False, num_beams=1,
        eos_token_id=None, pad_token_id=eot, bos_token_id=None, use_cache=True,
    )
    x = torch.tensor([ids], dtype=torch.long)
    out = model.generate(x, attention_mask=torch.ones_like(x), generation_config=gen_cfg)
    new = out[0, len(ids):].tolist()
    assert len(new) == NEW_TOKENS, (len(new), new)
    return new


@torch.no_grad()
def check_reference(model, ids: list[int], logits: torch.Tensor, new: list[int]):
    """Sanity of the reference itself: token-by-token decoding with the KV
    cache reproduces the full forward, and greedy ids are the argmax of
    no-cache full forwards. Returns the cache/no-cache max abs difference
    and the smallest top-1 minus top-2 logit gap over the greedy steps (a
    tiny gap would make the greedy golden fragile under rounding)."""
    past, steps = None, []
    for t in ids:
        out = model(input_ids=torch.tensor([[t]]), past_key_values=past, use_cache=True)
        past = out.past_key_values
        steps.append(out.logits[0, -1])
    diff = (torch.stack(steps) - logits).abs().max().item()
    assert diff < 1e-4, f"KV-cache decoding differs from the full forward by {diff}"
    seq, margin = list(ids), float("inf")
    for want in new:
        last = full_logits(model, seq)[-1]
        top2 = torch.topk(last, 2).values
        margin = min(margin, float(top2[0] - top2[1]))
        nxt = int(last.argmax())
        assert nxt == want, f"greedy mismatch: generate gave {want}, argmax {nxt}"
        seq.append(nxt)
    return diff, margin


def make_model(spec: dict, tok: Tokenizer, prompt_ids: dict) -> dict:
    out_dir = OUTPUT / spec["name"]
    torch.manual_seed(spec["seed"])
    model = spec["cls"](spec["config"])
    assert model.config._attn_implementation == "eager"
    init_weights(model, spec["seed"])
    model = model.to(torch.float32).eval()
    model.save_pretrained(out_dir)  # transformers 5 always writes safetensors
    tok.save(str(out_dir / "tokenizer.json"))
    write_json(out_dir / "tokenizer_config.json", tokenizer_config(spec, tok))

    golden = out_dir / "golden"
    golden.mkdir()
    eot = tok.token_to_id(ENDOFTEXT)
    cases, report = [], {}
    for name, text in PROMPTS:
        ids = prompt_ids[name]
        logits = full_logits(model, ids)
        new = greedy(model, ids, eot)
        diff, margin = check_reference(model, ids, logits, new)
        report[name] = (diff, margin)
        np.save(golden / f"{name}.logits.npy", logits.numpy().astype(np.float32))
        case = dict(name=name, text=text, input_ids=ids,
                    logits=f"{name}.logits.npy", greedy_20=new,
                    greedy_20_min_gap=round(margin, 6))
        if name == SCORING_PROMPT:
            lp = torch.log_softmax(logits.double(), dim=-1)
            want = lp[:-1].gather(1, torch.tensor(ids[1:])[:, None])[:, 0]
            np.save(golden / f"{name}.logprobs.npy", want.numpy())
            case["logprobs"] = f"{name}.logprobs.npy"
            case["logprob_sum"] = float(want.sum())
        cases.append(case)
    write_json(golden / "prompts.json", dict(
        model=spec["name"], vocab_size=model.config.vocab_size,
        new_tokens=NEW_TOKENS, prompts=cases))
    params = sum(p.numel() for p in model.parameters())
    check_saved(out_dir, prompt_ids)
    return dict(params=params, cache_diff=max(d for d, _ in report.values()),
                min_gap=min(g for _, g in report.values()))


@torch.no_grad()
def check_saved(out_dir: pathlib.Path, prompt_ids: dict) -> None:
    """The files on disk are what the goldens describe: transformers'
    Auto classes reload them and reproduce the logits, and the
    reloaded tokenizer gives the same ids (and ChatML where present)."""
    model = AutoModelForCausalLM.from_pretrained(out_dir, dtype=torch.float32,
                                                 attn_implementation="eager").eval()
    hf_tok = AutoTokenizer.from_pretrained(out_dir)
    for name, text in PROMPTS:
        want = np.load(out_dir / "golden" / f"{name}.logits.npy")
        got = full_logits(model, prompt_ids[name]).numpy()
        # Equal up to float32 rounding (kernels may block differently for
        # mmapped weights), far below any test tolerance.
        err = np.abs(got - want).max() / np.abs(want).max()
        assert err < 1e-6, f"{out_dir.name}/{name}: reloaded logits differ by {err}"
        assert hf_tok(text, add_special_tokens=False)["input_ids"] == prompt_ids[name], name
    if hf_tok.chat_template:
        msgs = [{"role": "user", "content": "这个多少钱？"}]
        chat = hf_tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        assert chat == dict(PROMPTS)["chatml"], chat


def main() -> None:
    torch.set_num_threads(1)
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    OUTPUT.mkdir(parents=True)

    tok = build_tokenizer()
    vocab_size = tok.get_vocab_size(with_added_tokens=True)
    ids = {t: tok.token_to_id(t) for t in (ENDOFTEXT, IM_START, IM_END)}
    prompt_ids = {name: tok.encode(text, add_special_tokens=False).ids for name, text in PROMPTS}
    for name, text in PROMPTS:
        assert tok.decode(prompt_ids[name], skip_special_tokens=False) == text, name

    for spec in model_specs(vocab_size, ids):
        info = make_model(spec, tok, prompt_ids)
        print(f"{spec['name']}: {info['params']} parameters, vocab {vocab_size}, "
              f"max |cache - full| = {info['cache_diff']:.3g}, "
              f"min greedy top-1/top-2 gap = {info['min_gap']:.3g}")
    print("prompt ids:", json.dumps(prompt_ids, ensure_ascii=False))


if __name__ == "__main__":
    main()
