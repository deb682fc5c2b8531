"""Clean checkouts of the base and head commits to build from, removed when the review ends.

The review is of commits, not of whatever the working tree holds: both sides are built from
a `git worktree` of their commit in a temporary directory (files a .gitignore hides, local
edits and untracked secrets are not in it). The Workspace removes the worktree afterwards,
also after a failure or Ctrl-C; `git worktree prune` clears the bookkeeping of any a killed
run left behind.

A pull request can commit symbolic links that point outside the repository (`.dockerignore ->
/etc/shadow`). Git checks them out as links, and the docker client reads a Dockerfile and a
.dockerignore on the host, following links: so every link that leaves the checkout is removed
from it before anything builds there, and the review says which.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bot.git import GitError, GitRepo
from bot.workspace import Workspace

WORKTREE_PREFIX = "dockhand-checkout-"
_MODE_SYMLINK = "120000"


def checkout(repo: GitRepo, commit: str, workspace: Workspace, notes: list[str] | None = None) -> Path:
    """A detached worktree of `commit`, without links that leave it; removed when the workspace
    closes. What was cut is added to `notes`."""
    repo.try_run(["worktree", "prune"])
    parent = Path(tempfile.mkdtemp(prefix=WORKTREE_PREFIX))
    path = parent / "tree"
    workspace.on_close(lambda: _remove(repo, parent, path))
    try:
        repo.run(["-c", "advice.detachedHead=false", "worktree", "add", "--detach", "--force", str(path), commit])
    except GitError:
        _remove(repo, parent, path)
        raise
    removed = cut_links_leaving(repo, commit, path)
    if removed and notes is not None:
        shown = ", ".join(removed[:5]) + (f" and {len(removed) - 5} more" if len(removed) > 5 else "")
        notes.append(
            f"symbolic link(s) to outside the repository removed before building {commit[:12]}: {shown} "
            "(docker would have read them on the runner)"
        )
    return path


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


def _remove(repo: GitRepo, parent: Path, path: Path) -> None:
    repo.try_run(["worktree", "remove", "--force", "--force", str(path)])
    shutil.rmtree(parent, ignore_errors=True)
    repo.try_run(["worktree", "prune"])
