import pytest

from tests.support.linting import lint

RULE = "DH106"


@pytest.mark.parametrize(
    "healthcheck",
    [
        'HEALTHCHECK CMD python -c "import sys; sys.exit(0)"',
        "HEALTHCHECK CMD exit 0",
        'HEALTHCHECK CMD ["true"]',
        "HEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 0",
        "HEALTHCHECK CMD curl -f http://localhost/ || true",
        "HEALTHCHECK CMD wget -q localhost; exit 0",
        'HEALTHCHECK CMD ["CMD-SHELL", "curl -f localhost || :"]',
        "HEALTHCHECK CMD echo ok",
        'HEALTHCHECK CMD node -e "process.exit(0)"',
    ],
)
def test_hits(healthcheck: str) -> None:
    findings = lint(f"FROM python:3.12\nUSER app\n{healthcheck}\n", RULE)
    assert [f.line for f in findings] == [3]
    assert findings[0].suggestion is None


@pytest.mark.parametrize(
    "healthcheck",
    [
        "HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1",
        'HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]',
        "HEALTHCHECK NONE",
        "HEALTHCHECK CMD python -c \"import urllib.request; urllib.request.urlopen('http://localhost')\"",
        "HEALTHCHECK CMD curl -f localhost && echo ok",
    ],
)
def test_misses(healthcheck: str) -> None:
    assert lint(f"FROM python:3.12\nUSER app\n{healthcheck}\n", RULE) == []


def test_exposed_port_without_healthcheck() -> None:
    found = lint("FROM nginx:1.27\nEXPOSE 80\n", "DH108")
    assert [f.line for f in found] == [2] and "80" in found[0].message


def test_healthcheck_in_a_parent_stage_or_none_is_quiet() -> None:
    assert lint("FROM nginx:1.27 AS web\nHEALTHCHECK CMD curl -f localhost\nFROM web\nEXPOSE 80\n", "DH108") == []
    assert lint("FROM nginx:1.27\nEXPOSE 80\nHEALTHCHECK NONE\n", "DH108") == []


def test_no_port_no_healthcheck_needed() -> None:
    assert lint('FROM alpine:3.20\nCMD ["echo"]\n', "DH108") == []


@pytest.mark.parametrize(
    "healthcheck",
    ['HEALTHCHECK CMD ["CMD-SHELL", "exit 0"]', 'HEALTHCHECK CMD ["true"]', "HEALTHCHECK CMD curl -f x || true"],
)
def test_more_checks_that_cannot_fail(healthcheck: str) -> None:
    assert [f.line for f in lint(f"FROM alpine:3.20\n{healthcheck}\n", "DH106")] == [2]
