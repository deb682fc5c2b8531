import pytest

from bot.filekinds import Family, classify


@pytest.mark.parametrize(
    ("path", "family", "fmt"),
    [
        ("Dockerfile", Family.DOCKERFILE, "dockerfile"),
        ("api/Dockerfile.prod", Family.DOCKERFILE, "dockerfile"),
        ("Dockerfile-linux.template", Family.DOCKERFILE, "dockerfile"),
        ("backend/backend.dockerfile", Family.DOCKERFILE, "dockerfile"),
        ("web.Dockerfile", Family.DOCKERFILE, "dockerfile"),
        ("Containerfile", Family.DOCKERFILE, "dockerfile"),
        ("docker-compose.yml", Family.COMPOSE, "compose"),
        ("deploy/docker-compose.override.yaml", Family.COMPOSE, "compose"),
        ("compose.yaml", Family.COMPOSE, "compose"),
        ("compose.deploy.yml", Family.COMPOSE, "compose"),
        (".dockerignore", Family.DOCKERIGNORE, "dockerignore"),
        ("api.Dockerfile.dockerignore", Family.DOCKERIGNORE, "dockerignore"),
        ("requirements.txt", Family.DEPENDENCY, "requirements"),
        ("requirements-dev.txt", Family.DEPENDENCY, "requirements"),
        ("dev-requirements.txt", Family.DEPENDENCY, "requirements"),
        ("requirements/base.txt", Family.DEPENDENCY, "requirements"),
        ("pyproject.toml", Family.DEPENDENCY, "pyproject"),
        ("uv.lock", Family.DEPENDENCY, "uv.lock"),
        ("poetry.lock", Family.DEPENDENCY, "poetry.lock"),
        ("Pipfile", Family.DEPENDENCY, "pipfile"),
        ("Pipfile.lock", Family.DEPENDENCY, "pipfile.lock"),
        ("web/package.json", Family.DEPENDENCY, "package.json"),
        ("package-lock.json", Family.DEPENDENCY, "package-lock"),
        ("yarn.lock", Family.DEPENDENCY, "yarn.lock"),
        ("pnpm-lock.yaml", Family.DEPENDENCY, "pnpm-lock"),
        ("Cargo.toml", Family.DEPENDENCY, "cargo.toml"),
        ("Cargo.lock", Family.DEPENDENCY, "cargo.lock"),
        ("go.mod", Family.DEPENDENCY, "go.mod"),
        ("go.sum", Family.DEPENDENCY, "go.sum"),
    ],
)
def test_classified(path: str, family: Family, fmt: str) -> None:
    kind = classify(path)
    assert kind is not None
    assert (kind.family, kind.format) == (family, fmt)


@pytest.mark.parametrize(
    "path", ["README.md", "Dockerfile.md", "docs/dockerfile.txt", "app.py", "compose.py", "package.jsonc", "go.work"]
)
def test_not_reviewed(path: str) -> None:
    assert classify(path) is None
