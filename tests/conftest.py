"""Shared fixtures: real temporary git repositories (no mocks of git)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.gitrepo import GitRepoFactory


@pytest.fixture
def make_repo(tmp_path: Path) -> GitRepoFactory:
    """`make_repo(base={path: text}, head={path: text})` -> a repository with two commits."""
    return GitRepoFactory(tmp_path)
