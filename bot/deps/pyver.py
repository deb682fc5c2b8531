"""Python names (PEP 503) and versions (PEP 440), through `packaging`."""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_SEPARATORS = re.compile(r"[-_.]+")


def normalize_name(name: str) -> str:
    return _SEPARATORS.sub("-", name).lower()


def parse_pep440(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def parse_specifier(text: str) -> SpecifierSet | None:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def pinned_version(specifiers: SpecifierSet) -> str | None:
    """`==1.2.3` / `===1.2.3` -> "1.2.3"; None when the set allows more than one version."""
    items = list(specifiers)
    if len(items) == 1 and items[0].operator in ("==", "===") and "*" not in items[0].version:
        return items[0].version
    return None


def floor(specifiers: SpecifierSet) -> Version | None:
    """The lowest version the specifiers name as allowed (`>=`, `>`, `==`, `~=`); None: no floor."""
    lows = [v for v in (_lower(spec) for spec in specifiers) if v is not None]
    return max(lows) if lows else None


def has_upper_bound(specifiers: SpecifierSet) -> bool:
    return any(spec.operator in ("<", "<=", "==", "===", "~=") for spec in specifiers)


def satisfies(version: str, specifiers: SpecifierSet) -> bool | None:
    parsed = parse_pep440(version)
    if parsed is None:
        return None
    return specifiers.contains(parsed, prereleases=True)


def _lower(spec: Specifier) -> Version | None:
    if spec.operator in (">=", ">", "==", "~=", "==="):
        text = spec.version.removesuffix(".*")
        return parse_pep440(text)
    return None


def parse_constraint(text: str) -> SpecifierSet | None:
    """PEP 440 specifiers, or Poetry/Pipfile constraints (`^1.2`, `~1.2.3`, `1.2.3`, `*`) in their terms."""
    stripped = text.strip()
    direct = parse_specifier(stripped)
    if direct is not None:
        return direct
    if "||" in stripped or "|" in stripped:
        return None
    pieces = [piece.strip() for piece in stripped.split(",")]
    converted = [_poetry_piece(piece) for piece in pieces if piece]
    if any(piece is None for piece in converted):
        return None
    return parse_specifier(",".join(piece for piece in converted if piece))


def _poetry_piece(piece: str) -> str | None:
    if piece in ("*", ""):
        return ""
    if piece.startswith("^"):
        return _caret(piece[1:].strip())
    if piece.startswith("~") and not piece.startswith("~="):
        return _tilde(piece[1:].strip())
    if piece[0].isdigit():
        return f"=={piece}"
    return re.sub(r"^(<=|>=|==|!=|<|>)\s+", r"\1", piece)


def _release(text: str) -> tuple[Version, list[int]] | None:
    version = parse_pep440(text)
    if version is None:
        return None
    return version, [int(part) for part in text.split("+")[0].split("-")[0].split(".") if part.isdigit()]


def _caret(text: str) -> str | None:
    parsed = _release(text)
    if parsed is None or not parsed[1]:
        return None
    version, parts = parsed
    index = next((i for i, part in enumerate(parts) if part != 0), len(parts) - 1)
    upper = [*parts[:index], parts[index] + 1]
    return f">={version},<{'.'.join(map(str, upper))}"


def _tilde(text: str) -> str | None:
    parsed = _release(text)
    if parsed is None or not parsed[1]:
        return None
    version, parts = parsed
    upper = [parts[0] + 1] if len(parts) == 1 else [parts[0], parts[1] + 1]
    return f">={version},<{'.'.join(map(str, upper))}"
