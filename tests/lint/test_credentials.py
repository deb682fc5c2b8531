"""Credential flags, default passwords, secrets in command lines (names and values: tests/test_secrets.py)."""

from __future__ import annotations

import pytest

from bot.lint.credentials import command_credentials, is_credential_flag, is_weak, split_words


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("requirepass", True),
        ("masterauth", True),
        ("password-file", False),
        ("api-key", True),
        ("pwd", False),
        ("db-pass", True),
        ("password", True),
        ("bypass-cache", False),
        ("passthrough", False),
        ("compass", False),
    ],
)
def test_credential_flags(flag: str, expected: bool) -> None:
    assert is_credential_flag(flag) is expected


@pytest.mark.parametrize(
    ("value", "user", "weak"),
    [
        ("admin", None, True),
        ("Postgres", None, True),
        ("x0_secure_phase4_password_change_in_production", None, True),
        ("app", "app", True),
        ("k7#Qa9-long-random", "app", False),
    ],
)
def test_weak_values(value: str, user: str | None, weak: bool) -> None:
    assert is_weak(value, user) is weak


def test_command_line_credentials() -> None:
    words = split_words("sh -c 'redis-server --requirepass s1 --port 6379'")
    assert command_credentials(words) == [("--requirepass", "s1")]
    assert command_credentials(["mysqladmin", "ping", "-uroot", "-ps2"]) == [("-p", "s2")]
    assert command_credentials(["redis-cli", "-a", "s3", "ping"]) == [("-a", "s3")]
    assert command_credentials(["app", "--password=s4", "--password-file", "/run/secrets/p"]) == [("--password", "s4")]
    assert command_credentials(["psql", "-p", "5432"]) == []
