"""What changed between the base and head versions of one dependency file.

Manifests are compared per (package, group) on their specifiers: a raised floor is an upgrade,
a lowered floor a downgrade (`>=46.0.3` -> `>=45.0.0`). Lock files are compared per package
on the set of versions they hold (a lock may hold several versions of one package).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.deps import versions
from bot.deps.model import Dependency, ParsedFile


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    UPGRADED = "upgraded"
    DOWNGRADED = "downgraded"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    ecosystem: str
    path: str
    name: str
    """As written (for display); `key` is the normalised name."""
    key: str
    group: str
    base: str
    head: str
    kind: ChangeKind
    direct: bool | None
    major: bool
    is_lock: bool
    specifier: bool
    """A manifest's specifier changed (not an exact version)."""
    line: int | None
    """Head line of the entry (None when removed)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "ecosystem": self.ecosystem,
            "path": self.path,
            "package": self.name,
            "group": self.group,
            "base": self.base or None,
            "head": self.head or None,
            "change": self.kind.value,
            "direct": self.direct,
            "major": self.major,
            "lock": self.is_lock,
            "specifier": self.specifier,
            "line": self.line,
        }


_IGNORED_GROUPS = frozenset({"go.mod"})


def diff_files(base: ParsedFile | None, head: ParsedFile | None) -> list[Change]:
    """Changes from `base` to `head` (either may be None: the file was added or removed)."""
    some = head or base
    if some is None:
        return []
    before = _entries(base)
    after = _entries(head)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        change = _compare(some, key, before.get(key, []), after.get(key, []))
        if change is not None:
            changes.append(change)
    return changes


def _entries(parsed: ParsedFile | None) -> dict[tuple[str, str], list[Dependency]]:
    entries: dict[tuple[str, str], list[Dependency]] = {}
    if parsed is None or not parsed.ok:
        return entries
    for dependency in parsed.dependencies:
        if dependency.group in _IGNORED_GROUPS:
            continue
        key = (dependency.name, "" if parsed.is_lock else dependency.group)
        entries.setdefault(key, []).append(dependency)
    return entries


def _value(dependency: Dependency, is_lock: bool) -> str:
    if is_lock:
        return dependency.version or dependency.spec
    text = dependency.spec or "*"
    return f"{text}; {dependency.marker}" if dependency.marker and dependency.group != "replace" else text


def _compare(
    file: ParsedFile, key: tuple[str, str], before: list[Dependency], after: list[Dependency]
) -> Change | None:
    ecosystem, is_lock = file.ecosystem, file.is_lock
    old = sorted({_value(d, is_lock) for d in before})
    new = sorted({_value(d, is_lock) for d in after})
    if old == new:
        return None
    sample = (after or before)[0]
    kind, major, specifier = _classify(ecosystem, is_lock, before, after)
    return Change(
        ecosystem=ecosystem,
        path=file.path,
        name=sample.label,
        key=key[0],
        group=key[1] or sample.group,
        base=", ".join(old),
        head=", ".join(new),
        kind=kind,
        direct=_direct(after or before),
        major=major,
        is_lock=is_lock,
        specifier=specifier,
        line=after[0].line if after else None,
    )


def _direct(entries: list[Dependency]) -> bool | None:
    flags = {d.direct for d in entries}
    if True in flags:
        return True
    return False if False in flags else None


def _classify(
    ecosystem: str, is_lock: bool, before: list[Dependency], after: list[Dependency]
) -> tuple[ChangeKind, bool, bool]:
    if not before:
        return ChangeKind.ADDED, False, False
    if not after:
        return ChangeKind.REMOVED, False, False
    if is_lock:
        before, after = _replaced_versions(before, after)
        if not before or not after:
            return ChangeKind.CHANGED, False, False  # versions dropped or added beside the others
    old, new = _point(ecosystem, is_lock, before), _point(ecosystem, is_lock, after)
    specifier = not is_lock and not (_all_exact(ecosystem, before) and _all_exact(ecosystem, after))
    if old is None or new is None:
        return ChangeKind.CHANGED, False, specifier
    order = versions.compare(ecosystem, new, old)
    major = versions.is_major_jump(ecosystem, old, new)
    if order is None or order == 0:
        return ChangeKind.CHANGED, major, specifier
    return (ChangeKind.UPGRADED if order > 0 else ChangeKind.DOWNGRADED), major, specifier


def _replaced_versions(before: list[Dependency], after: list[Dependency]) -> tuple[list[Dependency], list[Dependency]]:
    """A lock may hold several versions of a package: compare only the ones that went and came."""
    old = {d.version or d.spec for d in before}
    new = {d.version or d.spec for d in after}
    return [d for d in before if (d.version or d.spec) not in new], [
        d for d in after if (d.version or d.spec) not in old
    ]


def _point(ecosystem: str, is_lock: bool, entries: list[Dependency]) -> str | None:
    """The version that represents the entries: the highest locked version, or the highest floor."""
    points = []
    for dependency in entries:
        if is_lock or dependency.version:
            points.append(dependency.version or dependency.spec)
            continue
        found = versions.bounds(ecosystem, dependency.spec or "*")
        if found is None:
            return None
        points.append(found.floor or "0")
    return _highest(ecosystem, points)


def _highest(ecosystem: str, points: list[str]) -> str | None:
    best: str | None = None
    for point in points:
        if best is None:
            best = point
            continue
        order = versions.compare(ecosystem, point, best)
        if order is None:
            return None
        if order > 0:
            best = point
    return best


def _all_exact(ecosystem: str, entries: list[Dependency]) -> bool:
    return all(d.version is not None for d in entries)
