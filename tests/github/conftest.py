"""The fake GitHub server and pull request scenarios for the action's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.action_run import ActionScenario
from tests.support.fake_github import FakeGitHub
from tests.support.gitrepo import FileContent, GitRepoFactory

BASE_DOCKERFILE = """\
FROM python:3.12-slim
RUN useradd --uid 1000 app
USER app
CMD ["python", "app.py"]
"""

HEAD_DOCKERFILE = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y curl
RUN pip install requests
CMD python app.py
"""

ScenarioFactory = Callable[..., ActionScenario]


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """The fake GitHub; any request GitHub would reject, or contract breach, fails the test."""
    fake = FakeGitHub()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.violations, "\n".join(fake.violations)


@pytest.fixture
def scenario(make_repo: GitRepoFactory, github: FakeGitHub, tmp_path: Path) -> ScenarioFactory:
    """`scenario(base={...}, head={...})`: a real repository with a pull request open on the fake GitHub."""

    def make(
        base: dict[str, FileContent] | None = None,
        head: dict[str, FileContent] | None = None,
        fork: str | None = None,
        **options: object,
    ) -> ActionScenario:
        repo = make_repo(
            base={"Dockerfile": BASE_DOCKERFILE, "app.py": "print('hi')\n"} if base is None else base,
            head={"Dockerfile": HEAD_DOCKERFILE, "app.py": "print('hi')\n"} if head is None else head,
        )
        home = tmp_path / f"home{len(list(tmp_path.glob('home*')))}"
        home.mkdir()
        action = ActionScenario(repo=repo, github=github, home=home, **options)  # type: ignore[arg-type]
        action.open_pull(fork)
        return action

    return make
