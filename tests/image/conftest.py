"""Image tests: real git repositories reviewed with a real Docker engine, nothing mocked."""

from __future__ import annotations

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
