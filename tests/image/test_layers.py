"""Layer measurement: the gzip size is measured, the file list read from the tar itself."""

from __future__ import annotations

import gzip
import io
import os
import struct
import tarfile
import zlib
from pathlib import Path

import pytest

from bot.image.layer_cache import LayerCache
from bot.image.layers import deflate_blocks, measure_layer


def layer_tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in (("app/random", os.urandom(300_000)), ("app/zeros", bytes(500_000))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name in ("app/.wh.old", "etc/.wh..wh..opq"):
            tar.addfile(tarfile.TarInfo(name), io.BytesIO(b""))
    return buffer.getvalue()


def test_measure_layer_gives_the_real_gzip_size_and_the_files(tmp_path: Path) -> None:
    data = layer_tar()
    measured = measure_layer("sha256:abc", io.BytesIO(data))
    assert measured.tar_bytes == len(data)
    zlib_size = len(gzip.compress(data, compresslevel=6, mtime=0))
    assert abs(measured.gzip_bytes - zlib_size) <= zlib_size / 100  # the same as zlib's, within 1%
    assert measured.content_bytes == 800_000
    assert [(f.path, f.kind) for f in measured.files] == [
        ("app/random", "f"),
        ("app/zeros", "f"),
        ("app/old", "w"),
        ("etc", "o"),
    ]
    cache = LayerCache(tmp_path)
    cache.store_layer(measured)
    assert cache.layer("sha256:abc") == measured
    assert cache.layer("sha256:other") is None


@pytest.mark.parametrize("size", [0, 1, 1 << 20, (5 << 20) + 12345])
def test_the_blocks_compressed_in_parallel_make_one_valid_gzip_stream(size: int) -> None:
    text = b"".join(b"line %d of a python file, quite compressible\n" % n for n in range(size // 40 + 1))[: size // 2]
    data = text + os.urandom(size - len(text))
    pieces = [deflated for _block, deflated in deflate_blocks(io.BytesIO(data))]
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    assert gzip.decompress(header + b"".join(pieces) + trailer) == data
    zlib_size = len(gzip.compress(data, compresslevel=6, mtime=0))
    assert abs(len(header) + sum(map(len, pieces)) + len(trailer) - zlib_size) <= max(16, zlib_size / 200)
