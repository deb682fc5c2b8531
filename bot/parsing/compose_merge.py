"""Compose's merge rules: several documents, override files, `extends`.

A later file overrides an earlier one key by key: mappings merge recursively; `command`,
`entrypoint` and `healthcheck.test` are replaced whole; `environment`, `labels` and friends merge
by name whichever syntax each side uses; `depends_on` merges by service; `volumes` by target
path; other lists are appended without duplicates; scalars are replaced. The result is a
ruamel CommentedMap that keeps the line of every key it took from a source mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap

_REPLACED = frozenset({"command", "entrypoint", "test"})
_BY_NAME = frozenset({"environment", "labels", "annotations", "sysctls", "extra_hosts"})


def merge_documents(documents: Iterable[Any]) -> CommentedMap:
    merged = CommentedMap()
    for document in documents:
        if isinstance(document, dict):
            merged = merge_mappings(merged, document, ())
    return merged


def merge_service(base: Any, override: Any) -> CommentedMap:
    """`override` (a later file's, or the extending service's settings) applied to `base`."""
    return merge_mappings(base if isinstance(base, dict) else {}, override if isinstance(override, dict) else {}, ())


def merge_mappings(base: Any, override: Any, path: tuple[str, ...]) -> CommentedMap:
    result = CommentedMap()
    for key in base:
        result[key] = base[key]
        _copy_line(result, base, key)
    for key in override:
        value = override[key]
        result[key] = merge_values(result[key], value, (*path, str(key))) if key in result else value
        _copy_line(result, override, key)
    return result


def merge_values(base: Any, override: Any, path: tuple[str, ...]) -> Any:
    key = path[-1] if path else ""
    if key in _REPLACED or override is None:
        return override
    if key in _BY_NAME and isinstance(base, dict | list) and isinstance(override, dict | list):
        return merge_mappings(_as_mapping(base), _as_mapping(override), path)
    if key == "depends_on" and isinstance(base, dict | list) and isinstance(override, dict | list):
        return merge_mappings(_dependencies(base), _dependencies(override), path)
    if isinstance(base, dict) and isinstance(override, dict):
        return merge_mappings(base, override, path)
    if key == "volumes" and isinstance(base, list) and isinstance(override, list):
        targets = {_mount_target(item) for item in override}
        return [item for item in base if _mount_target(item) not in targets] + list(override)
    if isinstance(base, list) and isinstance(override, list):
        return list(base) + [item for item in override if item not in base]
    return override


def _as_mapping(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    mapping = CommentedMap()
    for item in value:
        name, eq, rest = str(item).partition("=")
        mapping[name.strip()] = rest if eq else None
    return mapping


def _dependencies(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    return CommentedMap((str(name), {"condition": "service_started"}) for name in value)


def _mount_target(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("target", ""))
    parts = str(item).split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _copy_line(target: CommentedMap, source: Any, key: Any) -> None:
    """Carry the source's line and column of `key` over, so lines survive the merge."""
    data = getattr(getattr(source, "lc", None), "data", None)
    if isinstance(data, dict) and key in data:
        target.lc.add_kv_line_col(key, data[key])
        return
    for merged in getattr(source, "merge", None) or []:
        mapping = merged[1] if isinstance(merged, tuple) else merged
        if isinstance(mapping, dict) and key in mapping:
            _copy_line(target, mapping, key)
            return
