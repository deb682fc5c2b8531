"""Image tests: real git repositories reviewed with a real Docker engine, nothing mocked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from tests.support.engine_proxy import engine_proxy
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
def engine_requests(monkeypatch: pytest.MonkeyPatch, docker_engine: DockerEngine) -> Iterator[Callable[[], list[str]]]:
    """Every request that reaches the engine from now on (`GET /images/get?names=...`), in order:
    from the docker client or on the engine's socket alike."""
    with engine_proxy(docker_engine.host) as proxy:
        monkeypatch.setenv("DOCKER_HOST", proxy.host)
        yield proxy.requests


def saved_images(requests: list[str]) -> list[str]:
    """The images `docker image save` was asked for."""
    return [request.removeprefix(SAVE) for request in requests if request.startswith(SAVE)]


SAVE = "GET /images/get?names="
