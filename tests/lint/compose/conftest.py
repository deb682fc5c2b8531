from __future__ import annotations

import pytest

from tests.support.composelint import ComposeFactory, compose_factory
from tests.support.gitrepo import GitRepoFactory


@pytest.fixture
def compose(make_repo: GitRepoFactory) -> ComposeFactory:
    """`compose(text, files={...}, path="compose.yaml")` -> a ComposeCase in a real repository."""
    return compose_factory(make_repo)
