"""Does a lock file still satisfy its manifest? The check behind DH404, per ecosystem."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from bot.deps import versions
from bot.deps.model import Dependency, ParsedFile, Source
from bot.deps.node.specs import registry_range

_PRESENCE_CHECKED = frozenset({"uv.lock", "poetry.lock", "package-lock", "cargo.lock"})
"""Lock formats that hold every direct dependency of their manifest, on every platform."""
_SKIPPED_GROUPS = frozenset({"peer", "directive", "replace", "exclude", "workspace"})


@dataclass(frozen=True)
class Mismatch:
    dependency: Dependency
    """The manifest's entry."""
    message: str
    lock_line: int | None
    lock_format: str


def mismatches(manifest: ParsedFile, lock: ParsedFile | None) -> list[Mismatch]:
    if lock is None:
        return _missing_go_sum(manifest)
    if not lock.ok or not manifest.ok:
        return []
    if lock.format == "go.sum":
        return _go(manifest, lock)
    locked = lock.by_name()
    found = []
    for dependency in manifest.dependencies:
        entries = locked.get(dependency.name, [])
        switched = _source_switch(manifest, lock, dependency, entries)
        if switched is not None:
            found.append(Mismatch(dependency, switched, entries[0].line, lock.format))
        if not _checkable(manifest, dependency):
            continue
        problem = _problem(manifest, lock, dependency, entries)
        if problem is not None:
            entries = locked.get(dependency.name, [])
            found.append(Mismatch(dependency, problem, entries[0].line if entries else None, lock.format))
    return found


def _checkable(manifest: ParsedFile, dependency: Dependency) -> bool:
    return (
        dependency.direct is not False
        and dependency.source is Source.REGISTRY
        and dependency.group not in _SKIPPED_GROUPS
        and dependency.name != manifest.project
    )


def _source_switch(
    manifest: ParsedFile, lock: ParsedFile, dependency: Dependency, entries: list[Dependency]
) -> str | None:
    """The manifest takes a package from git while the lock has it from the registry: the lock
    installs what the manifest no longer asks for. (Not the other way round: Cargo's `[patch]`
    and Go's `replace` move a registry package to git on purpose.)"""
    if lock.format not in _PRESENCE_CHECKED or not entries or dependency.direct is False:
        return None
    if dependency.group in _SKIPPED_GROUPS or dependency.name == manifest.project:
        return None
    held = {entry.source for entry in entries}
    wanted = f"{posixpath.basename(manifest.path)} wants {dependency.label}"
    lock_name = posixpath.basename(lock.path)
    if dependency.source is Source.GIT and held == {Source.REGISTRY}:
        return f"{wanted} from git ({dependency.location}); {lock_name} still has it from the registry"
    return None


def _problem(manifest: ParsedFile, lock: ParsedFile, dependency: Dependency, entries: list[Dependency]) -> str | None:
    lock_name = posixpath.basename(lock.path)
    wanted = f"{posixpath.basename(manifest.path)} wants {dependency.label}"
    if lock.format in ("yarn.lock", "pnpm-lock"):
        spec = dependency.spec.removeprefix("npm:") if lock.format == "yarn.lock" else dependency.spec
        if dependency.group == "optional" and not entries:
            return None
        if not any(spec in entry.ranges for entry in entries):
            return f"{wanted}@{dependency.spec}; {lock_name} has no entry for that range"
        return None
    if not entries:
        if lock.format in _PRESENCE_CHECKED and dependency.group != "optional":
            return f"{wanted}; {lock_name} has no entry for it"
        return None
    wanted_range = _range(manifest, dependency)
    if wanted_range is None:
        return None
    candidates = [e for e in entries if e.direct] or entries
    held = [e.version for e in candidates if e.version]
    verdicts = [versions.satisfies(manifest.ecosystem, version, wanted_range) for version in held]
    if not held or any(v is None or v for v in verdicts):
        return None
    return f"{wanted}{_joined(wanted_range)}; {lock_name} holds {', '.join(sorted(set(held)))}"


def _range(manifest: ParsedFile, dependency: Dependency) -> str | None:
    spec = dependency.spec.strip()
    if manifest.ecosystem == "node":
        _alias, spec = registry_range(spec)
    if spec in ("", "*"):
        return None
    return spec


def _joined(spec: str) -> str:
    return f" {spec}" if spec[:1].isalnum() or spec[:1] in "^~" else spec


def _go(manifest: ParsedFile, go_sum: ParsedFile) -> list[Mismatch]:
    replaced = {d.name for d in manifest.dependencies if d.group == "replace"}
    summed = {(d.name, d.version) for d in go_sum.dependencies}
    found = []
    for dependency in manifest.dependencies:
        if dependency.group or dependency.name in replaced or (dependency.name, dependency.version) in summed:
            continue
        found.append(
            Mismatch(dependency, f"go.sum has no checksum for {dependency.name} {dependency.version}", None, "go.sum")
        )
    return found


def _missing_go_sum(manifest: ParsedFile) -> list[Mismatch]:
    if manifest.format != "go.mod" or not manifest.ok:
        return []
    replaced = {d.name for d in manifest.dependencies if d.group == "replace"}
    requires = [d for d in manifest.dependencies if not d.group and d.name not in replaced]
    if not requires:
        return []
    return [Mismatch(requires[0], "go.mod requires modules but there is no go.sum beside it", None, "go.sum")]
