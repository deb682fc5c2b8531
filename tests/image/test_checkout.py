"""Clean checkouts of the reviewed commits: made ahead of the build that needs them, removed
after the last one, and a commit that cannot be checked out says so every time it is asked."""

from __future__ import annotations

import pytest

from bot.git import GitError, GitRepo
from bot.image.checkout import Checkout
from bot.workspace import Workspace
from tests.support.gitrepo import GitRepoFactory


def test_a_checkout_made_ahead_is_the_one_the_build_gets_and_goes_after_its_last_build(
    make_repo: GitRepoFactory,
) -> None:
    repo = make_repo({"Dockerfile": "FROM busybox\n"}, {"Dockerfile": "FROM busybox\nUSER 1000\n"})
    workspace = Workspace()
    checkout = Checkout(GitRepo.open(repo.path), repo.head, workspace)
    checkout.use()
    checkout.prepare()
    root = checkout.path()
    assert (root / "Dockerfile").read_text() == "FROM busybox\nUSER 1000\n"
    checkout.release()
    assert not root.exists()
    workspace.close()


def test_a_commit_that_cannot_be_checked_out_fails_every_build_that_asks(make_repo: GitRepoFactory) -> None:
    repo = make_repo({"a.txt": "a\n"}, {"a.txt": "b\n"})
    checkout = Checkout(GitRepo.open(repo.path), "0" * 40, Workspace())
    checkout.prepare()  # made ahead: the error waits for the build
    for _ in range(2):
        with pytest.raises(GitError):
            checkout.path()
