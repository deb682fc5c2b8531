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
