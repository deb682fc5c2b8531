"""yarn.lock, classic (v1, its own format) and berry (v2+, YAML), read line by line.

Both are blocks: a header listing the requested descriptors (`lodash@^4.17.0, lodash@^4.17.21:`)
and indented fields (`version "4.17.21"` or `version: 4.17.21`). Berry's workspace entries
(`app@workspace:.`) name the project's direct dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.deps.model import Dependency, ParsedFile, ParseProblem, failed
from bot.deps.node.specs import classify


@dataclass
class _Entry:
    descriptors: list[str]
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)


def parse_yarn_lock(path: str, text: str) -> ParsedFile:
    try:
        entries, berry = _entries(text)
    except ParseProblem as problem:
        return failed(path, "yarn.lock", "node", True, problem.line, str(problem))
    workspaces = [e for e in entries if any("@workspace:" in d for d in e.descriptors)]
    direct = {name for w in workspaces for name in w.dependencies} if berry else set()
    dependencies = []
    for entry in entries:
        if entry in workspaces:
            continue
        version = entry.fields.get("version", "")
        if not version:
            return failed(path, "yarn.lock", "node", True, entry.line, "this entry has no version")
        name, ranges = _name_and_ranges(entry.descriptors)
        resolved = entry.fields.get("resolved") or entry.fields.get("resolution", "")
        source, pinned = classify(resolved.split("@", 1)[-1] if berry else resolved)
        dependencies.append(
            Dependency(
                name=name,
                spec=version,
                line=entry.line,
                version=version,
                direct=(name in direct) if berry else None,
                source=source,
                location=resolved if source.value != "registry" else "",
                pinned=pinned or "integrity" in entry.fields or "checksum" in entry.fields,
                ranges=tuple(ranges),
            )
        )
    members = {d.split("@workspace:", 1)[1] for w in workspaces for d in w.descriptors if "@workspace:" in d}
    return ParsedFile(
        path,
        "yarn.lock",
        "node",
        True,
        tuple(dependencies),
        members=frozenset(members),
        extra={"flavor": "berry" if berry else "classic"},
    )


def _entries(text: str) -> tuple[list[_Entry], bool]:
    entries: list[_Entry] = []
    berry = False
    in_dependencies = False
    metadata = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise ParseProblem(number, "tab used for indentation")
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            if not stripped.endswith(":"):
                raise ParseProblem(number, "expected an entry header ending with ':'")
            metadata = stripped == "__metadata:"
            berry = berry or metadata
            if not metadata:
                entries.append(_Entry(_descriptors(stripped[:-1]), number))
            in_dependencies = False
            continue
        if metadata:
            continue
        if not entries:
            raise ParseProblem(number, "indented line outside of any entry")
        entry = entries[-1]
        key, value = _field(stripped)
        if indent <= 2:
            in_dependencies = key in ("dependencies", "optionalDependencies") and not value
            if value:
                entry.fields[key] = value
        elif in_dependencies:
            entry.dependencies.append(key)
    return entries, berry


def _descriptors(header: str) -> list[str]:
    if header.startswith('"') and header.endswith('"') and header.count('"') == 2:
        header = header[1:-1]  # berry quotes the whole list
    return [part.strip().strip('"') for part in header.split(",") if part.strip()]


def _field(text: str) -> tuple[str, str]:
    """`version "1.2.3"` (classic) or `version: 1.2.3` (berry) -> ("version", "1.2.3")."""
    if text.startswith('"'):
        close = text.find('"', 1)
        key, rest = text[1:close], text[close + 1 :]
    else:
        cut = min((i for i in (text.find(" "), text.find(":")) if i != -1), default=len(text))
        key, rest = text[:cut], text[cut:]
    rest = rest.lstrip(":").strip()
    return key, rest.strip('"')


def _name_and_ranges(descriptors: list[str]) -> tuple[str, list[str]]:
    name = ""
    ranges = []
    for descriptor in descriptors:
        at = descriptor.find("@", 1)
        if at == -1:
            name = name or descriptor
            continue
        name = name or descriptor[:at]
        requested = descriptor[at + 1 :]
        ranges.append(requested[4:] if requested.startswith("npm:") else requested)
    return name, ranges
