from __future__ import annotations

import pytest

from bot.deps.semver import parse_cargo_requirement, parse_npm_range, parse_version


def satisfies(version: str, spec: str) -> bool:
    parsed = parse_npm_range(spec)
    candidate = parse_version(version)
    assert parsed is not None and candidate is not None
    return parsed.satisfied_by(candidate)


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("1.2.3", "^1.2.3", True),
        ("1.9.0", "^1.2.3", True),
        ("2.0.0", "^1.2.3", False),
        ("0.2.9", "^0.2.3", True),
        ("0.3.0", "^0.2.3", False),
        ("0.0.3", "^0.0.3", True),
        ("0.0.4", "^0.0.3", False),
        ("1.2.9", "~1.2.3", True),
        ("1.3.0", "~1.2.3", False),
        ("1.9.9", "~1", True),
        ("1.2.0", "1.2.x", True),
        ("1.3.0", "1.2.x", False),
        ("3.0.0", "*", True),
        ("1.5.0", ">=1.2.0 <2.0.0", True),
        ("2.0.0", ">=1.2.0 <2.0.0", False),
        ("2.3.4", "1.2 - 2.3.4", True),
        ("2.3.5", "1.2 - 2.3.4", False),
        ("2.9.0", "1.2.3 - 2", True),
        ("3.1.0", "^1.0.0 || ^3.0.0", True),
        ("2.1.0", "^1.0.0 || ^3.0.0", False),
        ("1.3.0", ">1.2", True),
        ("1.2.9", ">1.2", False),
        ("1.2.9", "<=1.2", True),
        ("1.3.0", "<=1.2", False),
        ("1.2.3", "= 1.2.3", True),
        ("1.2.3", ">= 1.2.3", True),
        # prereleases only match a comparator naming a prerelease of the same x.y.z (npm's rule)
        ("1.2.4-beta.1", "^1.2.3", False),
        ("1.2.3-beta.2", "^1.2.3-beta.1", True),
        ("1.2.3-beta.0", "^1.2.3-beta.1", False),
    ],
)
def test_npm_ranges_match_like_npm(version: str, spec: str, expected: bool) -> None:
    assert satisfies(version, spec) is expected


@pytest.mark.parametrize("spec", ["latest", "next", "git+https://x/y.git", "file:../x", "^1.2.3.4.5"])
def test_npm_non_ranges_are_not_ranges(spec: str) -> None:
    assert parse_npm_range(spec) is None


@pytest.mark.parametrize(
    ("spec", "floor", "bounded"),
    [
        ("^1.2.3", "1.2.3", True),
        (">=46.0.3", "46.0.3", False),
        ("~2", "2.0.0", True),
        ("*", "0.0.0", False),
        (">1.2.3", "1.2.4", False),
        ("^1.0.0 || ^0.9.0", "0.9.0", True),
        ("<3", "0.0.0", True),
    ],
)
def test_range_floor_and_upper_bound(spec: str, floor: str, bounded: bool) -> None:
    parsed = parse_npm_range(spec)
    assert parsed is not None
    assert str(parsed.floor()) == floor
    assert parsed.bounded_above is bounded


def test_precedence_follows_semver_org() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ]
    keys = [parse_version(v).key() for v in ordered]  # type: ignore[union-attr]
    assert keys == sorted(keys)
    assert parse_version("1.0.0+build.1").key() == parse_version("1.0.0").key()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("version", "requirement", "expected"),
    [
        ("1.10.0", "1.9.0", True),  # a bare Cargo version means ^
        ("2.0.0", "1.9.0", False),
        ("0.11.12", "0.11.11", True),
        ("0.12.0", "0.11", False),
        ("1.5.0", ">=1.2, <2", True),
        ("2.0.0", ">=1.2, <2", False),
        ("1.2.7", "=1.2.7", True),
        ("1.2.8", "=1.2.7", False),
        ("1.2.8", "~1.2", True),
        ("1.4.0", "1.*", True),
        ("7.0.0", "*", True),
    ],
)
def test_cargo_requirements(version: str, requirement: str, expected: bool) -> None:
    parsed = parse_cargo_requirement(requirement)
    candidate = parse_version(version)
    assert parsed is not None and candidate is not None
    assert parsed.satisfied_by(candidate) is expected
