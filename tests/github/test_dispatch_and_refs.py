"""Which commits the action reviews, and fetching them when the checkout lacks them.

GitHub is not reachable here, so "origin" is a local bare repository holding what GitHub would:
the base branch and the pull request's `refs/pull/N/head`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.git import GitRepo
from bot.github.env import ActionError
from bot.github.refs import PullTarget, ensure_commits
from bot.report.markdown import MARKER
from tests.github.conftest import BASE_DOCKERFILE, HEAD_DOCKERFILE
from tests.support.action_run import ActionScenario
from tests.support.fake_github import FakeGitHub, FakePull, pull_commits, pull_files
from tests.support.gitrepo import GitRepoFactory, Repo, git


def github_like_origin(repo: Repo, tmp_path: Path, number: int = 7) -> Path:
    """A bare "origin" with main and refs/pull/N/head, like GitHub's, without the PR branch."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(repo.path), str(origin))
    git(repo.path, "push", "--quiet", str(origin), f"{repo.head}:refs/pull/{number}/head")
    git(origin, "branch", "-D", "pr")
    return origin


def clone(origin: Path, target: Path, *options: str) -> Path:
    git(origin.parent, "clone", "--quiet", *options, f"file://{origin}", str(target))
    return target


def dispatch(github: FakeGitHub, repo: Repo, workspace: Path, home: Path, **inputs: str) -> ActionScenario:
    github.add_pull(
        FakePull(
            7,
            repo.base,
            repo.head,
            pull_files(repo.path, repo.base, repo.head),
            pull_commits(repo.path, repo.base, repo.head),
        )
    )
    home.mkdir(exist_ok=True)
    scenario = ActionScenario(
        repo=Repo(workspace, repo.base, repo.head),
        github=github,
        home=home,
        event_name="workflow_dispatch",
        inputs={f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()},
    )
    scenario.pull = github.pulls[7]
    return scenario


@pytest.fixture
def pr_repo(make_repo: GitRepoFactory) -> Repo:
    return make_repo(base={"Dockerfile": BASE_DOCKERFILE}, head={"Dockerfile": HEAD_DOCKERFILE})


def test_dispatch_with_pr_number_fetches_the_pull_request_and_publishes(
    pr_repo: Repo, github: FakeGitHub, tmp_path: Path
) -> None:
    workspace = clone(github_like_origin(pr_repo, tmp_path), tmp_path / "workspace")
    assert not GitRepo(workspace).has_commit(pr_repo.head)
    action = dispatch(github, pr_repo, workspace, tmp_path / "home", pr_number="7")
    result = action.run()
    assert result.code == 1, result.log
    assert GitRepo(workspace).has_commit(pr_repo.head)
    assert "fetched" in result.log
    assert github.requests("GET")[0].path.endswith("/pulls/7")
    assert len(github.sticky_comments(7, MARKER)) == 1 and github.check_runs[0]["head_sha"] == pr_repo.head


def test_dispatch_without_a_pull_request_writes_the_summary_only(
    pr_repo: Repo, github: FakeGitHub, tmp_path: Path
) -> None:
    action = dispatch(github, pr_repo, pr_repo.path, tmp_path / "home", base_ref="main", head_ref="pr")
    result = action.run()
    assert result.code == 1
    assert github.calls == []
    assert "NO-GO" in result.summary and result.outputs["verdict"] == "fail"
    assert "::error file=Dockerfile,line=1" in result.log


def test_a_push_event_compares_with_the_commit_before(pr_repo: Repo, github: FakeGitHub, tmp_path: Path) -> None:
    action = dispatch(github, pr_repo, pr_repo.path, tmp_path / "home")
    action.event_name = "push"
    event = {"before": pr_repo.base, "after": pr_repo.head}
    action.event = lambda: event  # type: ignore[method-assign]
    result = action.run()
    assert result.code == 1 and github.calls == []
    assert pr_repo.base[:12] in result.summary


def test_a_shallow_checkout_is_deepened_until_base_and_head_meet(make_repo: GitRepoFactory, tmp_path: Path) -> None:
    repo = make_repo(base={"Dockerfile": BASE_DOCKERFILE}, head={"Dockerfile": HEAD_DOCKERFILE})
    git(repo.path, "checkout", "--quiet", "main")
    for n in range(3):
        (repo.path / f"file{n}.txt").write_text(f"{n}\n")
        git(repo.path, "add", "--all")
        git(repo.path, "commit", "--quiet", "-m", f"main {n}")
    base_tip = git(repo.path, "rev-parse", "HEAD")
    origin = github_like_origin(Repo(repo.path, base_tip, repo.head), tmp_path)
    workspace = clone(origin, tmp_path / "shallow", "--depth", "1")
    checkout = GitRepo(workspace)
    assert checkout.is_shallow()
    done = ensure_commits(checkout, PullTarget(7, base_tip, repo.head, "main"))
    assert checkout.has_commit(repo.head) and checkout.merge_base(base_tip, repo.head) == repo.base
    assert any("deepened" in line or "full history" in line for line in done)


def test_commits_nobody_has_are_a_clear_error(pr_repo: Repo, tmp_path: Path) -> None:
    workspace = clone(github_like_origin(pr_repo, tmp_path), tmp_path / "workspace")
    with pytest.raises(ActionError, match=r"could not be fetched .*fetch-depth: 0"):
        ensure_commits(GitRepo(workspace), PullTarget(8, pr_repo.base, "f" * 40, "main"))


def test_pull_request_target_reviews_git_objects_with_the_base_config(
    make_repo: GitRepoFactory, github: FakeGitHub, tmp_path: Path
) -> None:
    """The PR's own config (switching DH101 off) does not count; its code is never built."""
    relaxed = "rules:\n  disable: [DH101, DH102, DH103, DH104, DH105]\n"
    repo = make_repo(
        base={"Dockerfile": BASE_DOCKERFILE},
        head={"Dockerfile": HEAD_DOCKERFILE, ".github/dockhand.yml": relaxed},
    )
    workspace = clone(github_like_origin(repo, tmp_path), tmp_path / "base-checkout")
    action = dispatch(github, repo, workspace, tmp_path / "home", build="true")
    action.event_name = "pull_request_target"
    result = action.run()
    assert result.code == 1, result.log  # DH101 still fails the PR
    body = github.sticky_comments(7, MARKER)[0]["body"]
    assert "started by pull\\_request\\_target" in body and "never runs with a write token" in body
    assert "build/scan: true is ignored under pull_request_target" in result.log


def test_the_head_config_counts_on_pull_request(scenario: object, github: FakeGitHub) -> None:
    from tests.github.conftest import ScenarioFactory

    assert callable(scenario)
    make: ScenarioFactory = scenario
    relaxed = "rules:\n  disable: [DH101]\n"
    action = make(head={"Dockerfile": HEAD_DOCKERFILE, ".github/dockhand.yml": relaxed})
    assert action.run().code == 0
