"""Writes a randomly initialised Hugging Face Llama model with the shape of
a real small model, for speed measurements only (its text is noise).

    python tools/bench/make_bench_model.py OUT_DIR --gpt2-tokenizer ../shared/tokenizers/gpt2 \
        [--shape smollm-135m|qwen2.5-0.5b]

The vocabulary is GPT-2's (50,257 tokens, written as tokenizer.json), so
the embedding and output sizes follow it rather than the original model's.

Then make GGUF files of each weight type with liveformer itself:
    build/liveformer convert -m OUT_DIR -o OUT.gguf --type q8_0
Needs torch and transformers (tools/reference/requirements.txt).
"""
import argparse

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM

SHAPES = {
    # SmolLM-135M: 30 layers, width 576, 9 heads / 3 KV heads, FFN 1536.
    "smollm-135m": dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
                        num_key_value_heads=3, tie_word_embeddings=True),
    # Qwen2.5-0.5B's sizes (as a Llama: no q/k/v biases): 24 layers, width 896.
    "qwen2.5-0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                         num_key_value_heads=2, tie_word_embeddings=True),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--gpt2-tokenizer", required=True, help="directory with GPT-2's encoder.json and vocab.bpe")
    ap.add_argument("--shape", choices=list(SHAPES), default="smollm-135m")
    args = ap.parse_args()
    tok = Tokenizer(models.BPE.from_file(f"{args.gpt2_tokenizer}/encoder.json", f"{args.gpt2_tokenizer}/vocab.bpe"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    torch.manual_seed(0)
    cfg = LlamaConfig(max_position_embeddings=2048, rope_theta=10000.0, rms_norm_eps=1e-5,
                      vocab_size=tok.get_vocab_size(), bos_token_id=50256, eos_token_id=50256, **SHAPES[args.shape])
    model = LlamaForCausalLM(cfg)
    model.save_pretrained(args.out, safe_serialization=True)
    tok.save(f"{args.out}/tokenizer.json")
    print(f"{args.out}: {sum(p.numel() for p in model.parameters()):,} parameters")


if __name__ == "__main__":
    main()
