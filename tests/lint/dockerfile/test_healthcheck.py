import pytest

from tests.support.lint import hits


@pytest.mark.parametrize(
    "check",
    [
        'HEALTHCHECK CMD python -c "import sys; sys.exit(0)"',
        "HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 0",
        "HEALTHCHECK CMD curl -f http://localhost:8000/health || true",
        'HEALTHCHECK CMD ["CMD-SHELL", "exit 0"]',
        'HEALTHCHECK CMD ["true"]',
    ],
)
def test_health_checks_that_cannot_fail(check: str) -> None:
    assert [f.line for f in hits("DH106", f"FROM alpine:3.20\n{check}\n")] == [2]


def test_a_real_probe_is_quiet() -> None:
    text = "FROM alpine:3.20\nHEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/health || exit 1\n"
    assert hits("DH106", text) == []


def test_exposed_port_without_healthcheck() -> None:
    found = hits("DH108", "FROM nginx:1.27\nEXPOSE 80\n")
    assert [f.line for f in found] == [2] and "80" in found[0].message


def test_healthcheck_in_a_parent_stage_or_none_is_quiet() -> None:
    assert hits("DH108", "FROM nginx:1.27 AS web\nHEALTHCHECK CMD curl -f localhost\nFROM web\nEXPOSE 80\n") == []
    assert hits("DH108", "FROM nginx:1.27\nEXPOSE 80\nHEALTHCHECK NONE\n") == []


def test_no_port_no_healthcheck_needed() -> None:
    assert hits("DH108", 'FROM alpine:3.20\nCMD ["echo"]\n') == []
