#!/usr/bin/env python3
"""Cross-checks liveformer's GgufWriter with PyPI's independent GGUF reader.

Reads the sample file that the C++ test "gguf: write the sample for the
gguf-py cross-check" writes, and asserts that gguf-py sees exactly the
metadata and tensors described in tests/formats/test_gguf_sample.hpp
(recomputed here with numpy; keep the two in step).

Not part of CI: it needs the `gguf` and `numpy` packages.

    LIVEFORMER_GGUF_SAMPLE_OUT=/tmp/sample.gguf build/tests/test_formats "[gguf-sample]"
    python tools/reference/check_gguf_writer.py /tmp/sample.gguf

Exits non-zero (AssertionError) on the first mismatch; prints a summary.
"""

import sys

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFReader, GGUFValueType as V
from gguf.quants import dequantize, quantize

# key -> (gguf-py value types, expected contents), in file order.
METADATA = [
    ("general.architecture", [V.STRING], "liveformer-test"),
    ("test.u8", [V.UINT8], 200),
    ("test.i8", [V.INT8], -100),
    ("test.u16", [V.UINT16], 60000),
    ("test.i16", [V.INT16], -30000),
    ("test.u32", [V.UINT32], 4000000000),
    ("test.i32", [V.INT32], -2000000000),
    ("test.f32", [V.FLOAT32], 1.5),
    ("test.bool", [V.BOOL], True),
    ("test.string", [V.STRING], "héllo wörld"),
    ("test.u64", [V.UINT64], 2**40 + 7),
    ("test.i64", [V.INT64], -(2**40)),
    ("test.f64", [V.FLOAT64], 0.1),
    ("test.array.u8", [V.ARRAY, V.UINT8], [1, 2, 255]),
    ("test.array.i8", [V.ARRAY, V.INT8], [-128, 0, 127]),
    ("test.array.u16", [V.ARRAY, V.UINT16], [0, 65535]),
    ("test.array.i16", [V.ARRAY, V.INT16], [-32768, 32767]),
    ("test.array.u32", [V.ARRAY, V.UINT32], [7, 4294967295]),
    ("test.array.i32", [V.ARRAY, V.INT32], [-5, 0, 5, 2147483647]),
    ("test.array.f32", [V.ARRAY, V.FLOAT32], [0.5, -2.25, float(np.float32(1e-3))]),
    ("test.array.bool", [V.ARRAY, V.BOOL], [True, False, True]),
    ("test.array.string", [V.ARRAY, V.STRING], ["a", "", "ünï"]),
    ("test.array.u64", [V.ARRAY, V.UINT64], [0, 2**64 - 1]),
    ("test.array.i64", [V.ARRAY, V.INT64], [-(2**63), 42]),
    ("test.array.f64", [V.ARRAY, V.FLOAT64], [0.25, -1e100]),
    ("test.array.nested", None, None),  # checked from the raw parts below
    ("test.array.empty", [V.ARRAY], []),  # gguf-py drops an empty array's element type
]

# name, liveformer shape (outermost first), ggml type, seed
TENSORS = [
    ("t.f32", (3, 5), Q.F32, 1),
    ("t.f16", (2, 4), Q.F16, 2),
    ("t.bf16", (7,), Q.BF16, 3),
    ("t.q8_0", (2, 64), Q.Q8_0, 4),
    ("t.q4_0", (3, 32), Q.Q4_0, 5),
    ("t.f32_4d", (2, 1, 3, 2), Q.F32, 6),
    ("t.f16_big", (4, 40), Q.F16, 7),
    ("t.q8_0_3d", (2, 2, 32), Q.Q8_0, 8),
]


def sample_values(shape, seed):
    """k/16 for k in [-50, 50]: exact in f32, f16 and bf16 (see test_gguf_sample.hpp)."""
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((i * 37 + seed * 11) % 101 - 50) / 16.0).astype(np.float32).reshape(shape)


def check_nested(field):
    # parts: key length, key, type ARRAY, element type ARRAY, count 2,
    # then [INT32, 2, 1, 2] and [STRING, 1, length 1, "x"].
    p = [np.asarray(x).tolist() for x in field.parts[2:]]
    assert p[0] == [V.ARRAY] and p[1] == [V.ARRAY] and p[2] == [2], p[:3]
    assert p[3:7] == [[V.INT32], [2], [1], [2]], p[3:7]
    assert p[7:9] == [[V.STRING], [1]] and bytes(p[10]) == b"x", p[7:]


def main(path):
    r = GGUFReader(path)
    fields = {k: f for k, f in r.fields.items() if not k.startswith("GGUF.")}
    assert int(r.fields["GGUF.version"].contents()) == 3
    assert list(fields) == [k for k, _, _ in METADATA], list(fields)
    for key, types, want in METADATA:
        f = fields[key]
        if types is None:
            check_nested(f)
            continue
        assert f.types == types, (key, f.types, types)
        got = f.contents()
        assert got == want, (key, got, want)

    assert [t.name for t in r.tensors] == [n for n, _, _, _ in TENSORS]
    for (name, shape, qtype, seed), t in zip(TENSORS, r.tensors):
        assert t.tensor_type == qtype, (name, t.tensor_type)
        assert tuple(int(d) for d in t.shape) == tuple(reversed(shape)), (name, t.shape)  # GGUF order
        assert t.data_offset % 32 == 0, (name, t.data_offset)
        want = sample_values(shape, seed)
        if qtype == Q.F32:
            assert np.array_equal(np.asarray(t.data).reshape(shape), want), name
        elif qtype == Q.F16:
            assert np.array_equal(np.asarray(t.data).reshape(shape), want.astype(np.float16)), name
        elif qtype == Q.BF16:
            bits = np.frombuffer(np.asarray(t.data).tobytes(), dtype=np.uint16)
            assert np.array_equal(bits, (want.view(np.uint32) >> 16).astype(np.uint16)), name  # exact values
        else:
            # Same bytes as gguf-py's own quantizer, and the expected values back.
            raw = np.asarray(t.data).reshape(-1)
            assert np.array_equal(raw, quantize(want, qtype).reshape(-1)), f"{name}: bytes differ from gguf-py quantize"
            back = dequantize(np.asarray(t.data), qtype).reshape(shape)
            step = np.abs(want).max() / (127 if qtype == Q.Q8_0 else 8)
            assert np.abs(back - want).max() <= step, name
        print(f"  {name:12s} {t.tensor_type.name:5s} ne={list(map(int, t.shape))} ok")
    print(f"{path}: {len(fields)} metadata keys and {len(r.tensors)} tensors match the sample")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
