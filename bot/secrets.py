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
"""A name holding one of these words (`DB_PASSWORD`, `jwtSecret`) names a credential."""
_SECRET_SUFFIXES = frozenset({"PWD", "SECRETS"})
"""Credentials only as the last of two or more words: `MYSQL_PWD`, `APP_SECRETS`; but `PWD` is
the working directory, and `SECRETS_BACKEND` names where secrets are kept, not one."""
_KEY_KINDS = frozenset(
    {"API", "ACCESS", "PRIVATE", "SECRET", "AUTH", "SIGNING", "ENCRYPTION", "MASTER", "LICENSE", "CLIENT"}
)
"""`<kind>_KEY` is a credential (`STRIPE_API_KEY`, `NEW_RELIC_LICENSE_KEY`); a bare `GPG_KEY` is not."""
NOT_SECRET_LAST_WORDS = frozenset(
    {
        "FILE", "PATH", "DIR", "ID", "IDS", "NAME", "USER", "USERNAME", "LENGTH", "LEN", "EXPIRY", "EXPIRES",
        "EXPIRE", "EXPIRATION", "TTL", "ALGORITHM", "ALG", "TYPE", "HOST", "PORT", "ENABLED", "ENABLE", "DISABLED",
        "METHOD", "HEADER", "FIELD", "URL", "URI", "TIMEOUT", "LIFETIME", "MIN", "MAX", "POLICY", "ROTATION",
        "PREFIX", "FORMAT", "MODE", "SIZE", "LOCATION", "ISSUER", "AUDIENCE", "COMMAND", "CMD", "PROVIDER",
        "ENDPOINT", "REQUIRED", "RESET", "HASH", "HASHER", "STRENGTH", "COMPLEXITY", "SCHEME", "VERSION", "REGION",
    }
)  # fmt: skip
"""A name ending in one of these describes a credential's setting, not the credential:
`PASSWORD_FILE`, `TOKEN_URL`, `AWS_ACCESS_KEY_ID`, `PASSWORD_MIN_LENGTH`."""
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
_TOKEN_PREFIXES = (
    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ("github_pat_",),
    ("glpat-",),
    ("AKIA", "ASIA"),
    ("xox",),
    ("sk_", "rk_"),
    ("sk-",),
    ("npm_",),
    ("pypi-",),
    ("AIza",),
    ("eyJ",),
    ("-----BEGIN",),
)
"""A fixed part of each shape above, in the same order."""
_URL_PASSWORD = re.compile(r"://(?P<user>[^\s:/@'\"]*):(?P<password>[^\s@/'\"]+)@")
"""The user information of a URL, `scheme://user:password@host` (the user may be empty:
`redis://:password@cache`). It starts with the literal `://`, so a huge text costs a substring
search, and it finds the URL inside a larger value (`jdbc:postgresql://...`, `-Durl=...`)."""
_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+][^}]*)?\}?$")
_HARMLESS_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"})
_PLACEHOLDER = re.compile(
    r"^(?:<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\}|x{3,}|\*{3,}|\.{3}|_+|-+|!!!.*!!!"
    r"|todo|fixme|tbd|placeholder|fill[-_ ]?(?:me|it)?[-_ ]?in|set[-_ ]?me|please[-_ ].*)$",
    re.IGNORECASE,
)
"""Values that stand for one to be filled in: `<your-password>`, `xxxx`, `!!!SET PASSWORD!!!`
(cookiecutter-django's env files), `{{ password }}`, `TODO`, `fill-me-in`."""


def is_secret_name(name: str) -> bool:
    """`DB_PASSWORD`, `GITHUB_TOKEN`, `apiKey`, `MYSQL_PWD` yes; `PASSWORD_FILE`, `TOKEN_URL`,
    `AWS_ACCESS_KEY_ID`, `GPG_KEY`, `COMPASS`, `PWD` no."""
    words = name_words(name)
    if not words or words[-1] in NOT_SECRET_LAST_WORDS:
        return False
    if any(word in _SECRET_WORDS for word in words) or (len(words) > 1 and words[-1] in _SECRET_SUFFIXES):
        return True
    return any(first in _KEY_KINDS and second == "KEY" for first, second in pairwise(words))


def name_words(name: str) -> list[str]:
    """The upper-cased words of a variable, key or flag name: `apiKey` -> API, KEY; `db-pass` -> DB, PASS."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [word.upper() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word]


def is_literal_value(value: str) -> bool:
    """A value written into the file: not a reference (`$VAR`, `${VAR:-x}`), not a path, not a
    boolean or a number flag, not a placeholder (`<your-password>`, `xxxx`, `!!!SET IT!!!`)."""
    value = unquote(value.strip())
    if value.lower() in _HARMLESS_VALUES or _REFERENCE.match(value) or _PLACEHOLDER.match(value):
        return False
    return not value.startswith(("/", "./", "../", "~/"))


def url_passwords(text: str) -> list[tuple[str, str]]:
    """(user, password) of every URL in `text` with a password written in it (not `$VAR`)."""
    if "://" not in text:
        return []
    found = ((m.group("user"), m.group("password")) for m in _URL_PASSWORD.finditer(text))
    return [(user, password) for user, password in found if not password.startswith("$")]


def url_password(value: str) -> tuple[str, str] | None:
    """(user, password) of the first URL in `value` with a password, such as `postgres://app:pw@db/app`."""
    found = url_passwords(value)
    return found[0] if found else None


def token_values(text: str) -> list[str]:
    """Substrings of `text` that have the shape of a known credential format.

    Each shape is searched for only when its fixed prefix occurs, so a 100 MB lock file costs a
    few substring searches, not a dozen regular-expression scans."""
    found = [
        m.group(0)
        for pattern, prefixes in zip(_TOKEN_SHAPES, _TOKEN_PREFIXES, strict=True)
        if any(prefix in text for prefix in prefixes)
        for m in pattern.finditer(text)
    ]
    found.extend(password for _user, password in url_passwords(text))
    return found


def token_kind(text: str) -> str | None:
    """A short description of the first credential shape found, for messages."""
    for pattern, kind in zip(_TOKEN_SHAPES, _TOKEN_KINDS, strict=True):
        if pattern.search(text):
            return kind
    if url_passwords(text):
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
