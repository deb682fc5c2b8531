"""A renamed file's changed lines are the lines the rename changed, not all of them."""

from __future__ import annotations

from bot.changes import build_changeset, resolve_range
from bot.git import GitRepo
from tests.support.gitrepo import GitRepoFactory


def test_a_renamed_dockerfile_keeps_only_its_real_changes(make_repo: GitRepoFactory) -> None:
    lines = "".join(f"RUN echo {n}\n" for n in range(30))
    repo = make_repo(
        base={"old/Dockerfile": "FROM alpine:3.20\n" + lines},
        head={"new/Dockerfile": "FROM alpine:3.20\n" + lines.replace("echo 29", "echo thirty")},
    )
    git = GitRepo(repo.path)
    [changed] = build_changeset(git, resolve_range(git, repo.base, repo.head)).files
    assert (changed.path, changed.status, changed.old_path) == ("new/Dockerfile", "renamed", "old/Dockerfile")
    assert changed.changed_lines == frozenset({31})
