"""A repository side (base or head) as dependency files: which lock file belongs to which manifest.

Texts come from the ChangeSet for changed files and from the head tree for the others (an
unchanged file is the same on both sides). Parses are cached per side.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace

from bot.changes import ChangedFile, ChangeSet
from bot.deps.model import ParsedFile, ParseError
from bot.deps.parse import LOCK_FORMATS, parse_file
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
    _added: set[str] = field(default_factory=set)
    _parsed: dict[str, ParsedFile | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for changed in self.changes.files:
            key = (changed.old_path or changed.path) if self.side == "base" else changed.path
            self._changed[key] = changed
            if changed.status in ("added", "copied") or (changed.old_path and changed.old_path != changed.path):
                self._added.add(changed.path)

    def changed(self, path: str) -> ChangedFile | None:
        return self._changed.get(path)

    def text(self, path: str) -> str | None:
        changed = self._changed.get(path)
        if changed is not None:
            return changed.base_text if self.side == "base" else changed.head_text
        if self.side == "base" and path in self._added:
            return None
        return self.changes.tree.read(path) if self.changes.tree.exists(path) else None

    def exists(self, path: str) -> bool:
        changed = self._changed.get(path)
        if changed is not None:
            return (changed.base_text if self.side == "base" else changed.head_text) is not None or not changed.deleted
        return not (self.side == "base" and path in self._added) and self.changes.tree.exists(path)

    def parsed(self, path: str) -> ParsedFile | None:
        """The file parsed; None when it does not exist. A file that exists but cannot be read (over
        max-file-bytes, binary) is a ParsedFile with an error, so it still counts as present."""
        if path not in self._parsed:
            kind = classify(path)
            text = self.text(path)
            if kind is None or kind.family.value != "dependency":
                self._parsed[path] = None
            elif text is not None:
                self._parsed[path] = parse_file(path, kind.format, text)
            elif self.exists(path):
                unread = ParseError(1, "not read (binary or over max-file-bytes)")
                self._parsed[path] = ParsedFile(
                    path, kind.format, kind.ecosystem, kind.format in LOCK_FORMATS, error=unread
                )
            else:
                self._parsed[path] = None
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
