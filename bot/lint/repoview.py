"""One side (base or head) of the repository, for checks that read beyond the file they review.

A compose file's review reads the Dockerfiles it builds, a Dockerfile's the context's
.dockerignore. Those files are read as they are on the side being linted, from that side's
commit (git objects only, lazily): the head's tree is the ChangeSet's, the base's is read the
same way when the base side is linted. Compose files are parsed through `parsed`, which the
analyzers share with the review's other views (`Workspace.parsed`), so each is parsed once.
"""

from __future__ import annotations

import bisect
import posixpath
from dataclasses import dataclass, field
from functools import cached_property

from bot.changes import ChangedFile, ChangeSet, HeadTree
from bot.filekinds import Family, classify
from bot.parsing.cache import ParsedFiles
from bot.parsing.compose import ComposeFile

HEAD = "head"
BASE = "base"


@dataclass(frozen=True)
class RepoView:
    changes: ChangeSet
    side: str = HEAD
    parsed: ParsedFiles = field(default_factory=ParsedFiles, compare=False, repr=False)

    def read(self, path: str) -> str | None:
        """Text of a regular file on this side; None when missing, binary or unreadable."""
        changed = self._changed.get(path)
        if changed is not None:
            return changed.head_text if self.side == HEAD else changed.base_text
        return self.tree.read(path)

    def compose(self, path: str) -> ComposeFile | None:
        """The Compose file at `path` on this side, parsed once per review; None when unreadable."""
        text = self.read(path)
        return self.parsed.compose(path, text) if text is not None else None

    def exists(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path in ("", ".") or path in self._dirs

    def paths_under(self, directory: str) -> list[str]:
        """Every file path at or below `directory` ("." for the whole repository), sorted."""
        ordered = self._sorted_files
        if directory in ("", "."):
            return list(ordered)
        prefix = directory.rstrip("/") + "/"
        start = bisect.bisect_left(ordered, prefix)
        end = bisect.bisect_left(ordered, prefix[:-1] + chr(ord("/") + 1), start)  # "dir0" sorts after "dir/..."
        return list(ordered[start:end])

    def compose_files_in(self, directory: str) -> tuple[str, ...]:
        """The Compose files directly in `directory` ("." for the root), sorted."""
        return self._compose_files.get(directory or ".", ())

    @cached_property
    def _compose_files(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for path in self._sorted_files:
            if "compose" in path.rpartition("/")[2].lower() and _is_compose(path):
                found.setdefault(posixpath.dirname(path) or ".", []).append(path)
        return {directory: tuple(paths) for directory, paths in found.items()}

    @cached_property
    def tree(self) -> HeadTree:
        """The commit of this side (the head's tree is shared with the ChangeSet)."""
        return self.changes.tree if self.side == HEAD else self.changes.base_tree

    @cached_property
    def files(self) -> frozenset[str]:
        return frozenset(self.tree.paths())

    @cached_property
    def _sorted_files(self) -> tuple[str, ...]:
        return tuple(sorted(self.files))

    @cached_property
    def _dirs(self) -> frozenset[str]:
        dirs: set[str] = set()
        for path in self.files:
            parent = posixpath.dirname(path)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = posixpath.dirname(parent)
        return frozenset(dirs)

    @cached_property
    def _changed(self) -> dict[str, ChangedFile]:
        """Changed files by the path they have on this side (their texts are already read)."""
        if self.side == HEAD:
            return {f.path: f for f in self.changes.files if not f.deleted}
        return {(f.old_path or f.path): f for f in self.changes.files if f.base_text is not None}


def both_sides(changes: ChangeSet) -> tuple[RepoView, RepoView]:
    return RepoView(changes, BASE), RepoView(changes, HEAD)


def _is_compose(path: str) -> bool:
    kind = classify(path)
    return kind is not None and kind.family is Family.COMPOSE
