"""A minimal PNG reader for test screenshots: 8-bit RGB / RGBA, not
interlaced (what Chromium writes), with the standard library only so the
test needs no third-party package. Returns rows of (r, g, b) tuples."""

import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(data, width, height, bpp):
    stride = width * bpp
    rows = []
    prev = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind = data[pos]
        line = bytearray(data[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((x + y) & 0xFF for x, y in zip(line, prev))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 0xFF
        elif kind != 0:
            raise ValueError("bad PNG filter type %d" % kind)
        rows.append(line)
        prev = line
    return rows


def read_png(path):
    """Returns (width, height, rows), rows[y][x] = (r, g, b)."""
    blob = open(path, "rb").read()
    if not blob.startswith(_SIGNATURE):
        raise ValueError("%s is not a PNG file" % path)
    pos = len(_SIGNATURE)
    header = None
    idat = []
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        body = blob[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", blob[pos + 8 + length:pos + 12 + length])[0]:
            raise ValueError("%s: CRC mismatch in chunk %r" % (path, kind))
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("%s: no IHDR chunk" % path)
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError("%s: unsupported PNG (depth %d, colour type %d, interlace %d)" %
                         (path, depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    lines = _unfilter(zlib.decompress(b"".join(idat)), width, height, bpp)
    rows = [[tuple(line[x * bpp:x * bpp + 3]) for x in range(width)] for line in lines]
    return width, height, rows
