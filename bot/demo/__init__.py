"""`dockhand demo`: a throw-away repository with a PR-like change, reviewed end to end.

The repository is made in a temporary directory from the files beside this module: `base/`
is the main branch, `head/` the pull request's branch. The user's own files are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DEMO_FILES = Path(__file__).parent
BASE_BRANCH = "main"
HEAD_BRANCH = "feature/faster-builds"
_RENAMED = {"dockerignore": ".dockerignore"}
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Demo Author",
    "GIT_AUTHOR_EMAIL": "demo@example.com",
    "GIT_COMMITTER_NAME": "Demo Author",
    "GIT_COMMITTER_EMAIL": "demo@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def make_demo_repository(parent: Path | None = None) -> Path:
    """Create the demo repository and return its path; the caller removes it."""
    root = Path(tempfile.mkdtemp(prefix="dockhand-demo-", dir=parent))
    try:
        _git(root, "init", "--quiet", f"--initial-branch={BASE_BRANCH}")
        _copy_tree(DEMO_FILES / "base", root)
        _commit(root, "Initial service: Dockerfile, compose file, requirements")
        _git(root, "checkout", "--quiet", "-b", HEAD_BRANCH)
        _clear_worktree(root)
        _copy_tree(DEMO_FILES / "head", root)
        _commit(root, "Speed up the build and simplify the compose setup")
    except BaseException:
        remove_demo_repository(root)
        raise
    return root


def remove_demo_repository(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def _copy_tree(source: Path, target: Path) -> None:
    for path in sorted(source.iterdir()):
        if path.is_file():  # an installed package may hold __pycache__ folders here
            shutil.copyfile(path, target / _RENAMED.get(path.name, path.name))


def _clear_worktree(root: Path) -> None:
    for path in root.iterdir():
        if path.name != ".git":
            path.unlink()


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "--all")
    _git(root, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", message)


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, **_GIT_IDENTITY}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)
