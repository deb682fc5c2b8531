"""One vocabulary for credentials: names, literal values, token shapes, URL passwords.

Every rule that looks for secrets (DH114, DH201, DH202, the redaction of the whole review) asks
these functions, so a name or value is a credential in every one of them or in none.
"""

from __future__ import annotations

import pytest

from bot.secrets import is_literal_value, is_secret_name, mask, name_words, token_kind, token_values, url_password


@pytest.mark.parametrize(
    "name",
    [
        "POSTGRES_PASSWORD",
        "DB_PASSWORD",
        "jwtSecret",
        "GITHUB_TOKEN",
        "STRIPE_API_KEY",
        "apiKey",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASS",
        "_authToken",
    ],
)
def test_credential_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "POSTGRES_PASSWORD_FILE",
        "AWS_ACCESS_KEY_ID",
        "POSTGRES_USER",
        "TOKEN_EXPIRY",
        "PASSWORD_MIN_LENGTH",
        "KEYCLOAK_URL",
        "TOKEN_URL",
        "GPG_KEY",
        "COMPASS",
        "TOKENIZERS_PARALLELISM",
    ],
)
def test_not_credential_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        # the two detectors disagreed on these; the reconciled answer keeps true positives
        ("MYSQL_PWD", True),  # MySQL's password variable
        ("PWD", False),  # the shell's working directory
        ("APP_SECRETS", True),
        ("SECRETS_BACKEND", False),  # where secrets are kept, not one
        ("GCP_CREDENTIAL", True),
        ("NEW_RELIC_LICENSE_KEY", True),
        ("TLS_CLIENT_KEY", True),
        ("CLIENT_SECRET", True),
        # ... and drops false positives: a credential's setting, not the credential
        ("PASSWORD_HASH", False),
        ("TOKEN_PREFIX", False),
        ("SESSION_SECRET_TIMEOUT", False),
        ("PASSWORD_POLICY", False),
        ("SECRET_KEY_REGION", False),
    ],
)
def test_names_the_two_detectors_disagreed_on(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_name_words() -> None:
    assert name_words("apiKey") == ["API", "KEY"]
    assert name_words("--db-pass") == ["DB", "PASS"]
    assert name_words("AWS_SECRET_ACCESS_KEY") == ["AWS", "SECRET", "ACCESS", "KEY"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "true",
        "'no'",
        "/run/secrets/x",
        "./x",
        "../secrets/pw",  # was a literal for DH114 and the redaction
        "~/.pgpass",
        "<changeme>",  # placeholders: were literals for DH114 and the redaction
        "[password]",
        "xxxx",
        "****",
        "$DB_PASSWORD",
        "${X}",
        "${X:-fallback}",  # was a secret value for DH201 (its fallback is DH202's business)
        '"${DB_PASSWORD}"',  # quoted: the same
        "!!!SET POSTGRES_PASSWORD!!!",  # cookiecutter-django's committed env files
        "{{ db_password }}",
        "TODO",
        "fill-me-in",
    ],
)
def test_not_literal_values(value: str) -> None:
    assert not is_literal_value(value)


@pytest.mark.parametrize("value", ["hunter2", "'s3cr3t'", "k7#Qa9-long-random", "x0-abc", "todo-list-app-Key9"])
def test_literal_values(value: str) -> None:
    assert is_literal_value(value)


def test_url_password() -> None:
    assert url_password("postgres://app:pw@db:5432/app") == ("app", "pw")
    assert url_password("redis://db:6379/0") is None
    assert url_password("https://github.com:443/o/r") is None
    assert url_password("git+ssh://git@github.com:o/r.git") is None
    assert url_password("postgres://app:${DB_PASSWORD}@db/app") is None


def test_url_passwords_the_two_detectors_disagreed_on() -> None:
    # an empty user (Redis' usual form) was missed by the redaction and DH114
    assert url_password("redis://:pw-k7#Qa9@cache:6379") == ("", "pw-k7#Qa9")
    assert token_values("REDIS_URL=redis://:pw-k7#Qa9@cache:6379") == ["pw-k7#Qa9"]
    assert token_kind("ENV REDIS_URL=redis://:pw-k7#Qa9@cache:6379") == "a password inside a URL"
    # a URL inside a larger value was missed by DH201
    assert url_password("jdbc:postgresql://app:pw-k7#Qa9@db/app") == ("app", "pw-k7#Qa9")
    assert url_password("-Dspring.datasource.url=mysql://app:pw-k7#Qa9@db/app") == ("app", "pw-k7#Qa9")


def test_token_shapes_and_masking() -> None:
    token = "ghp_" + "A1b2C3d4E5" * 4
    text = f"TOKEN={token} url=https://bot:pa55-word@example.com/x"
    assert token_values(text) == [token, "pa55-word"]
    assert token_kind(text) == "a GitHub token"
    assert mask(text, token_values(text)) == "TOKEN=**** url=https://bot:****@example.com/x"
    assert token_values("no credentials here") == [] and token_kind("plain") is None
