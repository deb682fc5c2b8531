"""DH201 plaintext secrets and DH202 default credentials; values never leave the rule."""

from __future__ import annotations

import json

import pytest

from bot.report.json_report import finding_to_dict
from tests.support.composelint import ComposeFactory

SECRET = "Zq8-unique-S3cret-value"


def test_a_literal_password_in_environment_is_reported_without_its_value(compose: ComposeFactory) -> None:
    case = compose(f"""
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD: {SECRET}
    """)
    (finding,) = case.findings("DH201")
    assert finding.line == 5 and "`POSTGRES_PASSWORD`" in finding.message
    assert SECRET not in json.dumps(finding_to_dict(finding)) and SECRET not in repr(finding)


@pytest.mark.parametrize(
    ("snippet", "line"),
    [
        (f"    environment:\n      - API_TOKEN={SECRET}\n", 5),
        (f"    environment:\n      DATABASE_URL: postgres://app:{SECRET}@db/app\n", 5),
        (f"    environment:\n      JAVA_OPTS: -Ddb.url=jdbc:postgresql://app:{SECRET}@db/app\n", 5),
        (f"    environment:\n      REDIS_URL: redis://:{SECRET}@cache:6379\n", 5),
        (f"    command: redis-server --requirepass {SECRET}\n", 4),
        (f'    command: ["redis-server", "--requirepass={SECRET}"]\n', 4),
        (f'    command: sh -c "redis-server --appendonly yes --requirepass {SECRET}"\n', 4),
        (f'    healthcheck:\n      test: ["CMD", "redis-cli", "-a", "{SECRET}", "ping"]\n', 5),
        (f"    build:\n      context: .\n      args:\n        NPM_TOKEN: {SECRET}\n", 7),
    ],
)
def test_every_place_a_secret_hides(compose: ComposeFactory, snippet: str, line: int) -> None:
    case = compose("services:\n  app:\n    image: example/app:1.0\n" + snippet)
    (finding,) = case.findings("DH201")
    assert finding.line == line
    assert SECRET not in finding.message


@pytest.mark.parametrize(
    "value",
    [
        "${POSTGRES_PASSWORD}",
        "${POSTGRES_PASSWORD:?set it}",
        "$$POSTGRES_PASSWORD",
        "/run/secrets/db_password",
        "''",
        "true",
        "<your-password>",
    ],
)
def test_values_that_are_not_written_in_the_file_are_not_secrets(compose: ComposeFactory, value: str) -> None:
    case = compose(f"""
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD: {value}
              POSTGRES_PASSWORD_FILE: /run/secrets/db_password
              POSTGRES_USER: app
              AWS_ACCESS_KEY_ID: AKIAEXAMPLE
            command: ["postgres", "-c", "password_encryption=scram-sha-256"]
    """)
    assert case.findings("DH201") == []


def test_the_file_suggestion_needs_the_image_and_a_mounted_secret(compose: ComposeFactory) -> None:
    source = f"""
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_PASSWORD: {SECRET}
            secrets:
              - postgres_password
        secrets:
          postgres_password:
            file: ./secrets/postgres_password.txt
    """
    case = compose(source)
    (finding,) = case.findings("DH201")
    suggestion = finding.suggestion
    assert suggestion is not None
    assert suggestion.replacement == "      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password"
    assert suggestion.original == "      POSTGRES_PASSWORD: ******"
    assert case.findings("DH201", case.fixed("DH201")) == []


def test_list_syntax_gets_the_file_suggestion_too(compose: ComposeFactory) -> None:
    case = compose(f"""
        services:
          db:
            image: mysql:8.4
            environment:
              - "MYSQL_ROOT_PASSWORD={SECRET}"
            secrets: [mysql_root_password]
        secrets:
          mysql_root_password:
            environment: MYSQL_ROOT_PASSWORD_SOURCE
    """)
    (finding,) = case.findings("DH201")
    assert finding.suggestion is not None
    assert finding.suggestion.replacement == '      - "MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql_root_password"'
    assert SECRET not in finding.suggestion.original
    assert case.findings("DH201", case.fixed("DH201")) == []


@pytest.mark.parametrize(
    "setup",
    [
        "    image: example/app:1.0\n    secrets: [postgres_password]\n",  # the app may not read _FILE
        "    image: postgres:16\n",  # no secret mounted
        "    image: postgres:16\n    secrets: [other]\n",
    ],
)
def test_no_file_suggestion_when_it_is_not_certain(compose: ComposeFactory, setup: str) -> None:
    case = compose(
        f"services:\n  db:\n{setup}    environment:\n      POSTGRES_PASSWORD: {SECRET}\n"
        "secrets:\n  postgres_password: {file: ./pw}\n  other: {file: ./other}\n"
    )
    (finding,) = case.findings("DH201")
    assert finding.suggestion is None


@pytest.mark.parametrize(
    ("environment", "reason"),
    [
        ("GF_SECURITY_ADMIN_PASSWORD: admin", "well-known default"),
        ("POSTGRES_USER: app\n      POSTGRES_PASSWORD: app", "equals the user name"),
        ("DB_PASSWORD: secure_phase4_password_change_in_production", "well-known default"),
        ("MYSQL_ROOT_PASSWORD: root", "equals the user name"),
        ("DB_PASSWORD: ${DB_PASSWORD:-changeme}", "falls back to a well-known default"),
        ("DATABASE_URL: postgres://postgres:postgres@db/app", "well-known default"),
    ],
)
def test_default_credentials(compose: ComposeFactory, environment: str, reason: str) -> None:
    case = compose(f"services:\n  app:\n    image: example/app:1.0\n    environment:\n      {environment}\n")
    (finding,) = case.findings("DH202")
    assert reason in finding.message
    assert case.findings("DH201") == []  # one finding per value, the more specific one


def test_strong_values_are_not_default_credentials(compose: ComposeFactory) -> None:
    case = compose(f"services:\n  app:\n    image: example/app:1.0\n    environment:\n      DB_PASSWORD: {SECRET}\n")
    assert case.findings("DH202") == []


def test_a_secret_in_an_anchor_is_reported_once_at_the_anchor(compose: ComposeFactory) -> None:
    case = compose(f"""
        x-env: &env
          API_SECRET: {SECRET}
        services:
          web:
            image: example/web:1.0
            environment: *env
          worker:
            image: example/worker:1.0
            environment: *env
    """)
    (finding,) = case.findings("DH201")
    assert finding.line == 2 and "also serves `worker`" in finding.message


ENV_FILE_SERVICE = """
    services:
      db:
        image: postgres:16
        env_file:
          - ./config/db.env
          - path: ./config/app.env
            required: false
"""


def test_a_committed_env_file_with_secrets_is_reported_on_its_env_file_line(compose: ComposeFactory) -> None:
    db_env = f"# database\nPOSTGRES_USER=app\nexport POSTGRES_PASSWORD='{SECRET}'\nAPI_TOKEN={SECRET}2 # inline\n"
    case = compose(ENV_FILE_SERVICE, {"config/db.env": db_env, "config/app.env": "LOG_LEVEL=debug\n"})
    (finding,) = case.findings("DH201")
    assert finding.line == 5
    assert finding.message == (
        "service `db`: `env_file` `config/db.env` is committed to the repository with `POSTGRES_PASSWORD`, "
        "`API_TOKEN` in plain text (values not shown)"
    )
    assert SECRET not in json.dumps(finding_to_dict(finding))


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({}, "not committed (git-ignored, or made by the deployment)"),
        ({"config/db.env": "POSTGRES_PASSWORD=${DB_PASSWORD}\nAPI_TOKEN=\n"}, "references and empty values"),
        ({"config/db.env": "POSTGRES_PASSWORD=changeme\n"}, "a placeholder, which DH202 judges in Compose files"),
        ({"config/db.env": f"# POSTGRES_PASSWORD={SECRET}\nLOG_LEVEL=info\n"}, "a comment"),
        ({"config/db.env": "POSTGRES_PASSWORD=!!!SET POSTGRES_PASSWORD!!!\n"}, "cookiecutter-django's placeholder"),
    ],
)
def test_env_files_without_committed_secrets_are_not_reported(
    compose: ComposeFactory, files: dict[str, str], why: str
) -> None:
    assert compose(ENV_FILE_SERVICE, files).findings("DH201") == [], why


def test_example_env_files_meant_to_be_copied_are_not_reported(compose: ComposeFactory) -> None:
    source = "services:\n  db:\n    image: postgres:16\n    env_file: .env.example\n"
    assert compose(source, {".env.example": f"POSTGRES_PASSWORD={SECRET}\n"}).findings("DH201") == []
    source = "services:\n  db:\n    image: postgres:16\n    env_file: .env.prod\n"
    (finding,) = compose(source, {".env.prod": f"POSTGRES_PASSWORD={SECRET}\n"}).findings("DH201")
    assert finding.line == 4
