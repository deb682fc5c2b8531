"""The requirements uv.lock records for each project (`[package.metadata]`), and the same sets
as a pyproject.toml declares them, so the two can be compared (what `uv lock --check` does).

uv records `requires-dist` (the dependencies, each optional dependency with `extra == '<name>'`
added to its marker) and `requires-dev` (each dependency group, `include-group`s expanded,
`tool.uv.dev-dependencies` in `dev`). A workspace root without `[project]` has its groups in
`[manifest.dependency-groups]`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from bot.deps.model import Dependency, RequirementSet, Source
from bot.deps.python.markers import parse_marker
from bot.deps.pyver import normalize_name
from bot.deps.textpos import TomlLines
from bot.deps.tomlfile import array, table

_SOURCE_KEYS = {
    "git": Source.GIT,
    "url": Source.URL,
    "path": Source.PATH,
    "directory": Source.PATH,
    "editable": Source.PATH,
    "virtual": Source.PATH,
    "workspace": Source.WORKSPACE,
}
_DYNAMIC = frozenset({"dependencies", "optional-dependencies"})


class _Malformed(ValueError):
    """A metadata table uv did not write: nothing recorded is compared."""


def declared_sets(data: dict[str, Any], lines: TomlLines, declared: list[Dependency]) -> tuple[RequirementSet, ...]:
    """A pyproject.toml's sets, from its PEP 621, PEP 735 and `tool.uv.dev-dependencies` entries
    (`declared`, with their uv sources applied)."""
    name = table(data, "project").get("name")
    project = normalize_name(name) if isinstance(name, str) else ""
    if not project and "project" in data:
        return ()  # a [project] without a name: uv refuses it, nothing to compare
    unchecked = _split_sources(table(data, "tool", "uv", "sources"))
    sets = []
    dynamic = {str(d) for d in array(data, "project", "dynamic")}
    if project and not dynamic & _DYNAMIC:
        dist = [
            d if not d.group else _with_extra(d, d.group.removeprefix("optional:"))
            for d in declared
            if not d.group or d.group.startswith("optional:")
        ]
        line = lines.key_line("project", "dependencies") or lines.key_line("project")
        sets.append(RequirementSet(project, "", line, _unique(dist), unchecked))
    groups: dict[str, list[Dependency]] = {normalize_name(g): [] for g in table(data, "dependency-groups")}
    for dependency in declared:
        if dependency.group == "dev" or dependency.group.startswith("group:"):
            groups.setdefault(normalize_name(dependency.group.removeprefix("group:")), []).append(dependency)
    includes = _includes(table(data, "dependency-groups"))
    for group in groups:
        line = _group_line(lines, table(data, "dependency-groups"), group)
        requirements = _unique(_expanded(group, groups, includes, frozenset()))
        sets.append(RequirementSet(project, group, line, requirements, unchecked))
    return tuple(sets)


def _group_line(lines: TomlLines, raw_groups: dict[str, Any], group: str) -> int | None:
    written = next((g for g in raw_groups if normalize_name(g) == group), None)
    found = lines.key_line("dependency-groups", written) if written is not None else None
    return found or lines.key_line("tool", "uv", "dev-dependencies") or lines.key_line("dependency-groups")


def recorded_sets(text: str, data: dict[str, Any], members: list[dict[str, Any]]) -> tuple[RequirementSet, ...]:
    """A uv.lock's sets: each member package's `[package.metadata]` and the manifest's groups.
    A member without metadata (older uv) or with a table uv did not write has none."""
    sets: list[RequirementSet] = []
    for package in members:
        metadata = package.get("metadata")
        if not isinstance(metadata, dict):
            continue
        project = normalize_name(package["name"])
        block_line, block = _package_block(text, package["name"])
        lines = TomlLines.scan(block)
        try:
            found = [_recorded(project, "", metadata.get("requires-dist", []), lines, ("package", "metadata"))]
            requires_dev = metadata.get("requires-dev", {})
            if not isinstance(requires_dev, dict):
                raise _Malformed("requires-dev")
            for group, items in requires_dev.items():
                found.append(_recorded(project, group, items, lines, ("package", "metadata", "requires-dev")))
        except _Malformed:
            continue
        sets += [_shifted(s, block_line - 1) for s in found]
    manifest_groups = table(data, "manifest", "dependency-groups")
    if manifest_groups:
        manifest_line, block = _manifest_block(text)
        lines = TomlLines.scan(block)
        try:
            found = [
                _recorded("", group, items, lines, ("manifest", "dependency-groups"))
                for group, items in manifest_groups.items()
            ]
        except _Malformed:
            found = []
        sets += [_shifted(s, manifest_line - 1) for s in found]
    return tuple(sets)


def _recorded(project: str, group: str, items: Any, lines: TomlLines, parent: tuple[str, ...]) -> RequirementSet:
    if not isinstance(items, list):
        raise _Malformed(group)
    key = (*parent, group) if group else (*parent, "requires-dist")
    start = lines.key_line(*key) or lines.key_line(*parent)
    seen: dict[str, int] = {}
    requirements = []
    for item in items:
        requirement = _entry(item)
        occurrence = seen.get(requirement.name, 0)
        seen[requirement.name] = occurrence + 1
        line = _entry_line(lines, start, item["name"], occurrence)
        requirements.append(replace(requirement, line=line))
    return RequirementSet(project, normalize_name(group), start, tuple(requirements))


def _entry(item: Any) -> Dependency:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise _Malformed("entry")
    specifier, marker, extras = item.get("specifier", ""), item.get("marker", ""), item.get("extras", [])
    if not isinstance(specifier, str) or not isinstance(marker, str) or not isinstance(extras, list):
        raise _Malformed("entry")
    if not all(isinstance(e, str) for e in extras):
        raise _Malformed("extras")
    try:
        SpecifierSet(specifier)
        parse_marker(marker)
    except (InvalidSpecifier, ValueError):
        raise _Malformed("entry") from None
    source = next((kind for key, kind in _SOURCE_KEYS.items() if key in item), Source.REGISTRY)
    name = normalize_name(item["name"])
    return Dependency(
        name=name,
        spec=specifier,
        line=None,
        source=source,
        marker=marker,
        display=item["name"] if item["name"] != name else "",
        extras=tuple(sorted(normalize_name(e) for e in extras)),
    )


def _entry_line(lines: TomlLines, start: int | None, name: str, occurrence: int) -> int | None:
    """The line of the `occurrence`-th `{ name = "<name>" ...}` after the key's line."""
    if start is None:
        return None
    pattern = re.compile(r"\bname\s*=\s*\"" + re.escape(name) + '"')
    for number in range(start, len(lines.lines) + 1):
        text = lines.lines[number - 1]
        if number > start and text.lstrip().startswith("["):
            break
        if pattern.search(text):
            if occurrence == 0:
                return number
            occurrence -= 1
    return start


def _shifted(found: RequirementSet, offset: int) -> RequirementSet:
    def moved(line: int | None) -> int | None:
        return None if line is None else line + offset

    requirements = tuple(replace(r, line=moved(r.line)) for r in found.requirements)
    return RequirementSet(found.project, found.group, moved(found.line), requirements)


def _package_block(text: str, name: str) -> tuple[int, str]:
    """(first line, text) of the `[[package]]` named `name`, up to the next `[[package]]`."""
    header = r'^\[\[package\]\][ \t]*\r?\n[ \t]*name[ \t]*=[ \t]*"' + re.escape(name) + '"'
    return _block(text, re.search(header, text, re.M))


def _manifest_block(text: str) -> tuple[int, str]:
    return _block(text, re.search(r"^\[manifest[\].]", text, re.M))


def _block(text: str, match: re.Match[str] | None) -> tuple[int, str]:
    if match is None:
        return 1, ""
    end = text.find("\n[[package]]", match.end())
    return text.count("\n", 0, match.start()) + 1, text[match.start() : end if end != -1 else len(text)]


def _with_extra(dependency: Dependency, extra: str) -> Dependency:
    clause = f'extra == "{normalize_name(extra)}"'
    marker = f"({dependency.marker}) and {clause}" if dependency.marker else clause
    return replace(dependency, marker=marker)


def _unique(requirements: list[Dependency]) -> tuple[Dependency, ...]:
    seen = set()
    found = []
    for requirement in requirements:
        key = (requirement.name, requirement.spec, requirement.marker, requirement.extras)
        if key not in seen:
            seen.add(key)
            found.append(requirement)
    return tuple(found)


def _includes(raw_groups: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for group, items in raw_groups.items():
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("include-group"), str):
                found.setdefault(normalize_name(group), []).append(normalize_name(item["include-group"]))
    return found


def _expanded(
    group: str, groups: dict[str, list[Dependency]], includes: dict[str, list[str]], seen: frozenset[str]
) -> list[Dependency]:
    """The group's requirements with its includes (a cycle or a missing group is uv's error, skipped here);
    names are normalised."""
    found = list(groups.get(group, []))
    for included in includes.get(group, []):
        if included in groups and included not in seen:
            found += _expanded(included, groups, includes, seen | {group})
    return found


def _split_sources(sources: dict[str, Any]) -> frozenset[str]:
    """Names whose `tool.uv.sources` entry depends on a marker, extra or group: uv records them
    split into several requirements, so their entries are not compared."""
    split = set()
    for name, value in sources.items():
        entries = value if isinstance(value, list) else [value]
        if len(entries) > 1 or any(isinstance(e, dict) and {"marker", "extra", "group"} & set(e) for e in entries):
            split.add(normalize_name(name))
    return frozenset(split)
