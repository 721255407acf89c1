"""A small GGUF (version 3) writer: metadata key/values and f32 / q8_0
tensors. Written from the format description in ggml's docs/gguf.md.

File layout: header (magic "GGUF", version, tensor count, kv count), the
key/values, the tensor infos (name, dims innermost first, type, offset into
the data section), zero padding to `alignment`, then each tensor's data at
its offset, every offset a multiple of `alignment`. All little-endian;
strings are a u64 byte length followed by UTF-8 bytes.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

# gguf value types
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<?", U64: "<Q",
           I64: "<q", F64: "<d"}
_NUMPY = {U8: "<u1", I8: "<i1", U16: "<u2", I16: "<i2", U32: "<u4", I32: "<i4", F32: "<f4", U64: "<u8", I64: "<i8",
          F64: "<f8"}

# ggml tensor types
GGML_F32 = 0
GGML_Q8_0 = 8
Q8_0_BLOCK = 32


def _string(s: str) -> bytes:
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def quantize_q8_0(x: np.ndarray) -> bytes:
    """Rows of 32 values -> blocks of (f16 scale d, 32 x int8), d = max|x| / 127,
    q = round(x / d) (ggml's reference quantize_row_q8_0)."""
    flat = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, Q8_0_BLOCK)
    amax = np.abs(flat).max(axis=1)
    d = amax / 127.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    # ggml rounds with roundf (half away from zero); np.round rounds half to even.
    exact = flat * inv[:, None]
    q = (np.sign(exact) * np.floor(np.abs(exact) + 0.5)).astype(np.int8)
    blocks = np.empty(flat.shape[0], dtype=[("d", "<f2"), ("qs", "i1", (Q8_0_BLOCK,))])
    blocks["d"] = d.astype(np.float16)
    blocks["qs"] = q
    return blocks.tobytes()


class GgufWriter:
    def __init__(self, alignment: int = 32):
        self.alignment = alignment
        self.kv: list[tuple[str, int, object, int | None]] = []
        self.tensors: list[tuple[str, tuple[int, ...], int, bytes]] = []

    def add(self, key: str, vtype: int, value, elem_type: int | None = None) -> None:
        """One key/value; for ARRAY give elem_type and a list."""
        assert all(k != key for k, *_ in self.kv), f"duplicate key {key}"
        self.kv.append((key, vtype, value, elem_type))

    def add_tensor(self, name: str, array: np.ndarray, ggml_type: int = GGML_F32) -> None:
        """array in PyTorch/numpy order (outermost dim first)."""
        a = np.ascontiguousarray(array, dtype=np.float32)
        if ggml_type == GGML_F32:
            data = a.astype("<f4").tobytes()
        elif ggml_type == GGML_Q8_0:
            assert a.shape[-1] % Q8_0_BLOCK == 0, f"{name}: row length {a.shape[-1]} is not a multiple of 32"
            data = quantize_q8_0(a)
        else:
            raise ValueError(f"unsupported ggml type {ggml_type}")
        self.tensors.append((name, tuple(reversed(a.shape)), ggml_type, data))  # GGUF dims: innermost first

    def _value(self, vtype: int, value, elem_type: int | None) -> bytes:
        if vtype == STRING:
            return _string(value)
        if vtype == ARRAY:
            assert elem_type is not None and elem_type != ARRAY
            head = struct.pack("<IQ", elem_type, len(value))
            if elem_type == STRING:
                return head + b"".join(_string(s) for s in value)
            if elem_type == BOOL:
                return head + bytes(1 if v else 0 for v in value)
            return head + np.asarray(value, dtype=_NUMPY[elem_type]).tobytes()
        return struct.pack(_SCALAR[vtype], value)

    def write(self, path: Path) -> None:
        pad = lambda n: (-n) % self.alignment  # noqa: E731
        out = bytearray()
        out += b"GGUF" + struct.pack("<IQQ", 3, len(self.tensors), len(self.kv))
        for key, vtype, value, elem_type in self.kv:
            out += _string(key) + struct.pack("<I", vtype) + self._value(vtype, value, elem_type)
        offset = 0
        for name, dims, gtype, data in self.tensors:
            out += _string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
            out += struct.pack("<IQ", gtype, offset)
            offset += len(data) + pad(len(data))
        out += bytes(pad(len(out)))
        for _, _, _, data in self.tensors:
            out += data + bytes(pad(len(data)))
        tmp = Path(str(path) + ".tmp")
        tmp.write_bytes(out)
        tmp.replace(path)
