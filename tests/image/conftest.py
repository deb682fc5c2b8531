"""Image tests: real git repositories reviewed with a real Docker engine, nothing mocked."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.catalog import rule_codes
from bot.changes import build_changeset, resolve_range
from bot.config import Config, parse_config
from bot.git import GitRepo
from bot.model import Review, Section
from bot.options import ReviewOptions
from bot.pipeline import run_review
from tests.support.docker import DockerEngine
from tests.support.gitrepo import Repo

ReviewFn = Callable[..., Review]


@pytest.fixture(autouse=True)
def layer_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test measures into its own cache directory (never the user's ~/.cache)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(cache))
    return cache


def review_repo(repo: Repo, config: str | None = None, **options: object) -> Review:
    git = GitRepo.open(repo.path)
    changes = build_changeset(git, resolve_range(git, repo.base, repo.head))
    parsed = parse_config(config, ".dockhand.yml", rule_codes()) if config else Config()
    return run_review(changes, parsed, ReviewOptions(scan=False, **options))  # type: ignore[arg-type]


def image_section(review: Review) -> Section:
    return next(section for section in review.sections if section.key == "image")


@pytest.fixture
def docker_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_engine: DockerEngine
) -> Callable[[], list[str]]:
    """Every docker command line run from now on, in order."""
    real = shutil.which("docker")
    assert real is not None
    log = tmp_path / "docker-calls.log"
    log.touch()
    shim = tmp_path / "shim" / "docker"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return lambda: log.read_text().splitlines()
