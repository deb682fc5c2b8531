"""A repository side (base or head) as dependency files: which lock file belongs to which manifest.

Texts come from the ChangeSet for changed files and from the head tree for the others (an
unchanged file is the same on both sides). Parses are cached per side.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace

from bot.changes import ChangedFile, ChangeSet
from bot.deps.model import ParsedFile
from bot.deps.parse import parse_file
from bot.deps.pyver import normalize_name
from bot.filekinds import classify

LOCKS_FOR: dict[str, tuple[str, ...]] = {
    "pyproject": ("uv.lock", "poetry.lock"),
    "pipfile": ("Pipfile.lock",),
    "package.json": ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"),
    "cargo.toml": ("Cargo.lock",),
    "go.mod": ("go.sum",),
}
MANIFEST_FOR: dict[str, str] = {
    "uv.lock": "pyproject.toml",
    "poetry.lock": "pyproject.toml",
    "pipfile.lock": "Pipfile",
    "package-lock": "package.json",
    "yarn.lock": "package.json",
    "pnpm-lock": "package.json",
    "cargo.lock": "Cargo.toml",
    "go.sum": "go.mod",
}
WORKSPACE_LOCKS = frozenset({"uv.lock", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock"})
"""Lock files that may sit in an ancestor directory and cover workspace members below it."""


@dataclass
class Side:
    changes: ChangeSet
    side: str
    """"base" or "head"."""
    _changed: dict[str, ChangedFile] = field(default_factory=dict)
    _parsed: dict[str, ParsedFile | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for changed in self.changes.files:
            key = (changed.old_path or changed.path) if self.side == "base" else changed.path
            self._changed[key] = changed

    def changed(self, path: str) -> ChangedFile | None:
        return self._changed.get(path)

    def text(self, path: str) -> str | None:
        changed = self._changed.get(path)
        if changed is not None:
            return changed.base_text if self.side == "base" else changed.head_text
        if self.side == "base" and any(c.path == path and c.status in ("added", "copied") for c in self.changes.files):
            return None
        return self.changes.tree.read(path) if self.changes.tree.exists(path) else None

    def parsed(self, path: str) -> ParsedFile | None:
        if path not in self._parsed:
            kind = classify(path)
            text = self.text(path)
            self._parsed[path] = parse_file(path, kind.format, text) if kind and text is not None else None
        return self._parsed[path]

    def lock_for(self, manifest: ParsedFile) -> ParsedFile | None:
        """The lock file that pins this manifest: beside it, or a workspace lock above it that lists it."""
        directory = posixpath.dirname(manifest.path)
        for name in LOCKS_FOR.get(manifest.format, ()):
            found = self.parsed(_join(directory, name))
            if found is not None:
                return found
        for ancestor in _ancestors(directory):
            for name in LOCKS_FOR.get(manifest.format, ()):
                if name not in WORKSPACE_LOCKS:
                    continue
                found = self.parsed(_join(ancestor, name))
                if found is not None and _covers(found, ancestor, manifest):
                    return found
        return None

    def manifest_for(self, lock: ParsedFile) -> ParsedFile | None:
        name = MANIFEST_FOR.get(lock.format)
        return self.parsed(_join(posixpath.dirname(lock.path), name)) if name else None


def with_direct(lock: ParsedFile, manifest: ParsedFile | None) -> ParsedFile:
    """Fill in direct-ness the lock file does not record, from its manifest's names."""
    if manifest is None or not manifest.ok or all(d.direct is not None for d in lock.dependencies):
        return lock
    names = {d.name for d in manifest.dependencies}
    marked = tuple(d if d.direct is not None else replace(d, direct=d.name in names) for d in lock.dependencies)
    return replace(lock, dependencies=marked)


def _join(directory: str, name: str) -> str:
    return posixpath.join(directory, name) if directory else name


def _ancestors(directory: str) -> list[str]:
    found = []
    while directory:
        directory = posixpath.dirname(directory)
        found.append(directory)
    return found


def _covers(lock: ParsedFile, lock_dir: str, manifest: ParsedFile) -> bool:
    relative = posixpath.relpath(posixpath.dirname(manifest.path) or ".", lock_dir or ".")
    project = manifest.project
    return relative in lock.members or (
        bool(project) and (project in lock.members or normalize_name(project) in lock.members)
    )
