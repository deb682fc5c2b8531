"""Clean checkouts of the base and head commits to build from, removed when the review ends.

The review is of commits, not of whatever the working tree holds: both sides are built from
a `git worktree` of their commit in a temporary directory (files a .gitignore hides, local
edits and untracked secrets are not in it). A worktree goes as soon as the builds that need it
are done, else when the Workspace closes (also after a failure or Ctrl-C); `git worktree
prune`, after each removal, clears the bookkeeping of any a killed run left behind.

A pull request can commit symbolic links that point outside the repository (`.dockerignore ->
/etc/shadow`). Git checks them out as links, and the docker client reads a Dockerfile and a
.dockerignore on the host, following links: so every link that leaves the checkout is removed
from it before anything builds there, and the review says which.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.git import GitError, GitRepo
from bot.workspace import Workspace

WORKTREE_PREFIX = "dockhand-checkout-"
_MODE_SYMLINK = "120000"


@dataclass
class Checkout:
    """A detached worktree of `commit`, made when a build first needs it and removed as soon as
    the last build that needs it is done (or when the workspace closes, whichever is first):
    the base's is made while the head builds, and neither removal waits for the measuring."""

    repo: GitRepo
    commit: str
    workspace: Workspace
    _users: int = 0
    _parent: Path | None = None
    _removed: bool = False
    _error: GitError | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    cut_links: list[str] = field(default_factory=list)
    """Repository paths of links to outside the repository, removed from the checkout."""

    def use(self) -> None:
        """One more build will need it."""
        with self._lock:
            self._users += 1

    @property
    def made(self) -> bool:
        with self._lock:
            return self._parent is not None

    def prepare(self) -> None:
        """Make it now, ahead of the build that needs it (which gets any error then)."""
        with contextlib.suppress(GitError, OSError):
            self.path()

    def path(self) -> Path:
        """The checkout's directory (GitError when it cannot be made, every time it is asked)."""
        with self._lock:
            if self._error is not None:
                raise self._error
            if self._parent is None:
                self._parent = Path(tempfile.mkdtemp(prefix=WORKTREE_PREFIX))
                self.workspace.on_close(self.remove)
                add = ["-c", "advice.detachedHead=false", "worktree", "add", "--detach", "--force"]
                try:
                    self.repo.run([*add, str(self._parent / "tree"), self.commit])
                except GitError as error:
                    self._error = error
                    self._remove()
                    raise
                self.cut_links = cut_links_leaving(self.repo, self.commit, self._parent / "tree")
            return self._parent / "tree"

    def note(self) -> str | None:
        if not self.cut_links:
            return None
        shown = ", ".join(self.cut_links[:5]) + (
            f" and {len(self.cut_links) - 5} more" if len(self.cut_links) > 5 else ""
        )
        return (
            f"symbolic link(s) to outside the repository removed before building {self.commit[:12]}: {shown} "
            "(docker would have read them on the runner)"
        )

    def release(self) -> None:
        """A build that needed it is done; the last one removes it."""
        with self._lock:
            self._users -= 1
            if self._users <= 0:
                self._remove()

    def remove(self) -> None:
        with self._lock:
            self._remove()

    def _remove(self) -> None:
        if self._parent is None or self._removed:
            return
        self._removed = True
        self.repo.try_run(["worktree", "remove", "--force", "--force", str(self._parent / "tree")])
        shutil.rmtree(self._parent, ignore_errors=True)
        self.repo.try_run(["worktree", "prune"])


def cut_links_leaving(repo: GitRepo, commit: str, root: Path) -> list[str]:
    """Remove the commit's symbolic links that resolve outside `root`; their repository paths."""
    top = root.resolve()
    removed = []
    for entry in repo.tree(commit):
        if entry.mode != _MODE_SYMLINK:
            continue
        link = root / entry.path
        target = link.resolve()
        if target != top and top not in target.parents:
            link.unlink(missing_ok=True)
            removed.append(entry.path)
    return removed
