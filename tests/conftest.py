"""Shared fixtures: real temporary git repositories (no mocks of git)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.docker import DockerEngine, DockerUnavailable, engine_session
from tests.support.gitrepo import GitRepoFactory


@pytest.fixture
def make_repo(tmp_path: Path) -> GitRepoFactory:
    """`make_repo(base={path: text}, head={path: text})` -> a repository with two commits."""
    return GitRepoFactory(tmp_path)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[DockerEngine]:
    """A real Docker engine for the session (DOCKER_HOST, else a private dockerd), exported as
    DOCKER_HOST while the tests run. Skips when there is none, except in CI (CI=true): fails."""
    try:
        with engine_session() as engine:
            previous = os.environ.get("DOCKER_HOST")
            os.environ["DOCKER_HOST"] = engine.host
            try:
                yield engine
            finally:
                if previous is None:
                    os.environ.pop("DOCKER_HOST", None)
                else:
                    os.environ["DOCKER_HOST"] = previous
    except DockerUnavailable as reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the docker tests: {reason}")
        pytest.skip(f"no Docker engine: {reason}")


@pytest.fixture
def busybox_image(docker_engine: DockerEngine) -> Callable[..., str]:
    """`busybox_image({path: content}, tag=None)` -> the tag of an imported busybox image."""
    return docker_engine.busybox_image


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """`full_disk(path=None)`: a directory on a real, full filesystem (a 64 KiB tmpfs mounted
    there and filled): writes fail with ENOSPC. Unmounted after the test. Skips where mounting
    is not allowed (not root, no tmpfs), except in CI."""
    from tests.support.diskfull import FullDiskUnavailable, full_tmpfs

    mounted: list[Path] = []
    with contextlib.ExitStack() as stack:

        def mount(path: Path | None = None) -> Path:
            try:
                mounted.append(stack.enter_context(full_tmpfs(path or tmp_path / f"full{len(mounted)}")))
                return mounted[-1]
            except FullDiskUnavailable as reason:
                if os.environ.get("CI", "").lower() == "true":
                    pytest.fail(f"CI must run the full-disk tests: {reason}")
                pytest.skip(f"no full disk to test with: {reason}")

        yield mount


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
