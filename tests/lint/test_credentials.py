"""Credential names, secret-looking values, default passwords, secrets in command lines."""

from __future__ import annotations

import pytest

from bot.lint.credentials import (
    command_credentials,
    is_credential_flag,
    is_credential_name,
    is_weak,
    looks_like_secret_value,
    split_words,
    url_password,
)


@pytest.mark.parametrize(
    "name",
    ["POSTGRES_PASSWORD", "jwtSecret", "GITHUB_TOKEN", "STRIPE_API_KEY", "apiKey", "AWS_SECRET_ACCESS_KEY", "DB_PASS"],
)
def test_credential_names(name: str) -> None:
    assert is_credential_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "POSTGRES_PASSWORD_FILE",
        "AWS_ACCESS_KEY_ID",
        "POSTGRES_USER",
        "TOKEN_EXPIRY",
        "PASSWORD_MIN_LENGTH",
        "KEYCLOAK_URL",
    ],
)
def test_not_credential_names(name: str) -> None:
    assert not is_credential_name(name)


@pytest.mark.parametrize(("flag", "expected"), [("requirepass", True), ("masterauth", True), ("password-file", False)])
def test_credential_flags(flag: str, expected: bool) -> None:
    assert is_credential_flag(flag) is expected


@pytest.mark.parametrize("value", ["", "true", "/run/secrets/x", "<changeme>", "xxxx", "$DB_PASSWORD", "${X}"])
def test_not_secret_values(value: str) -> None:
    assert not looks_like_secret_value(value)


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


def test_url_password() -> None:
    assert url_password("postgres://app:pw@db:5432/app") == ("app", "pw")
    assert url_password("redis://db:6379/0") is None


def test_command_line_credentials() -> None:
    words = split_words("sh -c 'redis-server --requirepass s1 --port 6379'")
    assert command_credentials(words) == [("--requirepass", "s1")]
    assert command_credentials(["mysqladmin", "ping", "-uroot", "-ps2"]) == [("-p", "s2")]
    assert command_credentials(["redis-cli", "-a", "s3", "ping"]) == [("-a", "s3")]
    assert command_credentials(["app", "--password=s4", "--password-file", "/run/secrets/p"]) == [("--password", "s4")]
    assert command_credentials(["psql", "-p", "5432"]) == []
