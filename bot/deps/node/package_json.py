"""package.json: every dependency kind, with lines, and the keys JSON silently drops when given twice."""

from __future__ import annotations

from typing import Any

from bot.deps.jsonfile import JsonProblem, load_json, object_span
from bot.deps.model import Dependency, ParsedFile, failed
from bot.deps.node.specs import classify
from bot.deps.textpos import json_key_offset

SECTIONS = (
    ("dependencies", ""),
    ("devDependencies", "dev"),
    ("optionalDependencies", "optional"),
    ("peerDependencies", "peer"),
)


def parse_package_json(path: str, text: str) -> ParsedFile:
    duplicate_keys: list[str] = []
    try:
        data = load_json(text, duplicate_keys)
    except JsonProblem as problem:
        return failed(path, "package.json", "node", False, problem.line, str(problem))
    if not isinstance(data, dict):
        return failed(path, "package.json", "node", False, 1, "package.json must be a JSON object")
    dependencies: list[Dependency] = []
    duplicates: list[tuple[str, int]] = []
    for section, group in SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        key_at = json_key_offset(text, section, 0, opening="{")
        start, end = object_span(text, key_at) if key_at >= 0 else (0, 0)
        for name, value in entries.items():
            offset = json_key_offset(text, name, start, end) if key_at >= 0 else -1
            line = _line(text, offset)
            dependencies.append(_entry(name, value, line, group))
            if name in duplicate_keys:
                again = json_key_offset(text, name, offset + 1, end) if offset >= 0 else -1
                duplicates.append((name, _line(text, again) or line or 1))
    return ParsedFile(
        path,
        "package.json",
        "node",
        False,
        tuple(dependencies),
        project=str(data.get("name") or ""),
        application=True if data.get("private") is True else None,
        duplicates=tuple(duplicates),
        members=frozenset(_workspaces(data)),
    )


def _line(text: str, offset: int) -> int | None:
    return text.count("\n", 0, offset) + 1 if offset >= 0 else None


def _entry(name: str, value: Any, line: int | None, group: str) -> Dependency:
    spec = value if isinstance(value, str) else ""
    source, pinned = classify(spec)
    return Dependency(
        name=name,
        spec=spec,
        line=line,
        direct=True,
        group=group,
        source=source,
        location=spec if source.value in ("git", "url", "path") else "",
        pinned=pinned,
    )


def _workspaces(data: dict[str, Any]) -> list[str]:
    workspaces = data.get("workspaces")
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    return [w for w in workspaces if isinstance(w, str)] if isinstance(workspaces, list) else []
