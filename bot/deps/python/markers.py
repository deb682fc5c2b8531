"""Do two PEP 508 environment markers select the same environments?

uv rewrites markers when it records them (`python_version < "3.14"` becomes
`python_full_version < '3.14'`, clauses are reordered and simplified), so markers are compared
by what they select: both are evaluated in every environment that differs on a value either
marker mentions, with `python_version` following `python_full_version`.
"""

from __future__ import annotations

import itertools
import re

from packaging.markers import InvalidMarker, Marker, default_environment
from packaging.version import InvalidVersion, Version

_PYTHON = ("python_version", "python_full_version")
_OPERATOR = r"(?:===|==|!=|<=|>=|~=|<|>|not\s+in|in)"
_LITERAL = r"(?P<q{n}>[\"'])(?P<{name}>.*?)(?P=q{n})"
_COMPARISON = re.compile(
    rf"\b(?P<variable>[a-z_]+)\s*{_OPERATOR}\s*{_LITERAL.format(n=1, name='literal')}"
    rf"|{_LITERAL.format(n=2, name='literal_before')}\s*{_OPERATOR}\s*(?P<variable_after>[a-z_]+)\b"
)
"""`variable op "literal"` or `"literal" op variable`, as packaging writes a marker back out."""
_MAX_ENVIRONMENTS = 4096
"""Markers mentioning more combinations than this are taken as equivalent (never a guess of a difference)."""


def parse_marker(text: str) -> Marker | None:
    """The marker, None for "" (every environment); raises ValueError when it is not one."""
    if not text.strip():
        return None
    try:
        return Marker(text)
    except InvalidMarker as error:
        raise ValueError(str(error).splitlines()[0]) from None


def equivalent(first: Marker | None, second: Marker | None) -> bool:
    """True when both markers select the same environments (or when that is too costly to decide)."""
    if str(first or "") == str(second or ""):
        return True
    values: dict[str, set[str]] = {}
    for marker in (first, second):
        if marker is not None:
            _collect(str(marker), values)
    axes = _axes(values)
    if _count(axes) > _MAX_ENVIRONMENTS:
        return True
    base = {key: str(value) for key, value in default_environment().items()}
    names = list(axes)
    for combination in itertools.product(*(axes[name] for name in names)):
        environment: dict[str, str] = {**base, "extra": ""}
        for name, value in zip(names, combination, strict=True):
            if name == "python":
                environment["python_full_version"] = value
                environment["python_version"] = ".".join(value.split(".")[:2])
            else:
                environment[name] = value
        try:
            if _evaluate(first, environment) != _evaluate(second, environment):
                return False
        except ValueError:  # packaging refuses a comparison (`"abc" < "3"`): undecidable, not a difference
            return True
    return True


def _evaluate(marker: Marker | None, environment: dict[str, str]) -> bool:
    return True if marker is None else marker.evaluate(environment)


def _collect(marker: str, values: dict[str, set[str]]) -> None:
    """Each variable a marker compares, with the literals it is compared with, read from the
    marker's normalized text (`python_version < "3.14"`, `"linux" in sys_platform`)."""
    for match in _COMPARISON.finditer(marker):
        variable = match.group("variable") or match.group("variable_after")
        literal = match.group("literal") if match.group("literal") is not None else match.group("literal_before")
        name = "python" if variable in _PYTHON else variable
        values.setdefault(name, set()).add(literal)


def _axes(values: dict[str, set[str]]) -> dict[str, list[str]]:
    axes = {}
    for name, literals in sorted(values.items()):
        if name == "python":
            axes[name] = sorted({v for literal in literals for v in _python_candidates(literal)})
        else:
            axes[name] = sorted(literals | {"", "dockhand-other"})
    return axes


def _python_candidates(literal: str) -> set[str]:
    """Full versions on each side of a literal (`3.14` -> 3.13.0, 3.14.0, 3.14.1, 3.15.0 ...)."""
    try:
        release = Version(literal.rstrip(".*")).release
    except InvalidVersion:
        return {"3.12.0"}
    major, minor, patch = (*release, 0, 0)[:3]
    found = set()
    for m in (minor - 1, minor, minor + 1):
        for p in (0, patch - 1, patch, patch + 1):
            if m >= 0 and p >= 0:
                found.add(f"{major}.{m}.{p}")
    return found


def _count(axes: dict[str, list[str]]) -> int:
    total = 1
    for candidates in axes.values():
        total *= len(candidates)
    return total
