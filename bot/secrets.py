"""Recognising credentials in files, and keeping their values out of everything dockhand writes.

A value is never returned to a caller for display: `mask` replaces it, and rules only say
*that* a name or a line holds a credential.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

MASK = "****"

_SECRET_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"}
)
_SECRET_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("ACCESS", "KEY"),
        ("PRIVATE", "KEY"),
        ("SECRET", "KEY"),
        ("AUTH", "KEY"),
        ("SIGNING", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("MASTER", "KEY"),
        ("CLIENT", "SECRET"),
    }
)
_NOT_SECRET_LAST_WORDS = frozenset(
    {
        "FILE", "PATH", "DIR", "URL", "URI", "HOST", "PORT", "USER", "USERNAME", "NAME", "ENDPOINT", "ID",
        "TYPE", "LENGTH", "HEADER", "TTL", "EXPIRY", "EXPIRES", "ALGORITHM", "ENABLED", "REGION", "VERSION",
    }
)  # fmt: skip
_TOKEN_SHAPES = (
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),  # GitHub tokens
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b"),
    re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"),  # GitLab
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),  # Slack
    re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b"),  # Stripe
    re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b"),  # OpenAI-style
    re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),
    re.compile(r"\bpypi-[A-Za-z0-9_-]{50,}\b"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),  # Google API key
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWT
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)
_URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\"]+:(?P<password>[^\s@/'\"]+)@")
_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+][^}]*)?\}?$")
_HARMLESS_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"})


def is_secret_name(name: str) -> bool:
    """`DB_PASSWORD`, `GITHUB_TOKEN`, `apiKey` yes; `PASSWORD_FILE`, `TOKEN_URL`, `GPG_KEY`, `COMPASS` no."""
    words = _name_words(name)
    if not words or words[-1] in _NOT_SECRET_LAST_WORDS:
        return False
    return any(word in _SECRET_WORDS for word in words) or any(pair in _SECRET_PAIRS for pair in pairwise(words))


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [word.upper() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word]


def is_literal_value(value: str) -> bool:
    """A value written into the file (not `$VAR`/`${VAR:-x}`, not a path, not a boolean)."""
    value = unquote(value.strip())
    if value.lower() in _HARMLESS_VALUES or _REFERENCE.match(value):
        return False
    return not value.startswith(("/", "./", "~/"))


def token_values(text: str) -> list[str]:
    """Substrings of `text` that have the shape of a known credential format."""
    found = [m.group(0) for pattern in _TOKEN_SHAPES for m in pattern.finditer(text)]
    found.extend(m.group("password") for m in _URL_PASSWORD.finditer(text) if not m.group("password").startswith("$"))
    return found


def token_kind(text: str) -> str | None:
    """A short description of the first credential shape found, for messages."""
    for pattern, kind in zip(_TOKEN_SHAPES, _TOKEN_KINDS, strict=True):
        if pattern.search(text):
            return kind
    if any(not m.group("password").startswith("$") for m in _URL_PASSWORD.finditer(text)):
        return "a password inside a URL"
    return None


_TOKEN_KINDS = (
    "a GitHub token",
    "a GitHub token",
    "a GitLab token",
    "an AWS access key",
    "a Slack token",
    "a Stripe key",
    "an API secret key",
    "an npm token",
    "a PyPI token",
    "a Google API key",
    "a JSON Web Token",
    "a private key",
)


def mask(text: str, values: Iterable[str]) -> str:
    """`text` with every occurrence of each value replaced by `****` (longest values first)."""
    for value in sorted({v for v in values if v}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
