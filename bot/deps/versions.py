"""Versions and specifiers compared the way each ecosystem compares them.

Python: PEP 440 (`packaging`). Node: npm semver ranges. Rust: Cargo requirements. Go: module
versions (semver with pseudo-versions). Every function answers None when it cannot tell
(a git ref, a dist-tag, a version string that is not one).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import gover, pyver, semver


@dataclass(frozen=True)
class Bounds:
    """What a specifier allows, as far as the diff and the rules need to know."""

    floor: str | None
    """The lowest allowed version, or None when there is none (`*`, `<2`)."""
    upper_bounded: bool
    exact: str | None = None


def compare(ecosystem: str, a: str, b: str) -> int | None:
    """-1, 0, 1 as version `a` is lower, equal or higher than `b`; None when either is not a version."""
    if ecosystem == "python" or (ecosystem == "go" and not a.startswith("v") and not b.startswith("v")):
        left, right = pyver.parse_pep440(a), pyver.parse_pep440(b)
        if left is None or right is None:
            return None
        return (left > right) - (left < right)
    if ecosystem == "go":
        return gover.compare_go(a, b)
    x, y = semver.parse_version(a), semver.parse_version(b)
    if x is None or y is None:
        return None
    return semver.compare(x, y)


def major_of(ecosystem: str, version: str) -> tuple[int, ...] | None:
    """The part of a version whose change breaks compatibility: the major, or for 0.x the minor."""
    if ecosystem == "python":
        parsed = pyver.parse_pep440(version)
        return (parsed.release[0],) if parsed else None
    parsed_semver = gover.parse_go_version(version) if ecosystem == "go" else semver.parse_version(version)
    if parsed_semver is None:
        return None
    if parsed_semver.major == 0:
        return (0, parsed_semver.minor)
    return (parsed_semver.major,)


def is_major_jump(ecosystem: str, a: str, b: str) -> bool:
    left, right = major_of(ecosystem, a), major_of(ecosystem, b)
    return left is not None and right is not None and left != right


def bounds(ecosystem: str, spec: str) -> Bounds | None:
    """Floor, upper bound and exact pin of a specifier; None when it is not a version specifier."""
    if ecosystem == "python":
        specifiers = pyver.parse_constraint(spec)
        if specifiers is None:
            return None
        low = pyver.floor(specifiers)
        return Bounds(str(low) if low else None, pyver.has_upper_bound(specifiers), pyver.pinned_version(specifiers))
    if ecosystem == "go":
        version = gover.parse_go_version(spec)
        return Bounds(spec, False, spec) if version else None
    parsed = _range(ecosystem, spec)
    if parsed is None:
        return None
    lowest = parsed.floor()
    exact = parsed.exact
    return Bounds(
        str(lowest) if lowest.key() > semver.SemVer(0, 0, 0).key() else None,
        parsed.bounded_above,
        str(exact) if exact else None,
    )


def satisfies(ecosystem: str, version: str, spec: str) -> bool | None:
    """Does `version` meet `spec`? None when either is not something this ecosystem can compare."""
    if ecosystem == "python":
        specifiers = pyver.parse_constraint(spec)
        return None if specifiers is None else pyver.satisfies(version, specifiers)
    if ecosystem == "go":
        order = gover.compare_go(version, spec)
        return None if order is None else order >= 0
    parsed, candidate = _range(ecosystem, spec), semver.parse_version(version)
    if parsed is None or candidate is None:
        return None
    return parsed.satisfied_by(candidate)


def compare_floors(ecosystem: str, a: str | None, b: str | None) -> int | None:
    """Order two floors, where None (no floor) is the lowest of all."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    return compare(ecosystem, a, b)


def _range(ecosystem: str, spec: str) -> semver.Range | None:
    if ecosystem == "rust":
        return semver.parse_cargo_requirement(spec)
    return semver.parse_npm_range(spec)
