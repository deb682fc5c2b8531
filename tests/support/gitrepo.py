"""Real git repositories for tests: a base commit on `main` and a head commit on a branch."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}

FileContent = str | bytes


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode().strip()


@dataclass
class Repo:
    path: Path
    base: str
    head: str

    def git(self, *args: str) -> str:
        return git(self.path, *args)


def write_tree(root: Path, files: dict[str, FileContent]) -> None:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")


def clear_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if ".git" in path.relative_to(root).parts:
            continue
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            path.rmdir()


class GitRepoFactory:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.count = 0

    def __call__(
        self,
        base: dict[str, FileContent] | None = None,
        head: dict[str, FileContent] | None = None,
        *,
        keep_base: bool = False,
    ) -> Repo:
        """Commit `base` on main, then `head` on branch `pr`. With keep_base, head edits base."""
        self.count += 1
        root = self.tmp_path / f"repo{self.count}"
        root.mkdir()
        git(root, "init", "--quiet", "--initial-branch=main")
        write_tree(root, base or {})
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--allow-empty", "-m", "base")
        base_sha = git(root, "rev-parse", "HEAD")
        git(root, "checkout", "--quiet", "-b", "pr")
        if not keep_base:
            clear_tree(root)
        write_tree(root, head or {})
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--allow-empty", "-m", "head")
        return Repo(root, base_sha, git(root, "rev-parse", "HEAD"))
