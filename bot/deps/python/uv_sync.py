"""Was uv.lock locked against what pyproject.toml asks for now? What `uv lock --check` and
`uv sync --locked` compare: the requirements recorded in `[package.metadata]` against the
project's, by normalised name, where they come from (the package index, git, a URL, a local
path: `[tool.uv.sources]`), parsed specifier set, marker (by the environments it selects) and
extras. A lock without the metadata (older uv) is not compared."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from packaging.specifiers import SpecifierSet

from bot.deps.model import Dependency, ParsedFile, RequirementSet, Source
from bot.deps.python.markers import equivalent, parse_marker
from bot.deps.sync import Mismatch


def stale_requirements(manifest: ParsedFile, lock: ParsedFile) -> list[Mismatch]:
    """Each requirement the lock was not locked against (added, removed or changed in the manifest)."""
    if manifest.format != "pyproject" or lock.format != "uv.lock" or not manifest.ok or not lock.ok:
        return []
    declared = {(s.project, s.group): s for s in manifest.requirement_sets}
    projects = {project for project, _group in declared}
    recorded = {(s.project, s.group): s for s in lock.requirement_sets if s.project in projects}
    if not recorded:
        return []  # an older uv.lock without metadata, or a lock of another project
    names = (posixpath.basename(manifest.path), posixpath.basename(lock.path))
    found = []
    for key in sorted(declared.keys() | recorded.keys()):
        if key[1] == "" and (key not in declared or key not in recorded):
            continue  # dynamic dependencies, or a member the lock has no metadata for
        wanted = declared.get(key) or RequirementSet(*key, _project_line(declared.values(), key[0]), ())
        locked = recorded.get(key) or RequirementSet(*key, _project_line(recorded.values(), key[0]), ())
        found += _compare(wanted, locked, names)
    return found


def _project_line(sets: Iterable[RequirementSet], project: str) -> int:
    """Where a list the file lacks is reported: the project's dependencies, else its first list
    with a line, else line 1 (a group the manifest dropped with its whole table)."""
    own = sorted((s.group != "", s.line) for s in sets if s.project == project and s.line is not None)
    return own[0][1] if own else 1


def _compare(wanted: RequirementSet, locked: RequirementSet, names: tuple[str, str]) -> list[Mismatch]:
    found = []
    for name in sorted({r.name for r in wanted.requirements} | {r.name for r in locked.requirements}):
        if name in wanted.unchecked:
            continue
        asked = [r for r in wanted.requirements if r.name == name]
        held = [r for r in locked.requirements if r.name == name]
        for requirement in list(asked):
            match = next((h for h in held if _same(requirement, h)), None)
            if match is not None:
                asked.remove(requirement)
                held.remove(match)
        for index in range(max(len(asked), len(held))):
            mine = asked[index] if index < len(asked) else None
            theirs = held[index] if index < len(held) else None
            found.append(_mismatch(mine, theirs, wanted, locked, names))
    return found


def _same(mine: Dependency, theirs: Dependency) -> bool:
    return not _differences(mine, theirs, ("", ""))


def _differences(mine: Dependency, theirs: Dependency, names: tuple[str, str]) -> list[str]:
    manifest, lock = names
    found = []
    if _kind(mine) is not _kind(theirs):
        found.append(
            f"{manifest} takes it from {_SOURCE_NAMES[mine.source]}, {lock} was locked against {_spec(theirs)}"
        )
    sourced = mine.source is not Source.REGISTRY or theirs.source is not Source.REGISTRY
    if not sourced and SpecifierSet(mine.spec) != SpecifierSet(theirs.spec):
        found.append(f"{manifest} asks {_spec(mine)}, {lock} was locked against {_spec(theirs)}")
    if not equivalent(parse_marker(mine.marker), parse_marker(theirs.marker)):
        found.append(f"marker {_marker(mine)} in {manifest}, {_marker(theirs)} in {lock}")
    if set(mine.extras) != set(theirs.extras):
        found.append(f"extras {_extras(mine)} in {manifest}, {_extras(theirs)} in {lock}")
    return found


def _mismatch(
    mine: Dependency | None,
    theirs: Dependency | None,
    wanted: RequirementSet,
    locked: RequirementSet,
    names: tuple[str, str],
) -> Mismatch:
    manifest, lock = names
    some = mine or theirs
    assert some is not None
    label = some.label + (f" ({wanted.group or locked.group} group)" if wanted.group or locked.group else "")
    if mine is not None and theirs is not None:
        message = f"{label}: " + "; ".join(_differences(mine, theirs, names))
    elif mine is not None:
        message = f"{label}: {manifest} asks {_spec(mine)}{_when(mine)}, {lock} was locked without it"
    else:
        message = f"{label}: {lock} was locked against {_spec(some)}{_when(some)}, {manifest} no longer asks for it"
    anchor = mine or Dependency(some.name, some.spec, wanted.line, display=some.display)
    return Mismatch(anchor, message, theirs.line if theirs else locked.line, "uv.lock")


_SOURCE_NAMES = {
    Source.REGISTRY: "the package index",
    Source.GIT: "git",
    Source.URL: "a URL",
    Source.PATH: "a local path",
    Source.WORKSPACE: "the workspace",
}


def _kind(requirement: Dependency) -> Source:
    """Where it comes from; a workspace member is a local path in uv.lock (`editable = "..."`)."""
    return Source.PATH if requirement.source is Source.WORKSPACE else requirement.source


def _spec(requirement: Dependency) -> str:
    if requirement.source is not Source.REGISTRY:
        return f"a {requirement.source.value} source"
    return requirement.spec or "any version"


def _when(requirement: Dependency) -> str:
    return f" ({requirement.marker})" if requirement.marker else ""


def _marker(requirement: Dependency) -> str:
    return f"`{requirement.marker}`" if requirement.marker else "none"


def _extras(requirement: Dependency) -> str:
    return "[" + ", ".join(requirement.extras) + "]"
