"""DH212: depends_on that does not wait for readiness."""

from __future__ import annotations

from tests.support.composelint import ComposeFactory

SERVICES = """
    db:
      image: postgres:16
      healthcheck:
        test: ["CMD-SHELL", "pg_isready -U postgres"]
    cache:
      image: redis:7.4
      healthcheck:
        test: ["CMD", "redis-cli", "ping"]
    mailer:
      image: acme/mailer:1
"""


def test_list_form_on_healthy_dependencies_is_rewritten_as_a_mapping(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    depends_on:\n      - db\n      - cache\n      - mailer\n"
        + SERVICES.replace("\n    ", "\n  ")
    )
    findings = case.findings("DH212")
    assert [f.line for f in findings] == [5, 6]
    assert findings[1].message.endswith("(fixed by the suggestion on line 5)")  # one rewrite of the list fixes both
    fixed = case.fixed("DH212")
    assert fixed.splitlines()[3:10] == [
        "    depends_on:",
        "      db:",
        "        condition: service_healthy",
        "      cache:",
        "        condition: service_healthy",
        "      mailer:",
        "        condition: service_started",
    ]
    assert case.findings("DH212", fixed) == []


def test_flow_list_is_rewritten_too(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    depends_on: [db]\n" + SERVICES.replace("\n    ", "\n  ")
    )
    fixed = case.fixed("DH212")
    assert fixed.splitlines()[3:6] == ["    depends_on:", "      db:", "        condition: service_healthy"]


def test_service_started_becomes_service_healthy(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    depends_on:\n      db:\n        condition: service_started\n"
        + SERVICES.replace("\n    ", "\n  ")
    )
    (finding,) = case.findings("DH212")
    assert finding.line == 5
    fixed = case.fixed("DH212")
    assert "        condition: service_healthy" in fixed.splitlines()
    assert case.findings("DH212", fixed) == []


def test_a_database_without_health_check_is_reported_without_a_suggestion(compose: ComposeFactory) -> None:
    case = compose("services:\n  api:\n    image: acme/api:1\n    depends_on: [db]\n  db:\n    image: mysql:8.4\n")
    (finding,) = case.findings("DH212")
    assert "has no health check to wait for" in finding.message and finding.suggestion is None


def test_healthy_conditions_and_plain_services_pass(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    depends_on:\n      db:\n        condition: service_healthy\n"
        "  worker:\n    image: acme/worker:1\n    depends_on: [mailer]\n" + SERVICES.replace("\n    ", "\n  ")
    )
    assert case.findings("DH212") == []
