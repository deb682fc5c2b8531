"""Semantic versions and ranges as npm and Cargo read them.

Hand-written on purpose: the PyPI ports (node-semver 0.9, semantic_version 2.10) are untyped,
log on every call and lack the range floor (npm's `minVersion`) that the diff needs. A range
is desugared, as npm does, into alternatives of primitive comparators (`>=1.2.0 <2.0.0-0`);
Cargo requirements (`1.2`, `>=1, <2`, `~1.2`) desugar into the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMERIC = re.compile(r"^(0|[1-9]\d*)$")
_VERSION = re.compile(
    r"^\s*[=v]*\s*(\d+)\.(\d+)\.(\d+)"
    r"(?:-?((?:[0-9A-Za-z-]+)(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+([0-9A-Za-z.-]+))?\s*$"
)
_PARTIAL = re.compile(
    r"^v?(?P<major>\d+|[xX*])(?:\.(?P<minor>\d+|[xX*]))?(?:\.(?P<patch>\d+|[xX*]))?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$"
)
_COMPARATOR = re.compile(r"^(?P<op><=|>=|<|>|=|~>|~|\^)?\s*(?P<version>.*)$")
_HYPHEN = re.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")
_OP_SPACE = re.compile(r"(<=|>=|<|>|=|~>|~|\^)\s+")


@dataclass(frozen=True, slots=True)
class SemVer:
    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()
    build: str = ""

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        """Precedence per semver.org §11; build metadata does not count."""
        pre = tuple((0, int(part), "") if _NUMERIC.match(part) else (1, 0, part) for part in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    @property
    def release(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            text += "-" + ".".join(self.pre)
        return text + (f"+{self.build}" if self.build else "")


def parse_version(text: str) -> SemVer | None:
    """`1.2.3`, `v1.2.3-rc.1+build`, `=1.2.3`; None when it is not a full semantic version."""
    match = _VERSION.match(text)
    if match is None:
        return None
    major, minor, patch, pre, build = match.groups()
    return SemVer(int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else (), build or "")


def compare(a: SemVer, b: SemVer) -> int:
    ka, kb = a.key(), b.key()
    return (ka > kb) - (ka < kb)


@dataclass(frozen=True, slots=True)
class Comparator:
    op: str
    """One of <, <=, >, >=, =."""
    version: SemVer

    def test(self, version: SemVer) -> bool:
        order = compare(version, self.version)
        return {
            "<": order < 0,
            "<=": order <= 0,
            ">": order > 0,
            ">=": order >= 0,
            "=": order == 0,
        }[self.op]


Alternative = tuple[Comparator, ...]
"""Comparators that must all hold; an empty one accepts any version."""


@dataclass(frozen=True)
class Range:
    alternatives: tuple[Alternative, ...]

    def satisfied_by(self, version: SemVer) -> bool:
        return any(_alternative_holds(alternative, version) for alternative in self.alternatives)

    def floor(self) -> SemVer:
        """The lowest version the range accepts (npm's `minVersion`, approximately for `>`)."""
        return min((_alternative_floor(a) for a in self.alternatives), key=SemVer.key)

    @property
    def bounded_above(self) -> bool:
        """Every alternative has an upper bound (`<`, `<=` or an exact version)."""
        return all(any(c.op in ("<", "<=", "=") for c in a) for a in self.alternatives)

    @property
    def exact(self) -> SemVer | None:
        """The one version the range accepts, when it is a plain `=1.2.3`."""
        if len(self.alternatives) == 1 and len(self.alternatives[0]) == 1:
            only = self.alternatives[0][0]
            if only.op == "=":
                return only.version
        return None


def parse_npm_range(text: str) -> Range | None:
    """An npm range (`^1.2.3`, `~1.2`, `1.x`, `>=1 <2`, `1 - 2`, `a || b`); None if it is not one."""
    alternatives = []
    for part in text.split("||"):
        alternative = _parse_alternative(part.strip())
        if alternative is None:
            return None
        alternatives.append(alternative)
    return Range(tuple(alternatives))


def parse_cargo_requirement(text: str) -> Range | None:
    """A Cargo version requirement: comma-separated comparators; a bare version means `^`."""
    comparators: list[Comparator] = []
    for raw in text.split(","):
        piece = raw.strip()
        if not piece:
            return None
        if piece[0].isdigit():
            piece = "^" + piece
        parsed = _desugar(piece)
        if parsed is None:
            return None
        comparators.extend(parsed)
    return Range((tuple(comparators),))


def _parse_alternative(text: str) -> Alternative | None:
    if text in ("", "*", "x", "X", "latest"):
        return () if text != "latest" else None
    hyphen = _HYPHEN.match(text)
    if hyphen:
        return _hyphen(hyphen.group(1), hyphen.group(2))
    comparators: list[Comparator] = []
    for word in _OP_SPACE.sub(r"\1", text).split():
        parsed = _desugar(word)
        if parsed is None:
            return None
        comparators.extend(parsed)
    return tuple(comparators)


@dataclass(frozen=True)
class _Partial:
    major: int | None
    minor: int | None
    patch: int | None
    pre: tuple[str, ...]

    def low(self) -> SemVer:
        return SemVer(self.major or 0, self.minor or 0, self.patch or 0, self.pre)


def _partial(text: str) -> _Partial | None:
    match = _PARTIAL.match(text)
    if match is None:
        return None
    numbers: list[int | None] = []
    wild = False
    for group in ("major", "minor", "patch"):
        value = match.group(group)
        if value is None or value in "xX*" or wild:
            wild = True
            numbers.append(None)
        else:
            numbers.append(int(value))
    pre = tuple(match.group("pre").split(".")) if match.group("pre") and not wild else ()
    return _Partial(numbers[0], numbers[1], numbers[2], pre)


def _below(major: int, minor: int = 0, patch: int = 0) -> Comparator:
    """`<major.minor.patch-0`: below that release and all of its prereleases."""
    return Comparator("<", SemVer(major, minor, patch, ("0",)))


def _desugar(word: str) -> list[Comparator] | None:
    match = _COMPARATOR.match(word)
    if match is None:
        return None
    op = match.group("op") or "="
    partial = _partial(match.group("version").strip())
    if partial is None:
        return None
    if op == "~>":
        op = "~"
    if op == "^":
        return _caret(partial)
    if op == "~":
        return _tilde(partial)
    return _xrange(op, partial)


def _caret(p: _Partial) -> list[Comparator]:
    if p.major is None:
        return []
    low = Comparator(">=", p.low())
    if p.major > 0 or p.minor is None:
        return [low, _below(p.major + 1)]
    if p.minor > 0 or p.patch is None:
        return [low, _below(0, p.minor + 1)]
    return [low, _below(0, 0, p.patch + 1)]


def _tilde(p: _Partial) -> list[Comparator]:
    if p.major is None:
        return []
    low = Comparator(">=", p.low())
    if p.minor is None:
        return [low, _below(p.major + 1)]
    return [low, _below(p.major, p.minor + 1)]


def _xrange(op: str, p: _Partial) -> list[Comparator]:
    if p.major is None:
        return [Comparator("<", SemVer(0, 0, 0, ("0",)))] if op in ("<", ">") else []
    if p.minor is not None and p.patch is not None:
        return [Comparator(op, p.low())]
    next_up = SemVer(p.major + 1, 0, 0) if p.minor is None else SemVer(p.major, p.minor + 1, 0)
    if op == "=":
        return [Comparator(">=", p.low()), _below(*next_up.release)]
    if op == ">":
        return [Comparator(">=", next_up)]
    if op == ">=":
        return [Comparator(">=", p.low())]
    if op == "<":
        return [Comparator("<", SemVer(*p.low().release, ("0",)))]
    return [_below(*next_up.release)]  # "<="


def _hyphen(start: str, end: str) -> Alternative | None:
    low, high = _partial(start), _partial(end)
    if low is None or high is None:
        return None
    comparators = [] if low.major is None else [Comparator(">=", low.low())]
    if high.major is not None:
        if high.minor is None:
            comparators.append(_below(high.major + 1))
        elif high.patch is None:
            comparators.append(_below(high.major, high.minor + 1))
        else:
            comparators.append(Comparator("<=", high.low()))
    return tuple(comparators)


def _alternative_holds(alternative: Alternative, version: SemVer) -> bool:
    if not all(c.test(version) for c in alternative):
        return False
    if not version.pre:
        return True
    # A prerelease only matches a comparator that names a prerelease of the same x.y.z.
    return any(c.version.pre and c.version.release == version.release and c.version.pre != ("0",) for c in alternative)


def _alternative_floor(alternative: Alternative) -> SemVer:
    floor = SemVer(0, 0, 0)
    for comparator in alternative:
        candidate = comparator.version
        if comparator.op == ">":
            candidate = (
                SemVer(candidate.major, candidate.minor, candidate.patch + 1)
                if not candidate.pre
                else SemVer(*candidate.release, (*candidate.pre, "0"))
            )
        elif comparator.op not in (">=", "="):
            continue
        if candidate.key() > floor.key():
            floor = candidate
    return floor
