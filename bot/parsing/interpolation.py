"""Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$$`.

Compose replaces these from the environment (and `.env`) before it reads a value, so a value
that contains a reference is not written in the file: it is not a plaintext secret, and its
final text is unknown unless every reference has a default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")


MAX_NESTING = 32
"""Defaults inside defaults (`${A:-${B:-x}}`) are followed this deep. No Compose file nests more;
a hostile one nesting thousands deep would cost quadratic time and Python's recursion limit."""


@dataclass(frozen=True)
class Reference:
    name: str
    operator: str
    """"" for `$VAR` / `${VAR}`, else one of `:-`, `-`, `:?`, `?`, `:+`, `+`."""
    word: str
    """The default, error message or alternative, as written (may hold references itself)."""


@dataclass(frozen=True)
class _Piece:
    text: str
    reference: Reference | None = None


def references(text: str, _depth: int = 0) -> list[Reference]:
    """Every variable the text refers to, outermost first (defaults' references follow theirs)."""
    found: list[Reference] = []
    for piece in _pieces(text):
        if piece.reference is not None:
            found.append(piece.reference)
            if _depth < MAX_NESTING:
                found.extend(references(piece.reference.word, _depth + 1))
    return found


def is_literal(text: str) -> bool:
    """True when the text holds no variable reference (`$$` is an escaped `$`, not one)."""
    return all(piece.reference is None for piece in _pieces(text))


def unescape(text: str) -> str:
    """The literal text Compose passes on: `$$` becomes `$`."""
    return "".join(piece.text for piece in _pieces(text) if piece.reference is None)


def literal_defaults(text: str) -> list[str]:
    """The fallback values written in the file: the words of `${VAR:-word}` and `${VAR-word}`."""
    return [resolve(ref.word) or "" for ref in references(text) if ref.operator in (":-", "-") and ref.word]


def resolve(text: str, environment: Mapping[str, str] | None = None) -> str | None:
    """The text with references replaced from `environment` or their defaults.

    None when a reference has neither a value nor a default: the result depends on the
    environment of whoever runs Compose.
    """
    return _resolve(text, environment or {}, 0)


def _resolve(text: str, environment: Mapping[str, str], depth: int) -> str | None:
    if depth > MAX_NESTING:
        return None
    out: list[str] = []
    for piece in _pieces(text):
        ref = piece.reference
        if ref is None:
            out.append(piece.text)
            continue
        value = environment.get(ref.name)
        resolved = _apply(ref, value, environment, depth)
        if resolved is None:
            return None
        out.append(resolved)
    return "".join(out)


def _apply(ref: Reference, value: str | None, environment: Mapping[str, str], depth: int) -> str | None:
    is_set = value is not None and (value != "" or not ref.operator.startswith(":"))
    if ref.operator in (":-", "-"):
        return value if is_set else _resolve(ref.word, environment, depth + 1)
    if ref.operator in (":+", "+"):
        return _resolve(ref.word, environment, depth + 1) if is_set else ""
    return value if is_set else None


def _pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "$":
            literal.append(char)
            index += 1
            continue
        following = text[index + 1 : index + 2]
        if following == "$":
            literal.append("$")
            index += 2
            continue
        parsed = _reference_at(text, index)
        if parsed is None:
            literal.append("$")
            index += 1
            continue
        reference, end = parsed
        if literal:
            pieces.append(_Piece("".join(literal)))
            literal = []
        pieces.append(_Piece(text[index:end], reference))
        index = end
    if literal:
        pieces.append(_Piece("".join(literal)))
    return pieces


def _reference_at(text: str, start: int) -> tuple[Reference, int] | None:
    """The reference starting at `text[start] == "$"` and the index just after it."""
    if text.startswith("{", start + 1):
        return _braced(text, start + 2)
    match = _NAME.match(text, start + 1)
    if match is None:
        return None
    return Reference(match.group(0), "", ""), match.end()


def _braced(text: str, start: int) -> tuple[Reference, int] | None:
    match = _NAME.match(text, start)
    if match is None:
        return None
    index = match.end()
    operator = next((op for op in _OPERATORS if text.startswith(op, index)), "")
    index += len(operator)
    depth = 1
    word_start = index
    while index < len(text):
        if text.startswith("${", index):
            depth += 1
            index += 2
            continue
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                if not operator and index != word_start:
                    return None
                return Reference(match.group(0), operator, text[word_start:index]), index + 1
        index += 1
    return None
