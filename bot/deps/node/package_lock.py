"""package-lock.json and npm-shrinkwrap.json, lockfile versions 1, 2 and 3.

v2/v3 list every installed package under `packages` by its node_modules path; the root entry
(`""`) and workspace members say which are direct. v1 nests `dependencies`; its top level is
what was hoisted, so direct-ness comes from package.json (the analyzer fills it in).
"""

from __future__ import annotations

from typing import Any

from bot.deps.jsonfile import JsonProblem, load_json
from bot.deps.model import Dependency, ParsedFile, failed
from bot.deps.node.package_json import SECTIONS
from bot.deps.node.specs import classify
from bot.deps.textpos import LineCounter, json_key_offset

_MARKER = "node_modules/"


def parse_package_lock(path: str, text: str) -> ParsedFile:
    try:
        data = load_json(text)
    except JsonProblem as problem:
        return failed(path, "package-lock", "node", True, problem.line, str(problem))
    if not isinstance(data, dict):
        return failed(path, "package-lock", "node", True, 1, "a package-lock.json is a JSON object")
    version = data.get("lockfileVersion")
    packages = data.get("packages")
    if isinstance(packages, dict) and version != 1:
        return _modern(path, text, packages, str(version))
    legacy = data.get("dependencies")
    dependencies: list[Dependency] = []
    if isinstance(legacy, dict):
        _legacy(text, legacy, LineCounter(text), dependencies)
    return ParsedFile(path, "package-lock", "node", True, tuple(dependencies), extra={"lock-version": str(version)})


def _modern(path: str, text: str, packages: dict[str, Any], version: str) -> ParsedFile:
    root = packages.get("")
    members = {key for key, entry in packages.items() if key and _MARKER not in key and isinstance(entry, dict)}
    direct = _direct_names([root, *(packages[m] for m in members)])
    counter = LineCounter(text)
    cursor = max(json_key_offset(text, "packages", 0, opening="{"), 0)
    dependencies = []
    for key, entry in packages.items():
        if not key or _MARKER not in key or not isinstance(entry, dict) or entry.get("link"):
            continue
        offset = json_key_offset(text, key, cursor, opening="{")
        cursor = offset if offset >= 0 else cursor
        name = key.rsplit(_MARKER, 1)[1]
        top_level = key.startswith(_MARKER) and key.count(_MARKER) == 1
        dependencies.append(
            _locked(name, entry, counter.line_at(offset if offset >= 0 else cursor), top_level and name in direct)
        )
    return ParsedFile(
        path,
        "package-lock",
        "node",
        True,
        tuple(dependencies),
        members=frozenset({".", *members}),
        extra={"lock-version": version},
    )


def _direct_names(roots: list[Any]) -> set[str]:
    names: set[str] = set()
    for root in roots:
        if isinstance(root, dict):
            for section, _group in SECTIONS:
                entries = root.get(section)
                if isinstance(entries, dict):
                    names.update(entries)
    return names


def _legacy(text: str, entries: dict[str, Any], counter: LineCounter, out: list[Dependency]) -> None:
    """Depth-first in document order, so one forward cursor finds every entry's line. A loop
    with its own stack, not recursion: a lock file may nest `dependencies` thousands deep."""
    cursor = 0
    stack = [iter(entries.items())]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        name, entry = item
        if not isinstance(entry, dict):
            continue
        offset = json_key_offset(text, name, cursor, opening="{")
        if offset >= 0:
            cursor = offset + 1
        line = counter.line_at(offset if offset >= 0 else cursor)  # not found as written: near the last one
        out.append(_locked(name, entry, line, None if len(stack) == 1 else False))
        nested = entry.get("dependencies")
        if isinstance(nested, dict):
            stack.append(iter(nested.items()))


def _locked(name: str, entry: dict[str, Any], line: int | None, direct: bool | None) -> Dependency:
    version = str(entry.get("version") or "")
    resolved = str(entry.get("resolved") or "")
    source, pinned = classify(resolved if resolved.startswith("git") else version)
    if version.startswith("npm:"):
        version = version.rsplit("@", 1)[-1]
    group = "dev" if entry.get("dev") or entry.get("devOptional") else "optional" if entry.get("optional") else ""
    return Dependency(
        name=name,
        spec=version,
        line=line,
        version=version or None,
        direct=direct,
        group=group,
        source=source,
        location=resolved if source.value != "registry" else "",
        pinned=pinned or bool(entry.get("integrity")),
    )
