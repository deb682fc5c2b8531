"""Is this name a credential, this value a literal secret, this password a well-known default?

Shared by every rule that looks for secrets. Nothing here returns or formats a secret value:
callers get booleans and reasons, so a value cannot leak into a message by accident.
"""

from __future__ import annotations

import itertools
import re
import shlex

_TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_SECRET_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "PASSPHRASE", "APIKEY", "CREDENTIALS"}
)
_SECRET_PAIRS = frozenset(
    {"API", "ACCESS", "PRIVATE", "SECRET", "SIGNING", "ENCRYPTION", "MASTER", "AUTH", "LICENSE", "CLIENT"}
)
_NOT_SECRET_LAST = frozenset(
    {
        "FILE", "PATH", "DIR", "ID", "IDS", "NAME", "USER", "USERNAME", "LENGTH", "LEN", "EXPIRY", "EXPIRES",
        "EXPIRE", "EXPIRATION", "TTL", "ALGORITHM", "ALG", "TYPE", "HOST", "PORT", "ENABLED", "ENABLE", "DISABLED",
        "METHOD", "HEADER", "FIELD", "URL", "URI", "TIMEOUT", "LIFETIME", "MIN", "MAX", "POLICY", "ROTATION",
        "PREFIX", "FORMAT", "MODE", "SIZE", "LOCATION", "ISSUER", "AUDIENCE", "COMMAND", "CMD", "PROVIDER",
        "ENDPOINT", "REQUIRED", "RESET", "HASH", "HASHER", "STRENGTH", "COMPLEXITY", "SCHEME", "VERSION",
    }
)  # fmt: skip
_NON_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"})
_PLACEHOLDER = re.compile(r"^(?:<[^>]*>|\[[^\]]*\]|x{3,}|\*{3,}|\.{3}|_+|-+)$", re.IGNORECASE)
WEAK_VALUES = frozenset(
    {
        "admin", "administrator", "password", "passw0rd", "p@ssw0rd", "pass", "changeme", "change_me", "change-me",
        "secret", "root", "toor", "postgres", "mysql", "mariadb", "mongo", "mongodb", "redis", "rabbitmq", "guest",
        "test", "testing", "demo", "default", "example", "user", "qwerty", "letmein", "welcome", "123456",
        "12345678", "123456789", "1234", "12345", "password1", "password123", "admin123", "minioadmin", "neo4j",
        "elastic", "changeit", "sa", "oracle", "keycloak", "grafana", "airflow", "superset", "odoo",
    }
)  # fmt: skip
_WEAK_MARKERS = re.compile(
    r"change[_-]?(?:in[_-]?prod\w*|me|this|it)|replace[_-]?me|your[_-]?(?:password|secret|token)|"
    r"^(?:my)?(?:password|secret)\d*$|insecure|^dev[_-]?(?:password|secret)|^(?:test|example|sample)[_-]",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://(?P<user>[^/:@\s]*):(?P<password>[^@/\s]+)@", re.IGNORECASE)
_FLAG = re.compile(r"^--?(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?:=(?P<value>.*))?$", re.DOTALL)
_FLAG_WORDS = re.compile(r"pass|secret|token|api-?key|masterauth|credential")
_VARIABLE_ONLY = re.compile(r"\$\{?[A-Za-z_]\w*\}?")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/env"})


def is_credential_name(name: str) -> bool:
    """`POSTGRES_PASSWORD`, `apiKey`, `JWT_SECRET`; not `AWS_ACCESS_KEY_ID`, `PASSWORD_FILE`."""
    tokens = [token.upper() for token in _TOKEN_SPLIT.split(name) if token]
    if not tokens or tokens[-1] in _NOT_SECRET_LAST:
        return False
    if any(token in _SECRET_WORDS for token in tokens):
        return True
    return any(first in _SECRET_PAIRS and second == "KEY" for first, second in itertools.pairwise(tokens))


def is_credential_flag(name: str) -> bool:
    """`--requirepass`, `--masterauth`, `--api-key`; not `--password-file`."""
    lowered = name.lower().lstrip("-")
    last = re.split(r"[-_]", lowered)[-1].upper()
    return last not in _NOT_SECRET_LAST and (bool(_FLAG_WORDS.search(lowered)) or is_credential_name(lowered))


def looks_like_secret_value(value: str) -> bool:
    """A value worth protecting: not empty, not a flag word, not a path, not a placeholder."""
    stripped = value.strip()
    if stripped.lower() in _NON_VALUES or _PLACEHOLDER.match(stripped) or _VARIABLE_ONLY.fullmatch(stripped):
        return False
    return not stripped.startswith(("/", "./", "../", "~/"))


def is_weak(value: str, user: str | None = None) -> bool:
    """A default or guessable credential: `admin`, `postgres`, `changeme`, `..._change_in_production`."""
    lowered = value.strip().lower()
    if not lowered:
        return False
    if lowered in WEAK_VALUES or _WEAK_MARKERS.search(lowered):
        return True
    return user is not None and lowered == user.strip().lower()


def url_password(value: str) -> tuple[str, str] | None:
    """(user, password) embedded in a URL such as `postgres://app:pw@db/app`, or None."""
    match = _URL_PASSWORD.match(value.strip())
    return (match.group("user"), match.group("password")) if match else None


def command_credentials(words: list[str]) -> list[tuple[str, str]]:
    """(flag, value) pairs such as (`--requirepass`, value) in a command line, `sh -c` scripts included."""
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else None
        if word == "-c" and following is not None and index > 0 and words[index - 1] in _SHELLS:
            found.extend(command_credentials(split_words(following)))
            index += 2
            continue
        match = _FLAG.match(word)
        if match and is_credential_flag(match.group("name")):
            value = match.group("value")
            if value is None and following is not None and not following.startswith("-"):
                value = following
                index += 1
            if value is not None:
                found.append((f"--{match.group('name')}" if word.startswith("--") else word, value))
        elif word == "-a" and following is not None and _program_is(words, index, "redis-cli"):
            found.append(("-a", following))
            index += 1
        elif word.startswith("-p") and len(word) > 2 and _program_is(words, index, "mysql"):
            found.append(("-p", word[2:]))
        index += 1
    return found


def split_words(script: str) -> list[str]:
    try:
        return shlex.split(script, comments=False, posix=True)
    except ValueError:
        return script.split()


def _program_is(words: list[str], index: int, prefix: str) -> bool:
    return any(w.rsplit("/", 1)[-1].startswith(prefix) for w in words[:index])
