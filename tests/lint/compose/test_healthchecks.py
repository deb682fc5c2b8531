"""DH209 no health check, DH210 one that cannot work, DH211 one switched off."""

from __future__ import annotations

import pytest

from tests.support.composelint import ComposeFactory

HEALTHY = '    healthcheck:\n      test: ["CMD", "pg_isready"]\n'


def test_a_service_without_a_health_check(compose: ComposeFactory) -> None:
    case = compose("services:\n  db:\n    image: postgres:16\n  api:\n    image: acme/api:1\n" + HEALTHY)
    (finding,) = case.findings("DH209")
    assert finding.line == 2 and "`db`" in finding.message


def test_the_dockerfile_healthcheck_counts(compose: ComposeFactory) -> None:
    dockerfile = "FROM python:3.12-slim AS base\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nFROM base\n"
    case = compose("services:\n  api:\n    build: ./api\n", files={"api/Dockerfile": dockerfile})
    assert case.findings("DH209") == []


def test_a_dockerfile_target_without_healthcheck_does_not_count(compose: ComposeFactory) -> None:
    dockerfile = "FROM python:3.12-slim AS dev\nFROM python:3.12-slim AS prod\nHEALTHCHECK CMD curl -f http://x/\n"
    source = "services:\n  api:\n    build:\n      context: api\n      target: dev\n"
    case = compose(source, files={"api/Dockerfile": dockerfile})
    (finding,) = case.findings("DH209")
    assert finding.line == 2


def test_an_override_file_adding_the_health_check_counts(compose: ComposeFactory) -> None:
    override = "services:\n  db:\n" + HEALTHY
    case = compose("services:\n  db:\n    image: postgres:16\n", files={"compose.override.yaml": override})
    assert case.findings("DH209") == []


@pytest.mark.parametrize(
    "service",
    [
        "  migrate:\n    image: acme/api:1\n    command: alembic upgrade head\n",
        "  seed:\n    image: acme/api:1\n    restart: 'no'\n",
        "  job:\n    image: acme/api:1\n    restart: on-failure\n",
    ],
)
def test_tasks_that_exit_need_no_health_check(compose: ComposeFactory, service: str) -> None:
    assert compose("services:\n" + service).findings("DH209") == []


def test_a_dependency_that_must_complete_is_a_task(compose: ComposeFactory) -> None:
    case = compose("""
        services:
          prestart-data:
            image: acme/api:1
          api:
            image: acme/api:1
            healthcheck: {test: ["CMD", "true"]}
            depends_on:
              prestart-data:
                condition: service_completed_successfully
    """)
    assert case.findings("DH209") == []


@pytest.mark.parametrize(
    ("test", "fixed_line"),
    [
        ("test: CMD curl -f http://localhost:8080/health", "      test: curl -f http://localhost:8080/health"),
        ('test: "CMD-SHELL pg_isready -U postgres"', '      test: "pg_isready -U postgres"'),
        ('test: ["curl", "-f", "http://localhost"]', '      test: ["CMD", "curl", "-f", "http://localhost"]'),
        ('test: ["pg_isready -U postgres"]', '      test: ["CMD-SHELL", "pg_isready -U postgres"]'),
        ('test: ["CMD", "curl -f http://localhost"]', '      test: ["CMD-SHELL", "curl -f http://localhost"]'),
    ],
)
def test_broken_health_checks_and_their_fixes(compose: ComposeFactory, test: str, fixed_line: str) -> None:
    case = compose(f"services:\n  api:\n    image: acme/api:1\n    healthcheck:\n      {test}\n")
    (finding,) = case.findings("DH210")
    assert finding.line == 5
    fixed = case.fixed("DH210")
    assert fixed.splitlines()[4] == fixed_line
    assert case.findings("DH210", fixed) == []


def test_a_block_list_gets_its_type_on_a_line_of_its_own(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    healthcheck:\n      test:\n        - curl\n        - -f\n"
    )
    fixed = case.fixed("DH210")
    assert fixed.splitlines()[5:8] == ["        - CMD", "        - curl", "        - -f"]
    assert case.findings("DH210", fixed) == []


def test_shell_operators_in_a_cmd_list_are_reported_without_a_guess(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    healthcheck:\n"
        '      test: ["CMD", "curl", "-f", "x", "||", "exit", "1"]\n'
    )
    (finding,) = case.findings("DH210")
    assert finding.suggestion is None


@pytest.mark.parametrize(
    "test",
    ['["CMD", "pg_isready", "-U", "postgres"]', '["CMD-SHELL", "pg_isready -U postgres || exit 1"]', "pg_isready"],
)
def test_working_health_checks(compose: ComposeFactory, test: str) -> None:
    case = compose(f"services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: {test}\n")
    assert case.findings("DH210") == [] and case.findings("DH209") == []


@pytest.mark.parametrize("healthcheck", ["{disable: true}", '{test: ["NONE"]}'])
def test_a_disabled_health_check(compose: ComposeFactory, healthcheck: str) -> None:
    case = compose(f"services:\n  api:\n    image: acme/api:1\n    healthcheck: {healthcheck}\n")
    (finding,) = case.findings("DH211")
    assert finding.line == 4
    assert case.findings("DH209") == []  # one finding for the one problem
