"""Trains the demo model's SentencePiece tokenizer with Debian's spm_train.

  python train_tokenizer.py CORPUS_DIR OUT_DIR [--vocab 4096]

Writes OUT_DIR/tokenizer.model (+ .vocab) and OUT_DIR/tokenizer_stats.json.

Choices (why):
  * model_type=bpe: liveformer and llama.cpp encode a GGUF "llama"
    vocabulary by merging the best-scoring adjacent pair first, which is
    exactly SentencePiece-BPE's encoding; for a unigram model it is only an
    approximation of the Viterbi segmentation, so training and inference
    could see different token sequences.
  * normalization_rule_name=identity, add_dummy_prefix=false,
    remove_extra_whitespaces=false: the text is tokenized as written (no
    NFKC, no leading "▁"), which the GGUF loader reproduces with
    tokenizer.ggml.add_space_prefix=false; Chinese text has no word spaces
    anyway.
  * split_digits=true: prices, stock counts and model codes are copied
    digit by digit, so no number is a piece the model must memorise.
  * character_coverage=1.0: the synthetic corpus has only ~1.2k distinct
    characters and every one may have to be copied from a product name, so
    none is dropped (SentencePiece's CJK default 0.9995 turned e.g. 烛 into
    three byte tokens). byte_fallback=true: characters never seen in
    training (real viewers' comments) become <0xNN> byte pieces, never
    <unk>; so does "\n", which spm_train never sees inside a line.
  * <|im_start|>, <|im_end|> as user_defined_symbols: always one piece,
    never split or merged.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import sentencepiece as spm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prompts import IM_END, IM_START, chatml, classify_continuations, classify_messages, render_product  # noqa: E402


def train(corpus: Path, out: Path, vocab: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / "tokenizer"
    cmd = [
        "spm_train", f"--input={corpus / 'tokenizer_text.txt'}", f"--model_prefix={prefix}",
        f"--vocab_size={vocab}", "--model_type=bpe", "--character_coverage=1.0", "--byte_fallback=true",
        f"--user_defined_symbols={IM_START},{IM_END}", "--normalization_rule_name=identity",
        "--add_dummy_prefix=false", "--remove_extra_whitespaces=false", "--split_digits=true",
        "--unk_id=0", "--bos_id=1", "--eos_id=2", "--pad_id=-1", "--num_threads=2", "--minloglevel=1",
    ]
    subprocess.run(cmd, check=True)
    return prefix.with_suffix(".model")


def check(model_path: Path, corpus: Path) -> dict:
    sp = spm.SentencePieceProcessor(model_file=str(model_path))
    for marker in (IM_START, IM_END):
        ids = sp.encode(marker)
        assert len(ids) == 1 and sp.id_to_piece(ids[0]) == marker, f"{marker} is not one piece: {ids}"

    # Tokens per character on held-out text (eval products' prompts).
    products = [json.loads(line) for line in (corpus / "catalog_eval.jsonl").open(encoding="utf-8")]
    text = "\n".join(render_product(p) for p in products)
    ids = sp.encode(text)
    n_bytes = sum(1 for i in ids if sp.is_byte(i))

    # Classification scoring needs token(prefix + continuation) to start with
    # token(prefix): the continuation must not merge into the prefix.
    comments = [json.loads(line)["comment"] for line in (corpus / "eval" / "classify.jsonl").open(encoding="utf-8")]
    for c in comments[:200]:
        prefix = chatml(classify_messages(c), add_generation_prompt=True) + "意图："
        p_ids = sp.encode(prefix)
        for _, _, cont in classify_continuations():
            full = sp.encode(prefix + cont)
            assert full[: len(p_ids)] == p_ids, f"continuation {cont!r} merges into the prefix for {c!r}"
    round_trip = all(sp.decode(sp.encode(c)) == c for c in comments)
    return {
        "vocab_size": sp.get_piece_size(),
        "eval_product_chars": len(text),
        "eval_product_tokens": len(ids),
        "tokens_per_char": round(len(ids) / len(text), 4),
        "byte_fallback_tokens": n_bytes,
        "comments_round_trip": round_trip,
        "label_continuations_tokens": {cont: len(sp.encode(cont)) for _, _, cont in classify_continuations()[:3]},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--vocab", type=int, default=4096)
    args = ap.parse_args()
    model = train(args.corpus, args.out, args.vocab)
    stats = check(model, args.corpus)
    (args.out / "tokenizer_stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(stats, ensure_ascii=False))


if __name__ == "__main__":
    main()
