"""Writes a randomly initialised Hugging Face model with the shape of a real
small model, for speed measurements only (its text is noise).

    python tools/bench/make_bench_model.py OUT_DIR --gpt2-tokenizer ../shared/tokenizers/gpt2 \
        [--shape smollm-135m|qwen2.5-0.5b|gpt2-124m|tinyllama-1.1b]

The vocabulary is GPT-2's byte-level BPE (written as tokenizer.json). Shapes
whose real vocabulary is smaller keep GPT-2's first N tokens and the merges
that stay inside them, so the embedding and output sizes match the original
(TinyLlama: 32,000); the others use all 50,257 tokens.

Then make GGUF files of each weight type with liveformer itself:
    build/liveformer convert -m OUT_DIR -o OUT.gguf --type q8_0
Needs torch and transformers (tools/reference/requirements.txt).
"""
import argparse
import json

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

LLAMA_SHAPES = {
    # SmolLM-135M: 30 layers, width 576, 9 heads / 3 KV heads, FFN 1536.
    "smollm-135m": dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
                        num_key_value_heads=3, tie_word_embeddings=True),
    # Qwen2.5-0.5B's sizes (as a Llama: no q/k/v biases): 24 layers, width 896.
    "qwen2.5-0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                         num_key_value_heads=2, tie_word_embeddings=True),
    # TinyLlama-1.1B: 22 layers, width 2048, 32 heads / 4 KV heads, FFN 5632,
    # vocabulary 32,000, separate output matrix.
    "tinyllama-1.1b": dict(hidden_size=2048, intermediate_size=5632, num_hidden_layers=22, num_attention_heads=32,
                           num_key_value_heads=4, tie_word_embeddings=False, vocab_size=32000),
}
# GPT-2 small (124M): 12 layers, width 768, 12 heads, tied output, 1,024 positions.
GPT2_SHAPES = {"gpt2-124m": dict(n_embd=768, n_layer=12, n_head=12, n_positions=1024)}


def gpt2_tokenizer(directory: str, vocab_size: int | None) -> Tokenizer:
    with open(f"{directory}/encoder.json", encoding="utf-8") as f:
        vocab = json.load(f)
    with open(f"{directory}/vocab.bpe", encoding="utf-8") as f:
        merges = [tuple(line.split()) for line in f.read().splitlines()[1:] if line and not line.startswith("#")]
    if vocab_size is not None:
        vocab = {t: i for t, i in vocab.items() if i < vocab_size}
        merges = [(a, b) for a, b in merges if a in vocab and b in vocab and a + b in vocab]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return tok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--gpt2-tokenizer", required=True, help="directory with GPT-2's encoder.json and vocab.bpe")
    ap.add_argument("--shape", choices=list(LLAMA_SHAPES) + list(GPT2_SHAPES), default="smollm-135m")
    args = ap.parse_args()
    torch.manual_seed(0)
    if args.shape in GPT2_SHAPES:
        tok = gpt2_tokenizer(args.gpt2_tokenizer, None)
        cfg = GPT2Config(vocab_size=tok.get_vocab_size(), bos_token_id=50256, eos_token_id=50256,
                         **GPT2_SHAPES[args.shape])
        model = GPT2LMHeadModel(cfg)
    else:
        shape = dict(LLAMA_SHAPES[args.shape])
        tok = gpt2_tokenizer(args.gpt2_tokenizer, shape.pop("vocab_size", None))
        eos = tok.get_vocab_size() - 1
        cfg = LlamaConfig(max_position_embeddings=2048, rope_theta=10000.0, rms_norm_eps=1e-5,
                          vocab_size=tok.get_vocab_size(), bos_token_id=eos, eos_token_id=eos, **shape)
        model = LlamaForCausalLM(cfg)
    model.save_pretrained(args.out, safe_serialization=True)
    tok.save(f"{args.out}/tokenizer.json")
    print(f"{args.out}: {sum(p.numel() for p in model.parameters()):,} parameters, vocabulary {tok.get_vocab_size()}")


if __name__ == "__main__":
    main()
