"""Lines of keys and list items in ruamel.yaml round-trip data, following `<<` merge keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_MAX_MERGE_DEPTH = 16


def key_line(mapping: Any, key: Any) -> int | None:
    """1-based line of `key:` in `mapping`; for a merged-in key, its line in the anchored block."""
    for owner in _owners(mapping, key, 0):
        try:
            return int(owner.lc.key(key)[0]) + 1
        except (AttributeError, KeyError, TypeError):
            continue
    return None


def value_line(mapping: Any, key: Any) -> int | None:
    """1-based line where the value of `key` starts."""
    for owner in _owners(mapping, key, 0):
        try:
            return int(owner.lc.value(key)[0]) + 1
        except (AttributeError, KeyError, TypeError):
            continue
    return None


def item_line(sequence: Any, index: int) -> int | None:
    try:
        return int(sequence.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None


def line_or(default: int, line: int | None) -> int:
    return line if line is not None else default


def _owners(mapping: Any, key: Any, depth: int) -> Iterator[Any]:
    """The mapping itself if it writes `key`, else the merged-in mappings that do."""
    data = getattr(getattr(mapping, "lc", None), "data", None)
    if isinstance(data, dict) and key in data:
        yield mapping
        return
    if depth > _MAX_MERGE_DEPTH:
        return
    for merged in getattr(mapping, "merge", None) or []:
        source = merged[1] if isinstance(merged, tuple) else merged
        yield from _owners(source, key, depth + 1)
