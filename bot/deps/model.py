"""What a dependency file says: its entries with their lines, or the line where it stops parsing."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Source(StrEnum):
    REGISTRY = "registry"
    GIT = "git"
    URL = "url"
    PATH = "path"
    WORKSPACE = "workspace"


@dataclass(frozen=True, slots=True)
class Dependency:
    """One entry of a manifest (a requirement) or of a lock file (a resolved package)."""

    name: str
    """Normalised for comparison (PEP 503 for Python; as written for Node, Rust and Go)."""
    spec: str
    """What the file asks for: a specifier (`>=2.0`, `^1.2.3`) or, in a lock file, the version."""
    line: int | None
    version: str | None = None
    """The exact version when the entry pins one (a lock entry, `==1.2.3`, a go.mod require)."""
    direct: bool | None = None
    """True: the project asks for it; False: pulled in by another package; None: the file does not say."""
    group: str = ""
    """"" for runtime dependencies, else "dev", "optional:<extra>", "group:<name>", "build", "peer" ..."""
    source: Source = Source.REGISTRY
    location: str = ""
    """For git/url/path sources: where from (a URL with its ref, a path)."""
    pinned: bool = True
    """For git/url sources: the exact commit or a hash is given."""
    marker: str = ""
    """A Python environment marker or Cargo target, when the entry applies only there."""
    display: str = ""
    """The name as written, when it differs from `name`."""
    ranges: tuple[str, ...] = ()
    """Lock entries that record which requested ranges they satisfy (yarn.lock, pnpm importers)."""
    extras: tuple[str, ...] = ()
    """The extras a requirement asks for (`requests[socks]`), normalised."""

    @property
    def label(self) -> str:
        return self.display or self.name


@dataclass(frozen=True, slots=True)
class ParseError:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Include:
    """A requirements file's `-r other.txt` (or `-c constraints.txt`) line."""

    path: str
    """Repository path of the included file."""
    line: int
    constraint: bool


@dataclass(frozen=True, slots=True)
class RequirementSet:
    """One list of requirements of a project as uv.lock records them in `[package.metadata]`:
    `requires-dist` (the dependencies, optional ones with `extra == '...'` in their marker) or
    one dependency group. A pyproject.toml has the sets it declares; a uv.lock the sets it was
    locked against."""

    project: str
    """The project's normalised name; "" for a workspace root without a `[project]` table."""
    group: str
    """"" for requires-dist, else the normalised dependency group name."""
    line: int | None
    """The line of the list (`dependencies = [`, `requires-dist = [`, `dev = [`)."""
    requirements: tuple[Dependency, ...]
    unchecked: frozenset[str] = frozenset()
    """Names uv records in a way this set cannot predict (sources split by marker): not compared."""


@dataclass(frozen=True)
class ParsedFile:
    path: str
    format: str
    ecosystem: str
    is_lock: bool
    dependencies: tuple[Dependency, ...] = ()
    error: ParseError | None = None
    includes: tuple[Include, ...] = ()
    project: str = ""
    """The manifest's own package name (a project does not depend on itself)."""
    application: bool | None = None
    """True when the manifest describes an application (not a published library); None: unknown."""
    members: frozenset[str] = frozenset()
    """For lock files: the workspace members they cover (directories relative to the lock, or names)."""
    duplicates: tuple[tuple[str, int], ...] = ()
    """Keys that the file format silently drops (JSON objects with a key twice): (key, line)."""
    extra: dict[str, str] = field(default_factory=dict)
    """Small format-specific facts (lockfile version, go directive ...)."""
    requirement_sets: tuple[RequirementSet, ...] = ()
    """pyproject.toml: what it declares, as uv records it; uv.lock: what it was locked against."""

    def by_name(self) -> dict[str, list[Dependency]]:
        entries: dict[str, list[Dependency]] = {}
        for dependency in self.dependencies:
            entries.setdefault(dependency.name, []).append(dependency)
        return entries

    @property
    def ok(self) -> bool:
        return self.error is None


class ParseProblem(ValueError):
    """A parser's reason to stop, at the line of the file where it stopped."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def failed(path: str, fmt: str, ecosystem: str, is_lock: bool, line: int, message: str) -> ParsedFile:
    return ParsedFile(path, fmt, ecosystem, is_lock, error=ParseError(max(1, line), message))
