#!/usr/bin/env python3
"""Writes the malformed-file corpus in tests/data/bad/ (plain Python, no
third-party packages), and its manifest tests/data/bad/expected.tsv.

Usage (from the repository root):
  python3 tools/reference/make_bad_corpus.py

Every file is small and built by hand from the format specs, so each defect
is exactly one thing: a GGUF model cut at each section, impossible counts,
lengths, shapes, offsets and type ids, poisoned weights, missing metadata;
safetensors files with bad header lengths, offsets, dtypes and sizes;
Hugging Face directory files (config.json, tokenizer.json,
tokenizer_config.json) with wrong types or missing keys, and an unusable
chat template. tests/formats/test_bad_corpus.cpp loads each through the
public loaders and the C API and checks the error message holds the
fragment written in expected.tsv.

Manifest columns (tab-separated; '#' lines are comments):
  path      file or directory, relative to tests/data/bad/
  loader    model          lf::Model::load on the file (and lf_model_load)
            safetensors    lf::SafetensorsFile::open
            hf:BASE        a copy of tests/data/models/BASE with the files of
                           the directory `path` laid over it, then
                           lf::Model::load (and lf_model_load)
            hf_chat:BASE   the same, loads fine; resolving its chat template
                           (lf::ChatTemplate::resolve, lf_chat_apply_template)
                           must fail
  expected  a fragment the error message must contain; "OK" for the valid
            control files that must load
"""
import json
import math
import pathlib
import shutil
import struct

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "bad"

# ---- GGUF ------------------------------------------------------------------

GGUF_U32, GGUF_I32, GGUF_F32, GGUF_BOOL, GGUF_STRING, GGUF_ARRAY = 4, 5, 6, 7, 8, 9
GGML_F32, GGML_Q8_0, GGML_I32 = 0, 8, 26


def gstr(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def kv_value(vtype, value):
    """Encoded value of one metadata pair (after its key)."""
    if vtype == GGUF_U32:
        return struct.pack("<II", vtype, value)
    if vtype == GGUF_F32:
        return struct.pack("<If", vtype, value)
    if vtype == GGUF_BOOL:
        return struct.pack("<IB", vtype, value)
    if vtype == GGUF_STRING:
        return struct.pack("<I", vtype) + gstr(value)
    if vtype == GGUF_ARRAY:
        etype, items = value
        out = struct.pack("<IIQ", vtype, etype, len(items))
        for it in items:
            out += {GGUF_STRING: lambda x: gstr(x), GGUF_F32: lambda x: struct.pack("<f", x),
                    GGUF_I32: lambda x: struct.pack("<i", x)}[etype](it)
        return out
    raise ValueError(vtype)


class Tiny:
    """A one-layer llama-architecture model (vocab 8, width 8, 2 heads with
    one KV head, FFN 16) with a SentencePiece vocabulary; loads as is."""
    VOCAB, EMBD, HEADS, KV_HEADS, HEAD_DIM, FF, CTX = 8, 8, 2, 1, 4, 16, 32

    @classmethod
    def metadata(cls):
        tokens = ["<unk>", "<s>", "</s>", "\u2581", "a", "b", "\u2581a", "\u2581b"]
        return [
            ("general.architecture", GGUF_STRING, "llama"),
            ("general.name", GGUF_STRING, "bad-corpus-tiny"),
            ("llama.embedding_length", GGUF_U32, cls.EMBD),
            ("llama.block_count", GGUF_U32, 1),
            ("llama.attention.head_count", GGUF_U32, cls.HEADS),
            ("llama.attention.head_count_kv", GGUF_U32, cls.KV_HEADS),
            ("llama.feed_forward_length", GGUF_U32, cls.FF),
            ("llama.context_length", GGUF_U32, cls.CTX),
            ("llama.attention.layer_norm_rms_epsilon", GGUF_F32, 1e-5),
            ("llama.rope.freq_base", GGUF_F32, 10000.0),
            ("tokenizer.ggml.model", GGUF_STRING, "llama"),
            ("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, tokens)),
            ("tokenizer.ggml.scores", GGUF_ARRAY, (GGUF_F32, [0, 0, 0, -1, -2, -3, -0.5, -0.6])),
            ("tokenizer.ggml.token_type", GGUF_ARRAY, (GGUF_I32, [2, 3, 3, 1, 1, 1, 1, 1])),
            ("tokenizer.ggml.bos_token_id", GGUF_U32, 1),
            ("tokenizer.ggml.eos_token_id", GGUF_U32, 2),
            ("tokenizer.ggml.unknown_token_id", GGUF_U32, 0),
        ]

    @classmethod
    def tensors(cls):
        """(name, shape in row-major order, f32 values)."""
        e, q, kv, ff = cls.EMBD, cls.HEADS * cls.HEAD_DIM, cls.KV_HEADS * cls.HEAD_DIM, cls.FF
        shapes = [("token_embd.weight", (cls.VOCAB, e)), ("blk.0.attn_norm.weight", (e,)),
                  ("blk.0.attn_q.weight", (q, e)), ("blk.0.attn_k.weight", (kv, e)),
                  ("blk.0.attn_v.weight", (kv, e)), ("blk.0.attn_output.weight", (e, q)),
                  ("blk.0.ffn_norm.weight", (e,)), ("blk.0.ffn_gate.weight", (ff, e)),
                  ("blk.0.ffn_up.weight", (ff, e)), ("blk.0.ffn_down.weight", (e, ff)),
                  ("output_norm.weight", (e,)), ("output.weight", (cls.VOCAB, e))]
        out = []
        for s, (name, shape) in enumerate(shapes):
            n = math.prod(shape)
            norm = name.endswith("norm.weight")
            out.append((name, shape, [1.0 if norm else ((37 * i + 11 * s) % 101 - 50) / 128 for i in range(n)]))
        return out


class Gguf:
    """A GGUF v3 file laid out by hand. Fields can be changed before
    build(); `marks` records where each section starts for truncation."""

    def __init__(self):
        self.magic = b"GGUF"
        self.version = 3
        self.n_tensors = None  # override of the true counts
        self.n_kv = None
        self.kvs = [(k, t, v) for k, t, v in Tiny.metadata()]
        self.raw_kvs = []      # extra hand-encoded pairs, appended as is
        self.alignment = 32
        self.infos = []        # [name, ne (GGUF order), ggml type, offset]
        self.data = b""
        self.marks = {}
        for name, shape, values in Tiny.tensors():
            self.add_tensor(name, shape, values)

    def add_tensor(self, name, shape, values):
        while len(self.data) % self.alignment:
            self.data += b"\0"
        self.infos.append([name, list(reversed(shape)), GGML_F32, len(self.data)])
        self.data += struct.pack("<%df" % len(values), *values)

    def set_value(self, key, vtype, value):
        self.kvs = [(k, vtype, value) if k == key else (k, t, v) for k, t, v in self.kvs]

    def drop_key(self, key):
        self.kvs = [kv for kv in self.kvs if kv[0] != key]

    def info(self, name):
        return next(i for i in self.infos if i[0] == name)

    def build(self):
        n_kv = len(self.kvs) + len(self.raw_kvs)
        b = self.magic + struct.pack("<IQQ", self.version,
                                     len(self.infos) if self.n_tensors is None else self.n_tensors,
                                     n_kv if self.n_kv is None else self.n_kv)
        self.marks["kv"] = len(b)
        for k, t, v in self.kvs:
            self.marks["key:" + k] = len(b)
            b += gstr(k)
            self.marks["value:" + k] = len(b)
            b += kv_value(t, v)
        for raw in self.raw_kvs:
            b += raw
        self.marks["infos"] = len(b)
        for name, ne, gtype, offset in self.infos:
            self.marks["info:" + name] = len(b)
            b += gstr(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
            b += struct.pack("<IQ", gtype, offset)
        while len(b) % self.alignment:
            b += b"\0"
        self.marks["data"] = len(b)
        return b + self.data


# ---- safetensors -------------------------------------------------------------


def safetensors(header, data, header_len=None):
    h = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h) if header_len is None else header_len) + h + data


def st_tensor(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


# ---- the corpus ------------------------------------------------------------------


class Corpus:
    def __init__(self):
        self.rows = []

    def file(self, name, data, loader, expected):
        (OUT / name).write_bytes(data)
        self.rows.append((name, loader, expected))

    def directory(self, name, files, loader, expected):
        d = OUT / name
        d.mkdir()
        for fname, content in files.items():
            (d / fname).write_bytes(content if isinstance(content, bytes) else content.encode())
        self.rows.append((name, loader, expected))


def gguf_cases(c):
    good = Gguf()
    full = good.build()
    m = good.marks
    c.file("gguf_valid_control.gguf", full, "model", "OK")

    # Truncated at every section.
    c.file("gguf_cut_in_header.gguf", full[:6], "model", "header: version at offset 4 needs 4 bytes, but the file ends at 6")
    c.file("gguf_cut_in_kv_count.gguf", full[:20], "model",
           "header: metadata count at offset 16 needs 8 bytes, but the file ends at 20")
    # Late enough that the 17 pairs could still fit in what is left.
    c.file("gguf_cut_in_key.gguf", full[:m["key:tokenizer.ggml.eos_token_id"] + 12], "model",
           "metadata pair #15: key length 27 at offset %d extends past the end" % m["key:tokenizer.ggml.eos_token_id"])
    c.file("gguf_cut_in_value.gguf", full[:m["value:tokenizer.ggml.tokens"] + 40], "model",
           "metadata key 'tokenizer.ggml.tokens': array of 8 string elements at offset")
    c.file("gguf_cut_in_tensor_infos.gguf", full[:m["info:blk.0.attn_v.weight"] + 20], "model",
           "tensor info #4: tensor name length 19 at offset")
    c.file("gguf_cut_before_data.gguf", full[:m["data"]], "model",
           "tensor 'token_embd.weight' data [offset 0, size 256)")
    c.file("gguf_cut_in_data.gguf", full[:m["data"] + len(good.data) // 2], "model",
           "extends past the end of the file")

    def variant(name, expected, change):
        g = Gguf()
        change(g)
        c.file(name, g.build(), "model", expected)

    # Header.
    variant("gguf_wrong_magic.gguf", "not a GGUF file: the magic is \"GGML\"", lambda g: setattr(g, "magic", b"GGML"))
    variant("gguf_version_1.gguf", "GGUF version 1 is not supported", lambda g: setattr(g, "version", 1))
    variant("gguf_version_future.gguf", "GGUF version 7 is not supported (only versions 2 and 3)",
            lambda g: setattr(g, "version", 7))
    variant("gguf_kv_count_2e62.gguf", "metadata count 4611686018427387904 cannot fit",
            lambda g: setattr(g, "n_kv", 1 << 62))
    variant("gguf_tensor_count_2e62.gguf", "tensor count 4611686018427387904 cannot fit",
            lambda g: setattr(g, "n_tensors", 1 << 62))

    # Metadata.
    def long_string(g):  # a string value whose length runs far past the end
        g.raw_kvs.append(gstr("general.description") + struct.pack("<IQ", GGUF_STRING, 1 << 40) + b"abc")
    variant("gguf_string_past_end.gguf", "metadata key 'general.description': string length 1099511627776", long_string)

    def huge_array(g):  # an array count of 2^62 strings
        g.raw_kvs.append(gstr("tokenizer.ggml.merges") + struct.pack("<IIQ", GGUF_ARRAY, GGUF_STRING, 1 << 62))
    variant("gguf_array_length_huge.gguf",
            "metadata key 'tokenizer.ggml.merges': array of 4611686018427387904 string elements", huge_array)
    variant("gguf_duplicate_key.gguf", "duplicate metadata key 'llama.block_count'",
            lambda g: g.kvs.append(("llama.block_count", GGUF_U32, 1)))
    variant("gguf_bool_not_0_or_1.gguf", "bool value 2",
            lambda g: g.kvs.append(("general.flag", GGUF_BOOL, 2)))
    variant("gguf_alignment_not_power_of_two.gguf", "general.alignment 48 is not a power of two",
            lambda g: g.kvs.append(("general.alignment", GGUF_U32, 48)))

    # Tensor infos.
    def set_info(name, field, value):
        return lambda g: g.info(name).__setitem__(field, value)
    variant("gguf_offset_out_of_range.gguf", "tensor 'output.weight' data [offset 1073741824, size 256)",
            set_info("output.weight", 3, 1 << 30))

    def overlap(g):
        g.info("blk.0.attn_k.weight")[3] = g.info("blk.0.attn_q.weight")[3]
    variant("gguf_overlapping_tensors.gguf", "tensors 'blk.0.attn_q.weight'", overlap)

    def misaligned(g):
        g.info("output.weight")[3] += 4
        g.data += b"\0" * 4
    variant("gguf_misaligned_offset.gguf", "tensor 'output.weight' data offset 2660 is not a multiple of the alignment 32",
            misaligned)
    variant("gguf_unknown_ggml_type.gguf", "tensor 'blk.0.ffn_up.weight': unknown ggml type 99",
            set_info("blk.0.ffn_up.weight", 2, 99))
    variant("gguf_n_dims_0.gguf", "tensor 'blk.0.attn_norm.weight': n_dims 0 is outside 1..4",
            set_info("blk.0.attn_norm.weight", 1, []))
    variant("gguf_n_dims_5.gguf", "tensor 'blk.0.attn_norm.weight': n_dims 5 is outside 1..4",
            set_info("blk.0.attn_norm.weight", 1, [8, 1, 1, 1, 1]))
    variant("gguf_dims_overflow_int64.gguf", "element count of dims [4294967296,4294967296] overflows int64",
            set_info("output.weight", 1, [1 << 32, 1 << 32]))
    variant("gguf_dims_overflow_bytes.gguf", "byte size of dims [4611686018427387904] as F32 overflows int64",
            set_info("output.weight", 1, [1 << 62]))
    variant("gguf_duplicate_tensor_name.gguf", "duplicate tensor name 'blk.0.attn_q.weight'",
            set_info("blk.0.attn_k.weight", 0, "blk.0.attn_q.weight"))
    variant("gguf_q8_0_partial_block.gguf", "ne[0] = 8 is not a multiple of the Q8_0 block size 32",
            set_info("output.weight", 2, GGML_Q8_0))

    # Valid files the model loader must refuse.
    def poison(name, index, value):
        def change(g):
            info = g.info(name)
            at = info[3] + 4 * index
            g.data = g.data[:at] + struct.pack("<f", value) + g.data[at + 4:]
        return change
    variant("gguf_nan_weight.gguf", "tensor 'blk.0.ffn_down.weight' holds a non-finite value",
            poison("blk.0.ffn_down.weight", 5, float("nan")))
    variant("gguf_inf_weight.gguf", "tensor 'token_embd.weight' holds a non-finite value",
            poison("token_embd.weight", 17, float("-inf")))
    variant("gguf_no_architecture.gguf", "metadata key 'general.architecture' not found",
            lambda g: g.drop_key("general.architecture"))
    variant("gguf_no_vocabulary.gguf", "metadata key 'tokenizer.ggml.tokens' not found",
            lambda g: g.drop_key("tokenizer.ggml.tokens"))
    variant("gguf_unknown_architecture.gguf", "unsupported architecture 'rwkv'",
            lambda g: g.set_value("general.architecture", GGUF_STRING, "rwkv"))
    variant("gguf_missing_tensor.gguf", "missing tensor 'blk.0.ffn_gate.weight'",
            lambda g: g.infos.remove(g.info("blk.0.ffn_gate.weight")))
    variant("gguf_unloadable_type_i32.gguf", "tensor 'output.weight' has unsupported tensor type I32 (ggml type 26)",
            set_info("output.weight", 2, GGML_I32))
    # The vocabulary metadata.
    tokens = dict((k, v) for k, _, v in Tiny.metadata())["tokenizer.ggml.tokens"][1]
    variant("gguf_tokenizer_model_unknown.gguf", "tokenizer.ggml.model 'bert' is not supported",
            lambda g: g.set_value("tokenizer.ggml.model", GGUF_STRING, "bert"))
    variant("gguf_tokens_not_strings.gguf", "metadata key 'tokenizer.ggml.tokens' is array[int32], expected array[string]",
            lambda g: g.set_value("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_I32, list(range(8)))))
    variant("gguf_scores_count_mismatch.gguf", "vocabulary has 7 scores for 8 tokens",
            lambda g: g.set_value("tokenizer.ggml.scores", GGUF_ARRAY, (GGUF_F32, [0.0] * 7)))
    variant("gguf_token_type_unknown.gguf", "unknown token type 99",
            lambda g: g.set_value("tokenizer.ggml.token_type", GGUF_ARRAY, (GGUF_I32, [2, 3, 3, 1, 1, 1, 1, 99])))
    variant("gguf_bos_out_of_range.gguf", "bos id 99 out of range [0, 8)",
            lambda g: g.set_value("tokenizer.ggml.bos_token_id", GGUF_U32, 99))
    variant("gguf_duplicate_token_text.gguf", "token text 'a' appears twice (second time at id 5)",
            lambda g: g.set_value("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, tokens[:5] + ["a"] + tokens[6:])))

    def vocab_of_nine(g):
        g.set_value("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, tokens + ["c"]))
        g.set_value("tokenizer.ggml.scores", GGUF_ARRAY, (GGUF_F32, [0.0] * 9))
        g.set_value("tokenizer.ggml.token_type", GGUF_ARRAY, (GGUF_I32, [2, 3, 3, 1, 1, 1, 1, 1, 1]))
    variant("gguf_vocab_larger_than_embedding.gguf", "tokenizer has 9 tokens but the model only 8 embeddings",
            vocab_of_nine)
    variant("gguf_chat_template_wrong_type.gguf", "metadata key 'tokenizer.chat_template' is uint32",
            lambda g: g.kvs.append(("tokenizer.chat_template", GGUF_U32, 7)))
    variant("gguf_block_count_wrong_type.gguf", "metadata key 'llama.block_count' is string",
            lambda g: g.set_value("llama.block_count", GGUF_STRING, "one"))


def safetensors_cases(c):
    w = struct.pack("<4f", 1, 2, 3, 4)
    c.file("st_valid_control.safetensors", safetensors({"w": st_tensor("F32", [2, 2], 0, 16)}, w), "safetensors", "OK")
    c.file("st_too_short.safetensors", b"\x10\0\0", "safetensors", "3 bytes, too short for the 8-byte header length")
    c.file("st_header_past_eof.safetensors", safetensors({"w": st_tensor("F32", [4], 0, 16)}, w, header_len=5000),
           "safetensors", "header length 5000 exceeds the")
    c.file("st_header_not_json.safetensors", safetensors(b"{\"w\": {\"dtype\": F32}}", w), "safetensors",
           "header is not valid JSON")
    c.file("st_header_is_array.safetensors", safetensors([1, 2], w), "safetensors",
           "header is an array, expected a JSON object")
    c.file("st_negative_offset.safetensors", safetensors({"w": st_tensor("F32", [4], -16, 0)}, w), "safetensors",
           "tensor 'w' data_offsets [-16,0] has a negative offset")
    c.file("st_reversed_offsets.safetensors", safetensors({"w": st_tensor("F32", [4], 16, 0)}, w), "safetensors",
           "tensor 'w' data_offsets [16, 0) are reversed")
    c.file("st_overlapping.safetensors",
           safetensors({"a": st_tensor("F32", [3], 0, 12), "b": st_tensor("F32", [2], 8, 16)}, w), "safetensors",
           "tensors 'a' [0, 12) and 'b' [8, 16) overlap")
    c.file("st_offset_out_of_range.safetensors", safetensors({"w": st_tensor("F32", [4], 4096, 4112)}, w),
           "safetensors", "tensor 'w' data_offsets [4096, 4112) extend past the end of the data section (16 bytes)")
    c.file("st_size_mismatch.safetensors", safetensors({"w": st_tensor("F32", [3, 2], 0, 16)}, w), "safetensors",
           "tensor 'w' data_offsets [0, 16) do not match dtype F32 shape [3,2] (24 bytes)")
    c.file("st_unknown_dtype.safetensors", safetensors({"w": st_tensor("Q4_0", [4], 0, 16)}, w), "safetensors",
           "tensor 'w' has unknown dtype 'Q4_0'")
    c.file("st_shape_overflow.safetensors",
           safetensors({"w": st_tensor("F32", [4611686018427387904, 4611686018427387904], 0, 16)}, w), "safetensors",
           "has more elements than fit in 64 bits")
    c.file("st_duplicate_name.safetensors",
           safetensors(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                       b'"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', w), "safetensors",
           "header has duplicate key 'w'")
    c.file("st_missing_dtype.safetensors", safetensors({"w": {"shape": [4], "data_offsets": [0, 16]}}, w),
           "safetensors", "tensor 'w' has no \"dtype\" field")


UNRECOGNISED_TEMPLATE = "chat template: the model's chat template is not one liveformer recognises"


def hf_cases(c):
    models = OUT.parents[0] / "models"
    config = json.loads((models / "llama" / "config.json").read_text())

    def config_variant(name, expected, change):
        j = json.loads(json.dumps(config))
        change(j)
        c.directory(name, {"config.json": json.dumps(j, indent=2)}, "hf:llama", expected)

    c.directory("hf_config_not_json", {"config.json": '{"model_type": "llama", "hidden_size": 64,'}, "hf:llama",
                "config.json: malformed JSON")
    config_variant("hf_config_wrong_type", "config.json: \"hidden_size\" must be an integer, got \"64\"",
                   lambda j: j.__setitem__("hidden_size", "64"))
    config_variant("hf_config_missing_key", "config.json: missing \"num_hidden_layers\"",
                   lambda j: j.pop("num_hidden_layers"))
    config_variant("hf_config_unknown_model_type", "config.json: unsupported model_type 'mamba'",
                   lambda j: j.__setitem__("model_type", "mamba"))
    config_variant("hf_config_negative_size", "config.json: feed-forward width must be positive, got -4",
                   lambda j: j.__setitem__("intermediate_size", -4))

    gen = json.loads((models / "llama" / "generation_config.json").read_text())
    gen["temperature"] = "hot"
    c.directory("hf_generation_config_wrong_type", {"generation_config.json": json.dumps(gen, indent=2)}, "hf:llama",
                "generation_config.json: \"temperature\" must be a number, got \"hot\"")

    # A safetensors file that holds none of the model's tensors.
    c.directory("hf_safetensors_wrong_tensors",
                {"model.safetensors": safetensors({"w": st_tensor("F32", [4], 0, 16)}, struct.pack("<4f", 1, 2, 3, 4))},
                "hf:llama", "model.safetensors: missing tensor 'model.embed_tokens.weight'")

    # The model's first tensor declared far larger than the file holds.
    c.directory("hf_safetensors_past_end",
                {"model.safetensors": safetensors({"model.embed_tokens.weight": st_tensor("F32", [402, 64], 0, 102912)},
                                                  b"\0" * 16)},
                "hf:llama", "model.safetensors: tensor 'model.embed_tokens.weight' data_offsets [0, 102912) extend past "
                            "the end of the data section (16 bytes)")

    # tokenizer.json: small hand-made files, each wrong in one way.
    def tokenizer(model=None, **top):
        doc = {"version": "1.0", "added_tokens": [], "normalizer": None,
               "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True},
               "decoder": {"type": "ByteLevel"},
               "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]} if model is None else model}
        doc.update(top)
        return json.dumps(doc)

    c.directory("hf_tokenizer_not_json", {"tokenizer.json": '{"model": {"type": "BPE", "vocab": {'}, "hf:qwen2",
                "tokenizer.json: invalid JSON")
    c.directory("hf_tokenizer_no_model", {"tokenizer.json": json.dumps({"version": "1.0", "added_tokens": []})},
                "hf:qwen2", "tokenizer.json: unexpected tokenizer.json structure")
    c.directory("hf_tokenizer_vocab_id_string",
                {"tokenizer.json": tokenizer({"type": "BPE", "vocab": {"a": "zero"}, "merges": []})}, "hf:qwen2",
                "token 'a' has id \"zero\", expected an integer")
    # A float id far outside int64 (converting it was undefined behaviour; fuzz_config_json).
    c.directory("hf_tokenizer_vocab_id_float",
                {"tokenizer.json": tokenizer({"type": "BPE", "vocab": {"a": 6e44}, "merges": []})}, "hf:qwen2",
                "token 'a' has id 6e+44, expected an integer")
    c.directory("hf_tokenizer_unigram", {"tokenizer.json": tokenizer({"type": "Unigram", "vocab": []})}, "hf:qwen2",
                "model type 'Unigram' is not supported (only BPE)")
    # (An empty tokenizer_config.json beside the small ones: the base's names tokens they lack.)
    c.directory("hf_tokenizer_not_byte_level", {"tokenizer.json": tokenizer(), "tokenizer_config.json": "{}"}, "hf:qwen2",
                "vocabulary lacks the single-byte token for byte 0")
    # Whole tokenizer.json files of the base, wrong in one place.
    base_tokenizer = json.loads((models / "qwen2" / "tokenizer.json").read_text())

    def tokenizer_variant(name, expected, change):
        j = json.loads(json.dumps(base_tokenizer))
        change(j)
        c.directory(name, {"tokenizer.json": json.dumps(j, ensure_ascii=False)}, "hf:qwen2", expected)

    tokenizer_variant("hf_tokenizer_bad_regex", "cannot compile pre-tokenizer regex /(\\p{L}+/",
                      lambda j: j.__setitem__("pre_tokenizer", {"type": "Split", "pattern": {"Regex": "(\\p{L}+"},
                                                                "behavior": "Isolated", "invert": False}))
    tokenizer_variant("hf_tokenizer_bad_merge", "' refers to tokens not in the vocabulary",
                      lambda j: j["model"]["merges"].append(["zzzq", "qqqz"]))
    c.directory("hf_tokenizer_duplicate_token",
                {"tokenizer.json": tokenizer({"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": []},
                                             added_tokens=[{"id": 2, "content": "a", "special": True}]),
                 "tokenizer_config.json": "{}"},
                "hf:qwen2", "token text 'a' appears twice")

    # tokenizer_config.json beside a valid tokenizer.json.
    tok_config = json.loads((models / "qwen2" / "tokenizer_config.json").read_text())

    def tok_config_variant(name, loader, expected, change):
        j = json.loads(json.dumps(tok_config))
        change(j)
        c.directory(name, {"tokenizer_config.json": json.dumps(j, indent=2, ensure_ascii=False)}, loader, expected)

    c.directory("hf_tokenizer_config_not_json", {"tokenizer_config.json": '{"eos_token": "<|im_end|>"'}, "hf:qwen2",
                "tokenizer_config.json: invalid JSON")
    tok_config_variant("hf_tokenizer_config_eos_number", "hf:qwen2", "tokenizer_config.json: \"eos_token\" must be",
                       lambda j: j.__setitem__("eos_token", 401))
    tok_config_variant("hf_tokenizer_config_eos_content_number", "hf:qwen2",
                       "tokenizer_config.json: \"eos_token\" must be", lambda j: j.__setitem__("eos_token", {"content": 7}))
    tok_config_variant("hf_tokenizer_config_add_bos_string", "hf:qwen2",
                       "tokenizer_config.json: \"add_bos_token\" must be true or false",
                       lambda j: j.__setitem__("add_bos_token", "yes"))
    tok_config_variant("hf_tokenizer_config_eos_unknown", "hf:qwen2",
                       "tokenizer_config.json: eos_token '<|eot|>' is not in the vocabulary",
                       lambda j: j.__setitem__("eos_token", "<|eot|>"))
    tok_config_variant("hf_chat_template_wrong_type", "hf:qwen2", "tokenizer_config.json: \"chat_template\" must be",
                       lambda j: j.__setitem__("chat_template", 42))
    tok_config_variant("hf_chat_template_list_bad_names", "hf_chat:qwen2", UNRECOGNISED_TEMPLATE,
                       lambda j: j.__setitem__("chat_template", [{"name": 5, "template": "x"},
                                                                 {"name": "default", "template": "{{ x }}"}]))
    tok_config_variant("hf_chat_template_unknown", "hf_chat:qwen2", UNRECOGNISED_TEMPLATE,
                       lambda j: j.__setitem__("chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}"))


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    c = Corpus()
    gguf_cases(c)
    safetensors_cases(c)
    hf_cases(c)
    lines = ["# file\tloader\texpected error fragment (written by tools/reference/make_bad_corpus.py)"]
    lines += ["\t".join(r) for r in c.rows]
    (OUT / "expected.tsv").write_text("\n".join(lines) + "\n")
    print(f"{len(c.rows)} entries in {OUT}")


if __name__ == "__main__":
    main()
