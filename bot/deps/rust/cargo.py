"""Cargo.toml (all dependency tables, target-specific ones, workspace inheritance) and Cargo.lock."""

from __future__ import annotations

from typing import Any

from bot.deps.model import Dependency, ParsedFile, Source, failed
from bot.deps.python.pep508 import is_full_commit
from bot.deps.tomlfile import TomlLines, TomlProblem, array, load_toml, load_toml_lock, table

_KINDS = (("dependencies", ""), ("dev-dependencies", "dev"), ("build-dependencies", "build"))
_REGISTRY_PREFIXES = ("registry+", "sparse+")


def parse_cargo_toml(path: str, text: str) -> ParsedFile:
    try:
        data = load_toml(text)
    except TomlProblem as problem:
        return failed(path, "cargo.toml", "rust", False, problem.line, str(problem))
    lines = TomlLines.scan(text)
    dependencies: list[Dependency] = []
    places: list[tuple[tuple[str, ...], str, str]] = [((kind,), group, "") for kind, group in _KINDS]
    for cfg in table(data, "target"):
        places += [(("target", cfg, kind), group, cfg) for kind, group in _KINDS]
    places.append((("workspace", "dependencies"), "workspace", ""))
    for key, group, cfg in places:
        for name, value in table(data, *key).items():
            dependencies.append(_entry(name, value, lines.entry_line(key, name), group, cfg))
    package = table(data, "package")
    return ParsedFile(
        path,
        "cargo.toml",
        "rust",
        False,
        tuple(dependencies),
        project=str(package.get("name") or ""),
        application=True if array(data, "bin") else None,
        members=frozenset(str(m) for m in array(data, "workspace", "members") if isinstance(m, str)),
    )


def _entry(key: str, value: Any, line: int | None, group: str, cfg: str) -> Dependency:
    if isinstance(value, str):
        return Dependency(key, value, line, _exact(value), True, group, marker=cfg)
    entry = value if isinstance(value, dict) else {}
    name = str(entry.get("package") or key)
    display = key if name != key else ""
    if entry.get("workspace") is True:
        return Dependency(name, "workspace", line, None, True, group, Source.WORKSPACE, "workspace", True, cfg, display)
    if "git" in entry:
        ref = str(entry.get("rev") or entry.get("tag") or entry.get("branch") or "")
        location = f"{entry['git']}#{ref}" if ref else str(entry["git"])
        pinned = is_full_commit(str(entry.get("rev", "")))
        return Dependency(name, location, line, None, True, group, Source.GIT, location, pinned, cfg, display)
    if "path" in entry and "version" not in entry:
        where = str(entry["path"])
        return Dependency(name, where, line, None, True, group, Source.PATH, where, True, cfg, display)
    spec = str(entry.get("version", "*"))
    return Dependency(name, spec, line, _exact(spec), True, group, marker=cfg, display=display)


def _exact(spec: str) -> str | None:
    stripped = spec.strip()
    return stripped[1:].strip() if stripped.startswith("=") and "," not in stripped else None


def parse_cargo_lock(path: str, text: str) -> ParsedFile:
    try:
        lock = load_toml_lock(text)
    except TomlProblem as problem:
        return failed(path, "cargo.lock", "rust", True, problem.line, str(problem))
    data, packages, lines = lock.data, lock.packages, lock.lines
    members = [p for p in packages if "source" not in p]
    direct = {str(d).split(" ", 1)[0] for m in members for d in array(m, "dependencies") if isinstance(d, str)}
    dependencies = []
    for package, line in zip(packages, lines, strict=True):
        if "source" not in package:
            continue
        source_text = str(package["source"])
        source, pinned, location = Source.REGISTRY, True, ""
        if source_text.startswith("git+"):
            commit = source_text.rsplit("#", 1)[1] if "#" in source_text else ""
            source, pinned, location = Source.GIT, is_full_commit(commit), source_text
        elif not source_text.startswith(_REGISTRY_PREFIXES):
            source, location = Source.URL, source_text
        version = str(package.get("version", ""))
        dependencies.append(
            Dependency(
                name=package["name"],
                spec=version,
                line=line,
                version=version or None,
                direct=package["name"] in direct,
                source=source,
                location=location,
                pinned=pinned,
            )
        )
    return ParsedFile(
        path,
        "cargo.lock",
        "rust",
        True,
        tuple(dependencies),
        members=frozenset(str(m["name"]) for m in members),
        extra={"lock-version": str(data.get("version", "1"))},
    )
