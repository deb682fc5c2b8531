from __future__ import annotations

import pytest

from bot.deps import versions
from bot.deps.gover import is_pseudo_version, major_path_suffix


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("v1.2.3", "v1.10.0", -1),
        ("v0.0.0-20211012122336-39d0f177ccd0", "v0.0.0-20240226150601-1dcf73103ae2", -1),
        ("v1.2.4-0.20211012122336-39d0f177ccd0", "v1.2.3", 1),  # a pseudo-version after v1.2.3
        ("v1.2.4-0.20211012122336-39d0f177ccd0", "v1.2.4", -1),
        ("v2.0.0+incompatible", "v2.0.0", 0),  # build metadata does not count
        ("v1.5.4", "v1.5.3", 1),
        ("1.19", "1.22", -1),  # the go directive
    ],
)
def test_go_versions_compare_like_go(a: str, b: str, expected: int) -> None:
    assert versions.compare("go", a, b) == expected


def test_pseudo_versions_and_major_suffixes() -> None:
    assert is_pseudo_version("v0.0.0-20211012122336-39d0f177ccd0")
    assert not is_pseudo_version("v1.2.3-rc.1")
    assert major_path_suffix("github.com/x/y/v3") == ("github.com/x/y", 3)
    assert major_path_suffix("gopkg.in/yaml.v3") == ("gopkg.in/yaml", 3)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("2.32.3", "2.32.10", -1), ("1.0.0rc1", "1.0.0", -1), ("0.24.0.post1", "0.24.0", 1), ("3.1.6", "3.1.6", 0)],
)
def test_python_versions_compare_per_pep_440(a: str, b: str, expected: int) -> None:
    assert versions.compare("python", a, b) == expected


@pytest.mark.parametrize(
    ("ecosystem", "spec", "floor", "bounded", "exact"),
    [
        ("python", ">=46.0.3", "46.0.3", False, None),
        ("python", "~=2.0", "2.0", True, None),
        ("python", "==2.32.3", "2.32.3", True, "2.32.3"),
        ("python", "", None, False, None),
        ("python", "^0.24.0.post1", "0.24.0.post1", True, None),  # a Poetry caret
        ("python", "*", None, False, None),  # a Pipfile star
        ("node", "^4.17.21", "4.17.21", True, None),
        ("rust", "1.0.0", "1.0.0", True, None),
        ("rust", "=1.0.0", "1.0.0", True, "1.0.0"),
    ],
)
def test_bounds(ecosystem: str, spec: str, floor: str | None, bounded: bool, exact: str | None) -> None:
    found = versions.bounds(ecosystem, spec)
    assert found is not None
    assert (found.floor, found.upper_bounded, found.exact) == (floor, bounded, exact)


def test_major_jumps() -> None:
    assert versions.is_major_jump("python", "1.45.1", "2.41.0")
    assert not versions.is_major_jump("python", "2.38.0", "2.41.0")
    assert versions.is_major_jump("node", "0.19.0", "0.21.1")  # 0.x: the minor is the major
    assert not versions.is_major_jump("rust", "0.11.11", "0.11.12")


def test_satisfies_answers_none_when_it_cannot_tell() -> None:
    assert versions.satisfies("python", "2.32.3", ">=2.32.4") is False
    assert versions.satisfies("python", "not a version", ">=1") is None
    assert versions.satisfies("node", "1.2.3", "latest") is None
