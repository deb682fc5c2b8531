"""The action's plan/merge modes against the fake GitHub: the plan job's outputs, build jobs that
publish nothing, and one merge job that publishes the one report."""

from __future__ import annotations

import json
import shutil

import pytest

from bot.cli import main
from bot.report.markdown import MARKER
from tests.github.conftest import ScenarioFactory
from tests.support.action_run import ActionScenario, RunResult
from tests.support.fake_github import TOKEN, FakeGitHub


def build_job(action: ActionScenario, only: str, folder: str) -> RunResult:
    """A matrix job: review with `only`, then upload its review.json (here: copy it aside)."""
    result = action.run(INPUT_ONLY=only)
    artifact = action.home / "artifacts" / folder
    artifact.mkdir(parents=True)
    shutil.copy(action.repo.path / result.outputs["json-path"], artifact / "review.json")
    return result


def test_plan_outputs_the_matrix_and_writes_nothing_to_github(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    result = action.run(INPUT_MODE="plan")
    assert result.code == 0, result.log
    planned = json.loads(result.outputs["matrix"])["include"]
    assert [entry["name"] for entry in planned] == ["Dockerfile"] and result.outputs["count"] == "1"
    assert "## dockhand plan" in result.summary and planned[0]["image"] in result.summary
    assert github.requests("POST") == [] and github.requests("PATCH") == []


def test_build_jobs_publish_nothing_and_the_merge_publishes_once(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    image = json.loads(action.run(INPUT_MODE="plan").outputs["matrix"])["include"][0]["image"]
    first = build_job(action, image, "dockhand-review-0")
    second = build_job(action, "none", "dockhand-review-1")
    assert (first.code, second.code) == (0, 0), first.log  # the verdict (fail) is the merge job's to draw
    assert "the merge job, which publishes" in first.log and "::error file=" not in first.log
    assert github.requests("POST") == [] and github.check_runs == []

    merged = action.run(INPUT_MODE="merge", INPUT_REVIEWS=str(action.home / "artifacts" / "*" / "review.json"))
    assert merged.code == 1, merged.log  # the policy of the merged review
    assert "merged 2 review(s): fail" in merged.log
    [comment] = github.sticky_comments(7, MARKER)
    assert comment["body"].count("DH101") >= 1
    assert len(github.reviews[7]) == 1 and len(github.check_runs) == 1
    assert merged.outputs["verdict"] == "fail" and "NO-GO" in merged.summary
    review = json.loads((action.repo.path / merged.outputs["json-path"]).read_text(encoding="utf-8"))
    rules = [f["rule"] for f in review["findings"]]
    assert len(rules) == len(
        json.loads((action.home / "artifacts/dockhand-review-0/review.json").read_text())["findings"]
    )


def test_a_job_that_left_no_review_is_named_in_the_published_report_and_exits_2(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    build_job(action, "none", "dockhand-review-0")
    planned = {"include": [{"image": "none", "name": "no image"}, {"image": "0123456789ab", "name": "api/Dockerfile"}]}
    merged = action.run(
        INPUT_MODE="merge",
        INPUT_REVIEWS="artifacts-missing/*.json " + str(action.home / "artifacts" / "*" / "review.json"),
        INPUT_MATRIX=json.dumps(planned),
    )
    assert merged.code == 2
    assert "::error::no review of api/Dockerfile: its matrix job left none" in merged.log
    [comment] = github.sticky_comments(7, MARKER)
    assert "no review of api/Dockerfile" in comment["body"]
    assert len(github.check_runs) == 1  # what did finish is published


def test_a_review_of_another_commit_is_left_out(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    build_job(action, "none", "dockhand-review-0")
    stale = json.loads((action.home / "artifacts/dockhand-review-0/review.json").read_text(encoding="utf-8"))
    stale["head"] = "f" * 40
    (action.home / "artifacts/old").mkdir()
    (action.home / "artifacts/old/review.json").write_text(json.dumps(stale), encoding="utf-8")
    merged = action.run(INPUT_MODE="merge", INPUT_REVIEWS=str(action.home / "artifacts" / "*" / "review.json"))
    assert merged.code == 2
    assert f"a review of {'f' * 12} is not of the head {action.repo.head[:12]}: left out" in merged.log
    assert len(github.sticky_comments(7, MARKER)) == 1


def test_merge_without_any_review_is_an_error(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    merged = action.run(INPUT_MODE="merge", INPUT_REVIEWS="nothing-here/*.json")
    assert merged.code == 2
    assert "nothing to merge" in merged.log
    assert github.requests("POST") == []


def test_the_merge_command_publishes_inside_github_actions(
    scenario: ScenarioFactory, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    action = scenario()
    build_job(action, "none", "dockhand-review-0")
    for name, value in action.environ().items():
        if not name.startswith("INPUT_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    code = main(["merge", str(action.home / "artifacts" / "dockhand-review-0" / "review.json")])
    assert code == 1, capsys.readouterr().out  # the merged review's policy
    assert len(github.sticky_comments(7, MARKER)) == 1 and len(github.check_runs) == 1
