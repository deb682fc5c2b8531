"""Is this password a well-known default, this flag a credential, which credentials does this
command line pass?

What a credential is (names, literal values, token shapes, URL passwords) is `bot.secrets`;
this module adds what only lint rules ask. Nothing here formats a secret value: callers get
booleans and (flag, value) pairs, so a value cannot leak into a message by accident.
"""

from __future__ import annotations

import re
import shlex

from bot.secrets import NOT_SECRET_LAST_WORDS, is_secret_name, name_words

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
_FLAG = re.compile(r"^--?(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?:=(?P<value>.*))?$", re.DOTALL)
_FLAG_WORDS = re.compile(
    r"(?<!by)(?<!com)(?<!sur)pass(?:w(?:or)?d|phrase)?(?![a-z])|secret|token|api-?key|masterauth|credential"
)
"""`--requirepass`, `--db-pass`, `--password`; not `--bypass-cache`, `--passthrough`, `--compass`."""
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/env"})


def is_credential_flag(name: str) -> bool:
    """`--requirepass`, `--masterauth`, `--api-key`; not `--password-file`."""
    lowered = name.lower().lstrip("-")
    words = name_words(lowered)
    return (
        bool(words)
        and words[-1] not in NOT_SECRET_LAST_WORDS
        and (bool(_FLAG_WORDS.search(lowered)) or is_secret_name(lowered))
    )


def is_weak(value: str, user: str | None = None) -> bool:
    """A default or guessable credential: `admin`, `postgres`, `changeme`, `..._change_in_production`."""
    lowered = value.strip().lower()
    if not lowered:
        return False
    if lowered in WEAK_VALUES or _WEAK_MARKERS.search(lowered):
        return True
    return user is not None and lowered == user.strip().lower()


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
