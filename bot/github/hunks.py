"""Where a pull request may take inline comments: the RIGHT-side lines of its diff hunks.

GitHub accepts a review comment on a head line only inside a hunk of the pull request's diff
(added lines and the 3 lines of context around them), and a multi-line comment only when its
first and last lines are in the same hunk. The map comes from git (the action has the commits:
no API call) or from the PR files API's `patch` (`dockhand publish`, which has no checkout).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.git import GitRepo, hunk_new_range
from bot.model import ReviewedFile

GITHUB_DIFF_CONTEXT = 3


@dataclass(frozen=True)
class DiffMap:
    hunks: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Per head path, the (first, last) head lines of each hunk."""

    def hunk_of(self, path: str, line: int) -> tuple[int, int] | None:
        return next((h for h in self.hunks.get(path, ()) if h[0] <= line <= h[1]), None)

    def fits(self, path: str, start: int, end: int) -> bool:
        """Lines start..end can carry one comment: all inside one hunk."""
        hunk = self.hunk_of(path, start)
        return hunk is not None and start <= end <= hunk[1]


def diffmap_from_git(repo: GitRepo, base: str, head: str, files: Iterable[ReviewedFile]) -> DiffMap:
    """The hunks of the reviewed files; a renamed file's old path goes in the pathspec too, or
    git would show it as a new file and every line would look commentable."""
    kept = [f for f in files if f.status != "deleted"]
    paths = [f.path for f in kept] + [f.old_path for f in kept if f.old_path]
    ranges = repo.hunks(base, head, paths, GITHUB_DIFF_CONTEXT) if paths else {}
    return DiffMap({path: tuple(found) for path, found in ranges.items()})


def diffmap_from_files(files: Iterable[Mapping[str, Any]]) -> DiffMap:
    """From `GET /pulls/{n}/files` entries. A file without `patch` (binary, too large) has no hunks."""
    hunks: dict[str, tuple[tuple[int, int], ...]] = {}
    for entry in files:
        patch = entry.get("patch")
        if isinstance(patch, str):
            hunks[str(entry["filename"])] = patch_hunks(patch)
    return DiffMap(hunks)


def patch_hunks(patch: str) -> tuple[tuple[int, int], ...]:
    """The hunks of one file's patch as the files API gives it (hunk headers, no file headers)."""
    found = (hunk_new_range(line) for line in patch.split("\n") if line.startswith("@@ "))
    return tuple(hunk for hunk in found if hunk is not None)
