"""The dependency files to scan on each side, read from git objects and written to a temp dir.

For every changed dependency file, the files Trivy reads in its directory (the lock file and
the manifest next to it) are taken from the base commit and from the head commit — never from
the working tree. Each group goes to its own numbered directory under the names Trivy knows
(`requirements-dev.txt` is scanned as `u3/requirements.txt`), and the result's targets are
mapped back to repository paths. A renamed file's base side is written where its head side is,
so both sides report the same target.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from bot.changes import ChangedFile, ChangeSet
from bot.filekinds import Family
from bot.git import GitRepo, TreeEntry

_TRIVY_NAMES: dict[str, dict[str, str]] = {
    "python": {"poetry.lock": "poetry.lock", "pyproject.toml": "pyproject.toml", "uv.lock": "uv.lock"},
    "node": {
        "package-lock.json": "package-lock.json",
        "npm-shrinkwrap.json": "package-lock.json",
        "yarn.lock": "yarn.lock",
        "pnpm-lock.yaml": "pnpm-lock.yaml",
        "package.json": "package.json",
    },
    "rust": {"cargo.lock": "Cargo.lock", "cargo.toml": "Cargo.toml"},
    "go": {"go.mod": "go.mod", "go.sum": "go.sum"},
}
_PIPFILE_LOCK = "pipfile.lock"
_MANIFESTS = {"pyproject.toml", "package.json", "Cargo.toml", "go.sum"}
"""Read by Trivy only beside a lock file: a group of these alone has nothing to scan."""


@dataclass
class SideFiles:
    """One side's dependency files, as Trivy will see them."""

    files: dict[str, bytes] = field(default_factory=dict)
    """Path under the scan root -> content."""
    targets: dict[str, str] = field(default_factory=dict)
    """Path under the scan root -> repository path."""

    def materialise(self, root: Path) -> None:
        for relative, content in self.files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def scanned_paths(self) -> list[str]:
        return sorted(self.targets[name] for name in self.files if posixpath.basename(name) not in _MANIFESTS)


@dataclass(frozen=True)
class _Group:
    unit: str
    members: dict[str, tuple[str | None, str | None]]
    """Trivy's name -> (base repository path, head repository path)."""


def dependency_sides(changes: ChangeSet, max_bytes: int) -> tuple[SideFiles, SideFiles, list[str]]:
    """(base, head, notes) for the dependency files this change touches."""
    changed = [f for f in changes.files if f.kind.family is Family.DEPENDENCY]
    if not changed:
        return SideFiles(), SideFiles(), []
    repo = GitRepo(changes.repo_path)
    base_entries = {entry.path: entry for entry in repo.tree(changes.base)}
    head_entries = changes.tree.entries()
    groups = _groups(changed, base_entries, head_entries)
    notes: list[str] = []
    base = _read_side(repo, groups, 0, base_entries, max_bytes, notes, "base")
    head = _read_side(repo, groups, 1, head_entries, max_bytes, notes, "head")
    return base, head, notes


def _groups(
    changed: list[ChangedFile], base_entries: dict[str, TreeEntry], head_entries: dict[str, TreeEntry]
) -> list[_Group]:
    groups: list[_Group] = []
    seen_dirs: set[tuple[str, str]] = set()
    base_names, head_names = _by_name(base_entries), _by_name(head_entries)
    for item in changed:
        base_path = None if item.status == "added" else (item.old_path or item.path)
        head_path = None if item.deleted else item.path
        name = posixpath.basename(item.path).lower()
        unit = f"u{len(groups) + 1}"
        if item.kind.format == "requirements":
            groups.append(_Group(unit, {"requirements.txt": (base_path, head_path)}))
        elif name == _PIPFILE_LOCK:
            groups.append(_Group(unit, {"Pipfile.lock": (base_path, head_path)}))
        elif item.kind.ecosystem in _TRIVY_NAMES and name in _TRIVY_NAMES[item.kind.ecosystem]:
            base_dir = posixpath.dirname(base_path) if base_path else None
            head_dir = posixpath.dirname(head_path) if head_path else None
            if (item.kind.ecosystem, head_dir or base_dir or "") in seen_dirs:
                continue
            seen_dirs.add((item.kind.ecosystem, head_dir or base_dir or ""))
            members = _siblings(_TRIVY_NAMES[item.kind.ecosystem], base_dir, head_dir, base_names, head_names)
            if any(trivy_name not in _MANIFESTS for trivy_name in members):
                groups.append(_Group(unit, members))
    return groups


def _siblings(
    names: dict[str, str],
    base_dir: str | None,
    head_dir: str | None,
    base_names: dict[tuple[str, str], str],
    head_names: dict[tuple[str, str], str],
) -> dict[str, tuple[str | None, str | None]]:
    members: dict[str, tuple[str | None, str | None]] = {}
    for lower, trivy_name in names.items():
        base_path = base_names.get((base_dir, lower)) if base_dir is not None else None
        head_path = head_names.get((head_dir, lower)) if head_dir is not None else None
        if (base_path or head_path) and trivy_name not in members:
            members[trivy_name] = (base_path, head_path)
    return members


def _by_name(entries: dict[str, TreeEntry]) -> dict[tuple[str, str], str]:
    """(directory, lower-cased file name) -> the path as the tree spells it."""
    return {(posixpath.dirname(path), posixpath.basename(path).lower()): path for path in entries}


def _read_side(
    repo: GitRepo,
    groups: list[_Group],
    side_index: int,
    entries: dict[str, TreeEntry],
    max_bytes: int,
    notes: list[str],
    side: str,
) -> SideFiles:
    wanted: dict[str, tuple[str, str]] = {}  # scan path -> (repository path on this side, head-side path)
    for group in groups:
        for trivy_name, paths in group.members.items():
            path = paths[side_index]
            entry = entries.get(path) if path else None
            if entry is not None and entry.mode.startswith("100"):
                wanted[f"{group.unit}/{trivy_name}"] = (entry.path, paths[1] or paths[0] or entry.path)
    sizes = repo.blob_sizes(entries[path].blob for path, _ in wanted.values())
    readable = {}
    for scan_path, (path, shown) in wanted.items():
        size = sizes.get(entries[path].blob, 0)
        if size > max_bytes:
            notes.append(f"{side} {path} is {size:,} bytes, over the {max_bytes:,}-byte limit: not scanned")
        else:
            readable[scan_path] = (path, shown)
    blobs = repo.read_blobs(entries[path].blob for path, _ in readable.values())
    result = SideFiles()
    for scan_path, (path, shown) in readable.items():
        result.files[scan_path] = blobs.get(entries[path].blob, b"")
        result.targets[scan_path] = shown
    return result
