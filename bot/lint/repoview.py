"""One side (base or head) of the repository, for checks that read beyond the file they review.

A compose file's review reads the Dockerfiles it builds, a Dockerfile's the context's
.dockerignore. Those files are read as they are on the side being linted: a changed file from
its base or head text, any other file from the head commit (unchanged, so the same on both).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cached_property

from bot.changes import ChangedFile, ChangeSet

HEAD = "head"
BASE = "base"


@dataclass(frozen=True)
class RepoView:
    changes: ChangeSet
    side: str = HEAD

    def read(self, path: str) -> str | None:
        """Text of a regular file on this side; None when missing, binary or unreadable."""
        changed = self._changed.get(path)
        if changed is not None:
            return changed.head_text if self.side == HEAD else changed.base_text
        if self.side == BASE and path in self._only_in_head:
            return None
        return self.changes.tree.read(path)

    def exists(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path in ("", ".") or path in self._dirs

    def paths_under(self, directory: str) -> list[str]:
        """Every file path at or below `directory` ("." for the whole repository), sorted."""
        if directory in ("", "."):
            return sorted(self.files)
        prefix = directory.rstrip("/") + "/"
        return sorted(path for path in self.files if path.startswith(prefix))

    @cached_property
    def files(self) -> frozenset[str]:
        paths = set(self.changes.tree.paths())
        for changed in self.changes.files:
            if self.side == BASE:
                if changed.status in ("added", "renamed", "copied"):
                    paths.discard(changed.path)
                if changed.base_text is not None or changed.status == "deleted":
                    paths.add(changed.old_path or changed.path)
            elif changed.deleted:
                paths.discard(changed.path)
        return frozenset(paths)

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
        """Changed files by the path they have on this side."""
        if self.side == HEAD:
            return {f.path: f for f in self.changes.files if not f.deleted}
        return {(f.old_path or f.path): f for f in self.changes.files if f.base_text is not None or f.deleted}

    @cached_property
    def _only_in_head(self) -> frozenset[str]:
        return frozenset(f.path for f in self.changes.files if f.status in ("added", "renamed", "copied"))


def both_sides(changes: ChangeSet) -> tuple[RepoView, RepoView]:
    return RepoView(changes, BASE), RepoView(changes, HEAD)
