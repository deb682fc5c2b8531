"""package.json: every dependency kind, with lines, and the keys JSON silently drops when given twice."""

from __future__ import annotations

from typing import Any

from bot.deps import versions
from bot.deps.jsonfile import JsonProblem, load_json
from bot.deps.model import Dependency, ParsedFile, Source, failed
from bot.deps.node.specs import classify
from bot.deps.textpos import LineCounter, json_key_text, json_members, json_value_start

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
    counter = LineCounter(text)
    top, _ = json_members(text, text.find("{"))
    for section, group in SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        at = top.get(section, [])
        section_line = counter.line_at(at[-1]) if at else 1  # JSON keeps the last of a key given twice
        members, _ = json_members(text, json_value_start(text, at[-1])) if at else ({}, 0)
        for name, value in entries.items():
            offsets = members.get(json_key_text(name), [])
            line = counter.line_at(offsets[-1]) if offsets else section_line
            dependencies.append(_entry(name, value, line, group))
            if name in duplicate_keys:
                duplicates.append((name, line))
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


def _entry(name: str, value: Any, line: int | None, group: str) -> Dependency:
    spec = value if isinstance(value, str) else ""
    source, pinned = classify(spec)
    found = versions.bounds("node", spec) if source is Source.REGISTRY else None
    return Dependency(
        name=name,
        spec=spec,
        version=found.exact if found else None,
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
