"""uv.lock and poetry.lock: every resolved package with its version, source and line.

uv.lock says which packages are the project's own (workspace members: `editable`, `virtual`
sources) and so which dependencies are direct; poetry.lock does not, and the analyzer marks
them from pyproject.toml.
"""

from __future__ import annotations

from typing import Any

from bot.deps.model import Dependency, ParsedFile, Source, failed
from bot.deps.python.pep508 import is_full_commit
from bot.deps.python.uv_metadata import recorded_sets
from bot.deps.pyver import normalize_name
from bot.deps.tomlfile import TomlProblem, array, load_toml_lock, table

_MEMBER_SOURCES = ("editable", "virtual", "workspace")


def parse_uv_lock(path: str, text: str) -> ParsedFile:
    try:
        lock = load_toml_lock(text)
    except TomlProblem as problem:
        return failed(path, "uv.lock", "python", True, problem.line, str(problem))
    data, packages, lines = lock.data, lock.packages, lock.lines
    members = [p for p in packages if any(k in table(p, "source") for k in _MEMBER_SOURCES)]
    member_names = {normalize_name(p["name"]) for p in members}
    direct = {normalize_name(d) for p in members for d in _uv_dependency_names(p)}
    dependencies = []
    for package, line in zip(packages, lines, strict=True):
        name = normalize_name(package["name"])
        if name in member_names:
            continue
        source, location, pinned = _uv_source(table(package, "source"))
        version = str(package.get("version", ""))
        dependencies.append(
            Dependency(
                name=name,
                spec=version or location,
                line=line,
                version=version or None,
                direct=name in direct,
                source=source,
                location=location,
                pinned=pinned,
                display=package["name"] if package["name"] != name else "",
            )
        )
    member_dirs = {str(v) for p in members for k, v in table(p, "source").items() if k in _MEMBER_SOURCES}
    return ParsedFile(
        path,
        "uv.lock",
        "python",
        True,
        tuple(dependencies),
        members=frozenset(member_dirs | member_names),
        extra={"lock-version": str(data.get("version", ""))},
        requirement_sets=recorded_sets(text, data, members),
    )


def _uv_dependency_names(package: dict[str, Any]) -> list[str]:
    names = [d.get("name") for d in array(package, "dependencies") if isinstance(d, dict)]
    for key in ("optional-dependencies", "dev-dependencies"):
        for items in table(package, key).values():
            names += [d.get("name") for d in (items if isinstance(items, list) else []) if isinstance(d, dict)]
    return [n for n in names if isinstance(n, str)]


def _uv_source(source: dict[str, Any]) -> tuple[Source, str, bool]:
    if "git" in source:
        url = str(source["git"])
        commit = url.rsplit("#", 1)[1] if "#" in url else ""
        return Source.GIT, url, is_full_commit(commit)
    if "url" in source:
        return Source.URL, str(source["url"]), True  # uv.lock records the archive's hash
    if "path" in source or "directory" in source:
        return Source.PATH, str(source.get("path") or source.get("directory")), True
    return Source.REGISTRY, "", True


def parse_poetry_lock(path: str, text: str) -> ParsedFile:
    try:
        lock = load_toml_lock(text)
    except TomlProblem as problem:
        return failed(path, "poetry.lock", "python", True, problem.line, str(problem))
    data, packages, lines = lock.data, lock.packages, lock.lines
    dependencies = []
    for package, line in zip(packages, lines, strict=True):
        name = normalize_name(package["name"])
        source = table(package, "source")
        kind, location, pinned = Source.REGISTRY, "", True
        if source.get("type") == "git":
            kind, pinned = Source.GIT, is_full_commit(str(source.get("resolved_reference", "")))
            location = f"{source.get('url', '')}@{source.get('resolved_reference') or source.get('reference', '')}"
        elif source.get("type") in ("directory", "file"):
            kind, location = Source.PATH, str(source.get("url", ""))
        elif source.get("type") == "url":
            kind, location = Source.URL, str(source.get("url", ""))
        version = str(package.get("version", ""))
        category = str(package.get("category", "main"))
        dependencies.append(
            Dependency(
                name=name,
                spec=version,
                line=line,
                version=version or None,
                direct=None,
                group="" if category == "main" else category,
                source=kind,
                location=location,
                pinned=pinned,
                display=package["name"] if package["name"] != name else "",
            )
        )
    return ParsedFile(
        path,
        "poetry.lock",
        "python",
        True,
        tuple(dependencies),
        extra={"lock-version": str(table(data, "metadata").get("lock-version", ""))},
    )
