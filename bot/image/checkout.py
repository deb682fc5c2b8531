"""Clean checkouts of the base and head commits to build from, removed when the review ends.

The review is of commits, not of whatever the working tree holds: both sides are built from
a `git worktree` of their commit in a temporary directory (files a .gitignore hides, local
edits and untracked secrets are not in it). The Workspace removes the worktree afterwards,
also after a failure or Ctrl-C; `git worktree prune` clears the bookkeeping of any a killed
run left behind.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bot.git import GitError, GitRepo
from bot.workspace import Workspace

WORKTREE_PREFIX = "dockhand-checkout-"


def checkout(repo: GitRepo, commit: str, workspace: Workspace) -> Path:
    """A detached worktree of `commit`; removed when the workspace closes."""
    repo.try_run(["worktree", "prune"])
    parent = Path(tempfile.mkdtemp(prefix=WORKTREE_PREFIX))
    path = parent / "tree"
    workspace.on_close(lambda: _remove(repo, parent, path))
    try:
        repo.run(["-c", "advice.detachedHead=false", "worktree", "add", "--detach", "--force", str(path), commit])
    except GitError:
        _remove(repo, parent, path)
        raise
    return path


def _remove(repo: GitRepo, parent: Path, path: Path) -> None:
    repo.try_run(["worktree", "remove", "--force", "--force", str(path)])
    shutil.rmtree(parent, ignore_errors=True)
    repo.try_run(["worktree", "prune"])
