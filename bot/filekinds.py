"""Which files dockhand reviews, and as what: classification by path alone."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath


class Family(StrEnum):
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    DOCKERIGNORE = "dockerignore"
    DEPENDENCY = "dependency"


@dataclass(frozen=True)
class FileKind:
    family: Family
    format: str
    """For dependency files the format ("requirements", "uv.lock", ...); else the family name."""
    ecosystem: str = ""
    """python, node, rust or go for dependency files."""

    @property
    def label(self) -> str:
        return self.format if self.family is Family.DEPENDENCY else self.family.value

    @property
    def comment_leader(self) -> str | None:
        """How a line comment starts in this kind of file (ignore comments go there); None: the
        format has no comments (JSON, go.sum)."""
        if self.format in _NO_COMMENTS:
            return None
        return "//" if self.format == "go.mod" else "#"


_NO_COMMENTS = frozenset({"package.json", "package-lock", "pipfile.lock", "go.sum"})


def comment_leader(path: str) -> str | None:
    """The comment leader of a reviewed file; `#` for any other."""
    kind = classify(path)
    return kind.comment_leader if kind is not None else "#"


_DEPENDENCY_NAMES: dict[str, tuple[str, str]] = {
    "pyproject.toml": ("pyproject", "python"),
    "uv.lock": ("uv.lock", "python"),
    "poetry.lock": ("poetry.lock", "python"),
    "pipfile": ("pipfile", "python"),
    "pipfile.lock": ("pipfile.lock", "python"),
    "package.json": ("package.json", "node"),
    "package-lock.json": ("package-lock", "node"),
    "npm-shrinkwrap.json": ("package-lock", "node"),
    "yarn.lock": ("yarn.lock", "node"),
    "pnpm-lock.yaml": ("pnpm-lock", "node"),
    "cargo.toml": ("cargo.toml", "rust"),
    "cargo.lock": ("cargo.lock", "rust"),
    "go.mod": ("go.mod", "go"),
    "go.sum": ("go.sum", "go"),
}

_DOCKERFILE_PATTERNS = (
    "dockerfile",
    "dockerfile.*",
    "dockerfile-*",
    "*.dockerfile",
    "containerfile",
    "containerfile.*",
)
_COMPOSE_PATTERNS = (
    "docker-compose*.yml",
    "docker-compose*.yaml",
    "compose*.yml",
    "compose*.yaml",
)
_REQUIREMENTS_PATTERNS = ("*requirements*.txt", "*requirements*.in", "constraints*.txt")

_NOT_DOCKERFILE_SUFFIXES = (".md", ".rst", ".txt", ".json", ".yml", ".yaml", ".sh", ".py", ".dockerignore")


def classify(path: str) -> FileKind | None:
    """The kind of a repository path, or None when dockhand does not review it."""
    posix = PurePosixPath(path)
    name = posix.name.lower()
    if name == ".dockerignore" or name.endswith(".dockerignore"):
        return FileKind(Family.DOCKERIGNORE, "dockerignore")
    if _matches(name, _COMPOSE_PATTERNS):
        return FileKind(Family.COMPOSE, "compose")
    if _matches(name, _DOCKERFILE_PATTERNS) and not name.endswith(_NOT_DOCKERFILE_SUFFIXES):
        return FileKind(Family.DOCKERFILE, "dockerfile")
    if name in _DEPENDENCY_NAMES:
        fmt, ecosystem = _DEPENDENCY_NAMES[name]
        return FileKind(Family.DEPENDENCY, fmt, ecosystem)
    in_requirements_dir = len(posix.parts) > 1 and posix.parts[-2].lower() == "requirements"
    if _matches(name, _REQUIREMENTS_PATTERNS) or (in_requirements_dir and name.endswith((".txt", ".in"))):
        return FileKind(Family.DEPENDENCY, "requirements", "python")
    return None


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
