"""Shared fixtures: real temporary git repositories (no mocks of git)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.gitrepo import GitRepoFactory


@pytest.fixture
def make_repo(tmp_path: Path) -> GitRepoFactory:
    """`make_repo(base={path: text}, head={path: text})` -> a repository with two commits."""
    return GitRepoFactory(tmp_path)


@pytest.fixture(scope="session")
def _test_trivy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.trivydb import write_trivy_db

    cache = tmp_path_factory.mktemp("default-trivy-cache")
    write_trivy_db(cache)
    return cache


@pytest.fixture(autouse=True)
def _isolated_trivy_cache(_test_trivy_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviews that scan without naming a cache dir use the test DB, never ~/.cache/trivy or the network."""
    monkeypatch.setenv("TRIVY_CACHE_DIR", str(_test_trivy_cache))
