"""What one layer of an image holds: its files, its size, and its size gzip-compressed as a
registry stores it.

A layer is a tar (identified by its sha256, the diff_id `docker image inspect` lists). It is
compressed with gzip at the default level (what `docker push` uploads) to measure its
compressed size, and listed file by file for the wasted-space analysis. The compressor is
zlib-ng: the same deflate format and level as zlib, 1.5 to 2.5 times faster, and within 1% of
zlib's output size on real layers (no two deflate implementations agree to the byte: docker's
own is Go's compress/gzip). Reading layers out of the engine is `bot.image.save`; keeping what
was measured, `bot.image.layer_cache`.

The containerd image store (Docker Engine 29's default) keeps each layer as the gzip blob the
builder wrote, and `docker image save` gives that blob: its size is then exactly what a push
uploads, and it is measured as it is, not compressed again (`measure_compressed_layer`).
"""

from __future__ import annotations

import hashlib
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from zlib_ng import zlib_ng

CHUNK_BYTES = 1 << 20
SPOOL_BYTES = 64 << 20
"""Layer data kept in memory up to this size, then on disk."""
GZIP_MAGIC = b"\x1f\x8b"
WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


@dataclass(frozen=True)
class LayerFile:
    path: str
    """Without a leading slash; for a whiteout, the path it deletes."""
    size: int
    kind: str
    """"f" file, "d" directory, "l" link, "w" whiteout (deletes `path`), "o" opaque directory."""


@dataclass(frozen=True)
class LayerData:
    diff_id: str
    tar_bytes: int
    content_bytes: int
    """Sum of the sizes of the regular files it adds: its uncompressed size as `docker history`."""
    gzip_bytes: int
    files: tuple[LayerFile, ...]


class MeasureError(Exception):
    """The image could not be read back from the engine."""


def measure_layer(diff_id: str, layer: IO[bytes]) -> LayerData:
    """Size, gzip size and file list of one layer tar (a seekable file)."""
    compressor = zlib_ng.compressobj(6, zlib_ng.DEFLATED, 31)  # gzip framing, default level
    compressed = 0
    total = 0
    while chunk := layer.read(CHUNK_BYTES):
        total += len(chunk)
        compressed += len(compressor.compress(chunk))
    compressed += len(compressor.flush())
    layer.seek(0)
    files = tuple(_entries(layer))
    content = sum(f.size for f in files if f.kind == "f")
    return LayerData(diff_id, total, content, compressed, files)


def measure_compressed_layer(blob: IO[bytes], blob_bytes: int) -> LayerData:
    """A gzip layer blob (a seekable file of `blob_bytes`): the tar inside is hashed for its
    diff_id and listed; its compressed size is the blob's own."""
    digest = hashlib.sha256()
    total = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as tar:
        for tar_bytes in _gunzipped(blob):
            digest.update(tar_bytes)
            tar.write(tar_bytes)
            total += len(tar_bytes)
        tar.seek(0)
        files = tuple(_entries(tar))
    content = sum(f.size for f in files if f.kind == "f")
    return LayerData(f"sha256:{digest.hexdigest()}", total, content, blob_bytes, files)


def _gunzipped(blob: IO[bytes]) -> Iterator[bytes]:
    """The data of a gzip stream of one or more members, chunk by chunk."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        while chunk := blob.read(CHUNK_BYTES):
            while chunk:
                yield inflater.decompress(chunk)
                chunk = inflater.unused_data if inflater.eof else b""
                if chunk:
                    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    except zlib.error as error:
        raise MeasureError(f"a gzip layer of the saved image does not decompress: {error}") from None
    if not inflater.eof:
        raise MeasureError("a gzip layer of the saved image is cut short")


def _entries(layer: IO[bytes]) -> Iterator[LayerFile]:
    with tarfile.open(fileobj=layer, mode="r:") as archive:
        for member in archive:
            yield _entry(member)


def _entry(member: tarfile.TarInfo) -> LayerFile:
    path = member.name.removeprefix("./").strip("/")
    directory, _, name = path.rpartition("/")
    if name == OPAQUE_MARKER:
        return LayerFile(directory, 0, "o")
    if name.startswith(WHITEOUT_PREFIX):
        deleted = name.removeprefix(WHITEOUT_PREFIX)
        return LayerFile(f"{directory}/{deleted}" if directory else deleted, 0, "w")
    if member.isdir():
        return LayerFile(path, 0, "d")
    if member.isfile():
        return LayerFile(path, member.size, "f")
    return LayerFile(path, 0, "l")
