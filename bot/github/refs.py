"""Which commits to review, and making sure the checkout has them.

For a pull request the base and head are the event's `pull_request.base.sha` and
`pull_request.head.sha` (never the merge commit actions/checkout makes), or, for a manual run
with `pr-number`, the pull request's own. A shallow or base-only checkout is completed with
`git fetch` from `origin`: the commits by id, else the PR's refs (`refs/pull/N/head` and the
base branch), then deeper history until base and head meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.git import GitError, GitRepo
from bot.github.env import ActionError
from bot.history import deepen_until_merged


@dataclass(frozen=True)
class PullTarget:
    number: int
    base_sha: str
    head_sha: str
    base_ref: str = ""
    head_repo: str | None = None
    base_repo: str | None = None

    @property
    def from_fork(self) -> bool:
        return bool(self.head_repo and self.base_repo and self.head_repo != self.base_repo)


def pull_from_event(event: Mapping[str, Any]) -> PullTarget:
    pull = event.get("pull_request")
    if not isinstance(pull, Mapping):
        raise ActionError("the event has no pull_request: is the workflow triggered by pull_request?")
    try:
        return PullTarget(
            number=int(pull["number"]),
            base_sha=str(pull["base"]["sha"]),
            head_sha=str(pull["head"]["sha"]),
            base_ref=str(pull["base"].get("ref") or ""),
            head_repo=_repo_name(pull["head"]),
            base_repo=_repo_name(pull["base"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ActionError(f"the event's pull_request lacks {error}") from None


def pull_from_api(data: Mapping[str, Any]) -> PullTarget:
    """From `GET /repos/{owner}/{repo}/pulls/{n}` (its raw JSON)."""
    return pull_from_event({"pull_request": data})


def _repo_name(side: Mapping[str, Any]) -> str | None:
    repo = side.get("repo")
    return str(repo["full_name"]) if isinstance(repo, Mapping) and repo.get("full_name") else None


def ensure_commits(repo: GitRepo, target: PullTarget, remote: str = "origin") -> list[str]:
    """Fetch base and head when the checkout lacks them; returns what was done, for the log."""
    done: list[str] = []
    wanted = [sha for sha in (target.base_sha, target.head_sha) if not repo.has_commit(sha)]
    if wanted:
        done.append(_fetch_missing(repo, target, wanted, remote))
    if repo.is_shallow() and repo.merge_base(target.base_sha, target.head_sha) is None:
        done.append(_deepen(repo, target, remote))
    return done


def _fetch_missing(repo: GitRepo, target: PullTarget, wanted: list[str], remote: str) -> str:
    problems = []
    try:
        repo.fetch(remote, wanted)
        return f"fetched {', '.join(sha[:12] for sha in wanted)} from {remote}"
    except GitError as error:
        problems.append(str(error))
    refspecs = [f"+refs/pull/{target.number}/head:refs/remotes/{remote}/pull/{target.number}/head"]
    if target.base_ref:
        refspecs.append(f"+refs/heads/{target.base_ref}:refs/remotes/{remote}/{target.base_ref}")
    try:
        repo.fetch(remote, refspecs)
    except GitError as error:
        problems.append(str(error))
    still = [sha for sha in wanted if not repo.has_commit(sha)]
    if still:
        raise ActionError(
            f"commit(s) {', '.join(sha[:12] for sha in still)} are not in the checkout and could not be fetched "
            f"from {remote} ({'; '.join(problems)}): use actions/checkout with fetch-depth: 0"
        )
    return f"fetched the pull request's refs ({', '.join(refspecs)}) from {remote}"


def _deepen(repo: GitRepo, target: PullTarget, remote: str) -> str:
    try:
        return deepen_until_merged(repo, target.base_sha, target.head_sha, remote)
    except GitError as error:
        raise ActionError(f"the checkout is shallow and could not be deepened ({error}): use fetch-depth: 0") from None
