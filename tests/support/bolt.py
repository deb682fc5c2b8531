"""A small write-once writer of bbolt files (the key/value store Trivy keeps its DB in).

Only what a reader needs to open the file and walk its buckets:

- 4096-byte pages; meta pages 0 and 1, each with its FNV-1a-64 checksum (bbolt rejects a
  missing one), an empty freelist page 2, then one leaf page per bucket that is not inline;
- a page longer than a page size spans the next pages (`overflow`), so a bucket never needs
  branch pages: all of its keys fit in one leaf, however many;
- nested buckets; a bucket with no sub-buckets that is small enough is stored inline in its
  parent's value (a bucket header with root 0, followed by its own leaf page), as bbolt does;
- keys sorted bytewise; the file is exactly the high-water mark x the page size.

A bucket is a dict whose values are bytes (a value) or dicts (a sub-bucket).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Union

PAGE_SIZE = 4096
MAGIC = 0xED0CDAED
VERSION = 2

BRANCH_PAGE, LEAF_PAGE, META_PAGE, FREELIST_PAGE = 0x01, 0x02, 0x04, 0x10
BUCKET_LEAF_FLAG = 0x01
PAGE_HEADER = struct.Struct("<QHHI")  # id, flags, count, overflow
LEAF_ELEMENT = struct.Struct("<IIII")  # flags, pos (from the element), key size, value size
BUCKET_HEADER = struct.Struct("<QQ")  # root page id (0 = inline), sequence
META = struct.Struct("<IIII QQ QQQ")  # magic, version, page size, flags, root bucket, freelist, pgid, txid
INLINE_LIMIT = PAGE_SIZE // 4

Bucket = dict[bytes, Union[bytes, "Bucket"]]


def fnv1a_64(data: bytes) -> int:
    value = 0xCBF29CE484222325
    for byte in data:
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


class _Pages:
    """Page ids handed out in order; page bytes kept until the file is written."""

    def __init__(self) -> None:
        self.next_id = 3  # 0 and 1 are the meta pages, 2 the freelist
        self.blobs: list[bytes] = []

    def add_leaf(self, elements: list[tuple[int, bytes, bytes]]) -> int:
        page_id = self.next_id
        body = _leaf_body(elements)
        pages = max(1, -(-(PAGE_HEADER.size + len(body)) // PAGE_SIZE))
        blob = PAGE_HEADER.pack(page_id, LEAF_PAGE, len(elements), pages - 1) + body
        self.blobs.append(blob.ljust(pages * PAGE_SIZE, b"\0"))
        self.next_id += pages
        return page_id


def _leaf_body(elements: list[tuple[int, bytes, bytes]]) -> bytes:
    if len(elements) > 0xFFFF:
        raise ValueError("more than 65535 keys in one bucket")
    headers = bytearray()
    data = bytearray()
    table_size = LEAF_ELEMENT.size * len(elements)
    for index, (flags, key, value) in enumerate(elements):
        position = table_size - index * LEAF_ELEMENT.size + len(data)
        headers += LEAF_ELEMENT.pack(flags, position, len(key), len(value))
        data += key + value
    return bytes(headers + data)


def _bucket_value(bucket: Bucket, pages: _Pages) -> bytes:
    """The value a parent stores for `bucket`: its header, plus the bucket itself when inline."""
    elements = _elements(bucket, pages)
    body = _leaf_body(elements)
    has_sub_buckets = any(isinstance(value, dict) for value in bucket.values())
    if not has_sub_buckets and PAGE_HEADER.size + len(body) <= INLINE_LIMIT:
        return BUCKET_HEADER.pack(0, 0) + PAGE_HEADER.pack(0, LEAF_PAGE, len(elements), 0) + body
    return BUCKET_HEADER.pack(pages.add_leaf(elements), 0)


def _elements(bucket: Bucket, pages: _Pages) -> list[tuple[int, bytes, bytes]]:
    elements = []
    for key in sorted(bucket):
        if not key:
            raise ValueError("bbolt keys cannot be empty")
        value = bucket[key]
        if isinstance(value, dict):
            elements.append((BUCKET_LEAF_FLAG, key, _bucket_value(value, pages)))
        else:
            elements.append((0, key, value))
    return elements


def _meta_page(page_id: int, root: int, high_water: int, txid: int) -> bytes:
    fields = META.pack(MAGIC, VERSION, PAGE_SIZE, 0, root, 0, 2, high_water, txid)
    checksum = struct.pack("<Q", fnv1a_64(fields))
    page = PAGE_HEADER.pack(page_id, META_PAGE, 0, 0) + fields + checksum
    return page.ljust(PAGE_SIZE, b"\0")


def write_bolt(path: Path, root: Bucket) -> None:
    """Write `root`'s buckets (its values must all be dicts) as a new bbolt file at `path`."""
    if not all(isinstance(value, dict) for value in root.values()):
        raise ValueError("the root of a bbolt file holds buckets only")
    pages = _Pages()
    root_page = pages.add_leaf(_elements(root, pages))
    high_water = pages.next_id
    freelist = PAGE_HEADER.pack(2, FREELIST_PAGE, 0, 0).ljust(PAGE_SIZE, b"\0")
    content = b"".join([_meta_page(0, root_page, high_water, 0), _meta_page(1, root_page, high_water, 1), freelist])
    content += b"".join(pages.blobs)
    assert len(content) == high_water * PAGE_SIZE
    path.write_bytes(content)
