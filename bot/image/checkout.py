"""Clean checkouts of the base and head commits to build from, removed when the review ends.

The review is of commits, not of whatever the working tree holds: both sides are built from
a `git worktree` of their commit in a temporary directory (files a .gitignore hides, local
edits and untracked secrets are not in it). A worktree goes as soon as the builds that need it
are done, else when the Workspace closes (also after a failure or Ctrl-C); `git worktree
prune` clears the bookkeeping of any a killed run left behind.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.git import GitError, GitRepo
from bot.workspace import Workspace

WORKTREE_PREFIX = "dockhand-checkout-"


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
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def use(self) -> None:
        """One more build will need it."""
        with self._lock:
            self._users += 1

    def path(self) -> Path:
        """The checkout's directory (GitError when it cannot be made)."""
        with self._lock:
            if self._parent is None:
                self._parent = Path(tempfile.mkdtemp(prefix=WORKTREE_PREFIX))
                self.workspace.on_close(self.remove)
                self.repo.try_run(["worktree", "prune"])
                add = ["-c", "advice.detachedHead=false", "worktree", "add", "--detach", "--force"]
                try:
                    self.repo.run([*add, str(self._parent / "tree"), self.commit])
                except GitError:
                    self._remove()
                    raise
            return self._parent / "tree"

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
