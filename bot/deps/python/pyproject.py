"""pyproject.toml: PEP 621 dependencies and extras, PEP 735 dependency groups, Poetry's tables,
and uv's `tool.uv.sources` (git, url, path and workspace sources of named dependencies)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.deps.model import Dependency, ParsedFile, ParseProblem, Source, failed
from bot.deps.python.pep508 import RequirementError, from_pep508, is_full_commit
from bot.deps.python.uv_metadata import declared_sets
from bot.deps.pyver import normalize_name, parse_constraint, pinned_version
from bot.deps.tomlfile import TomlLines, TomlProblem, array, load_toml, table

_POETRY_SKIP = frozenset({"python"})


def parse_pyproject(path: str, text: str) -> ParsedFile:
    try:
        data = load_toml(text)
    except TomlProblem as problem:
        return failed(path, "pyproject", "python", False, problem.line, str(problem))
    lines = TomlLines.scan(text)
    dependencies: list[Dependency] = []
    try:
        dependencies += _pep508_list(array(data, "project", "dependencies"), ("project", "dependencies"), "", lines)
        for extra, items in table(data, "project", "optional-dependencies").items():
            key = ("project", "optional-dependencies", extra)
            dependencies += _pep508_list(_strings(items), key, f"optional:{extra}", lines)
        for group, items in table(data, "dependency-groups").items():
            dependencies += _pep508_list(_strings(items), ("dependency-groups", group), f"group:{group}", lines)
        dependencies += _pep508_list(
            array(data, "tool", "uv", "dev-dependencies"), ("tool", "uv", "dev-dependencies"), "dev", lines
        )
    except ParseProblem as problem:
        return failed(path, "pyproject", "python", False, problem.line, str(problem))
    declared = len(dependencies)
    dependencies += _poetry(data, lines)
    dependencies = _with_uv_sources(dependencies, table(data, "tool", "uv", "sources"), lines)
    requirement_sets = declared_sets(data, lines, dependencies[:declared])
    project = str(table(data, "project").get("name") or table(data, "tool", "poetry").get("name") or "")
    return ParsedFile(
        path,
        "pyproject",
        "python",
        False,
        tuple(dependencies),
        project=normalize_name(project) if project else "",
        application=_application(data),
        requirement_sets=requirement_sets,
    )


def _strings(items: Any) -> list[Any]:
    return items if isinstance(items, list) else []


def _pep508_list(items: list[Any], key: tuple[str, ...], group: str, lines: TomlLines) -> list[Dependency]:
    found = []
    for item in items:
        if not isinstance(item, str):
            continue  # {include-group = "..."} in a dependency group
        line = lines.item_line(key, item)
        try:
            found.append(from_pep508(item, line, group=group))
        except RequirementError as error:
            raise ParseProblem(line or 1, f"not a valid requirement {item!r}: {error}") from None
    return found


def _poetry(data: dict[str, Any], lines: TomlLines) -> list[Dependency]:
    poetry = table(data, "tool", "poetry")
    tables: list[tuple[tuple[str, ...], str]] = [
        (("tool", "poetry", "dependencies"), ""),
        (("tool", "poetry", "dev-dependencies"), "dev"),
    ]
    tables += [(("tool", "poetry", "group", name, "dependencies"), f"group:{name}") for name in table(poetry, "group")]
    found = []
    for key, group in tables:
        for name, value in table(data, *key).items():
            if name.lower() in _POETRY_SKIP:
                continue
            for item in value if isinstance(value, list) else [value]:
                found.append(_poetry_entry(name, item, lines.entry_line(key, name), group))
    return found


def _poetry_entry(name: str, value: Any, line: int | None, group: str) -> Dependency:
    normalized = normalize_name(name)
    display = name if name != normalized else ""
    if isinstance(value, str):
        constraint = parse_constraint(value)
        return Dependency(
            normalized, value, line, pinned_version(constraint) if constraint else None, True, group, display=display
        )
    entry = value if isinstance(value, dict) else {}
    marker = str(entry.get("markers") or entry.get("python") or entry.get("platform") or "")
    if "git" in entry:
        ref = str(entry.get("rev") or entry.get("tag") or entry.get("branch") or "")
        location = f"{entry['git']}@{ref}" if ref else str(entry["git"])
        return Dependency(
            normalized,
            location,
            line,
            None,
            True,
            group,
            Source.GIT,
            location,
            is_full_commit(str(entry.get("rev", ""))),
            marker,
            display,
        )
    if "url" in entry:
        return Dependency(
            normalized,
            str(entry["url"]),
            line,
            None,
            True,
            group,
            Source.URL,
            str(entry["url"]),
            False,
            marker,
            display,
        )
    if "path" in entry:
        return Dependency(
            normalized,
            str(entry["path"]),
            line,
            None,
            True,
            group,
            Source.PATH,
            str(entry["path"]),
            True,
            marker,
            display,
        )
    spec = str(entry.get("version", "*"))
    constraint = parse_constraint(spec)
    return Dependency(
        normalized,
        spec,
        line,
        pinned_version(constraint) if constraint else None,
        True,
        group,
        marker=marker,
        display=display,
    )


def _with_uv_sources(dependencies: list[Dependency], sources: dict[str, Any], lines: TomlLines) -> list[Dependency]:
    by_name = {normalize_name(name): value for name, value in sources.items() if isinstance(value, dict)}
    result = []
    for dependency in dependencies:
        source = by_name.get(dependency.name)
        if source is None or dependency.source is not Source.REGISTRY:
            result.append(dependency)
        elif "git" in source:
            ref = str(source.get("rev") or source.get("tag") or source.get("branch") or "")
            where = f"{source['git']}@{ref}" if ref else str(source["git"])
            result.append(
                replace(
                    dependency, source=Source.GIT, location=where, pinned=is_full_commit(str(source.get("rev", "")))
                )
            )
        elif "url" in source:
            result.append(replace(dependency, source=Source.URL, location=str(source["url"]), pinned=False))
        elif "path" in source:
            result.append(replace(dependency, source=Source.PATH, location=str(source["path"])))
        elif source.get("workspace"):
            result.append(replace(dependency, source=Source.WORKSPACE, location="workspace"))
        else:
            result.append(dependency)
    return result


def _application(data: dict[str, Any]) -> bool | None:
    """uv treats a project without a build system as an application; so do `package = false` flags."""
    if table(data, "tool", "uv").get("package") is False or table(data, "tool", "poetry").get("package-mode") is False:
        return True
    if "project" in data and "build-system" not in data:
        return True
    return None
