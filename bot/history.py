"""Completing a shallow clone from its remote, so that base and head and their merge-base exist.

CI checkouts are often shallow (`actions/checkout` fetches one commit by default, GitLab 50):
the base branch, or the commit where it and the head meet, is not there. When the clone has a
remote, dockhand fetches what the review needs, in as few steps as it can: the missing refs or
commits by name, then deeper history in growing steps until base and head meet, then the full
history. Without a remote (or with `--no-fetch`), the error says how to fetch it by hand.
"""

from __future__ import annotations

import re

from bot.git import GitError, GitRepo

DEEPEN_STEPS = (50, 1000)
_COMMIT_ID = re.compile(r"[0-9a-f]{7,64}")


def has_remote(repo: GitRepo, remote: str) -> bool:
    return repo.try_run(["remote", "get-url", "--", remote]) is not None


def fetch_ref(repo: GitRepo, name: str, remote: str) -> tuple[str, str]:
    """Fetch `name` (a commit id, a branch, `<remote>/<branch>`) from `remote`; returns the name that
    resolves afterwards (a branch becomes `<remote>/<branch>`) and what was done, for a note."""
    if _COMMIT_ID.fullmatch(name):
        repo.fetch(remote, [name])
        return name, f"fetched {name[:12]} from {remote}"
    branch = name.removeprefix(f"{remote}/").removeprefix("refs/heads/")
    repo.fetch(remote, [f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"], extra=["--depth=1"])
    return f"{remote}/{branch}", f"fetched {branch} from {remote}"


def deepen_until_merged(repo: GitRepo, base: str, head: str, remote: str) -> str:
    """Deepen a shallow clone until `base` and `head` have a merge-base; what was done, for a note."""
    for depth in DEEPEN_STEPS:
        try:
            repo.fetch(remote, [base, head], extra=[f"--deepen={depth}"])
        except GitError:
            break
        if repo.merge_base(base, head) is not None:
            return f"deepened the shallow clone by {depth} commits from {remote}"
    repo.fetch(remote, [], extra=["--unshallow"])
    return f"fetched the full history from {remote} (the clone was shallow)"


def complete_shallow(repo: GitRepo, base: str | None, head: str | None, remote: str) -> tuple[str, str, list[str]]:
    """Fetch the refs that do not resolve and the history down to their merge-base; the names to
    review with afterwards, and what was done (GitError when the remote cannot give it)."""
    done: list[str] = []
    if base is None and repo.default_branch() is None:
        repo.run(["remote", "set-head", remote, "--auto"])  # asks the remote which branch is its default
    names = [base or repo.default_branch() or f"{remote}/HEAD", head or "HEAD"]
    for index, name in enumerate(names):
        if not _resolves(repo, name):
            names[index], note = fetch_ref(repo, name, remote)
            done.append(note)
    base_id, head_id = repo.resolve_commit(names[0]), repo.resolve_commit(names[1])
    if repo.is_shallow() and repo.merge_base(base_id, head_id) is None:
        done.append(deepen_until_merged(repo, base_id, head_id, remote))
    return names[0], names[1], done


def _resolves(repo: GitRepo, name: str) -> bool:
    return (
        not name.startswith("-")
        and repo.try_run(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"]) is not None
    )
