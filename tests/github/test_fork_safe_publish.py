"""The fork-safe pair: a read-only `pull_request` job writes review.json, a `workflow_run` job
publishes it with `dockhand publish --from review.json`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.github.fork import run_publish
from bot.report.markdown import MARKER
from tests.github.conftest import ScenarioFactory
from tests.support.action_run import ActionScenario, read_outputs
from tests.support.fake_github import READ_ONLY_TOKEN, TOKEN, FakeGitHub

REPO_ROOT = Path(__file__).resolve().parents[2]


def fork_review(scenario: ScenarioFactory) -> tuple[ActionScenario, Path]:
    action = scenario(fork="someone/octo-repo", inputs={"INPUT_GITHUB-TOKEN": READ_ONLY_TOKEN})
    result = action.run()
    return action, action.repo.path / result.outputs["json-path"]


def workflow_run_env(action: ActionScenario, tmp_path: Path, pull_requests: list[dict[str, Any]]) -> dict[str, str]:
    event = {
        "action": "completed",
        "workflow_run": {"head_sha": action.repo.head, "event": "pull_request", "pull_requests": pull_requests},
    }
    (tmp_path / "workflow_run.json").write_text(json.dumps(event))
    return {
        "GITHUB_EVENT_NAME": "workflow_run",
        "GITHUB_EVENT_PATH": str(tmp_path / "workflow_run.json"),
        "GITHUB_REPOSITORY": action.github.repository,
        "GITHUB_API_URL": action.github.url,
        "GITHUB_RUN_ID": "4242",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "publish-summary.md"),
        "GITHUB_TOKEN": TOKEN,
    }


def publish(action: ActionScenario, environ: dict[str, str], report: Path, pr: int | None = None) -> tuple[int, str]:
    stdout = io.StringIO()
    code = run_publish(environ, report, pr, action.runtime(stdout))
    return code, stdout.getvalue()


def test_the_workflow_run_job_publishes_what_the_fork_job_found(
    scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path
) -> None:
    action, report = fork_review(scenario)
    assert github.issue_comments[7] == []
    writes_before = len(github.requests("POST"))
    code, log = publish(action, workflow_run_env(action, tmp_path, []), report)
    assert code == 0, log
    assert len(github.sticky_comments(7, MARKER)) == 1 and "NO-GO" in github.issue_comments[7][0]["body"]
    assert len(github.review_comments[7]) == 5 and github.check_runs[0]["conclusion"] == "failure"
    assert len(github.requests("POST")) - writes_before == 3
    assert len(github.requests("GET", "/commits/")) == 1  # the fork's PR found by its head commit
    assert len(github.requests("GET", "/pulls/7/files")) == 1  # the diff's hunks from GitHub: no checkout here
    assert "published the review of" in log
    assert "NO-GO" in Path(tmp_path / "publish-summary.md").read_text()
    # publishing again (a re-run) changes nothing
    code, _ = publish(action, workflow_run_env(action, tmp_path, []), report)
    assert code == 0 and len(github.issue_comments[7]) == 1 and len(github.review_comments[7]) == 5


def test_the_pull_request_comes_from_the_event_when_it_names_it(
    scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path
) -> None:
    action, report = fork_review(scenario)
    pulls = [{"number": 7, "head": {"sha": action.repo.head}}]
    code, _ = publish(action, workflow_run_env(action, tmp_path, pulls), report)
    assert code == 0
    assert github.requests("GET", "/commits/") == []


def test_a_report_about_another_commit_is_refused(
    scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path
) -> None:
    action, report = fork_review(scenario)
    data = json.loads(report.read_text())
    data["head"] = "0" * 40
    report.write_text(json.dumps(data))
    code, log = publish(action, workflow_run_env(action, tmp_path, []), report)
    assert code == 2 and "not publishing it" in log
    assert github.issue_comments[7] == [] and github.check_runs == []


def test_an_explicit_pr_number_must_have_the_report_s_head(
    scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path
) -> None:
    action, report = fork_review(scenario)
    environ = workflow_run_env(action, tmp_path, [])
    environ["GITHUB_EVENT_NAME"] = "workflow_dispatch"
    assert publish(action, environ, report, pr=7)[0] == 0
    action.push({"README.md": "newer\n"})
    code, log = publish(action, environ, report, pr=7)
    assert code == 2 and "pull request #7's head" in log


def test_untrusted_report_content_is_rendered_inert(
    scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path
) -> None:
    action, report = fork_review(scenario)
    data = json.loads(report.read_text())
    finding = data["findings"][0]
    finding["message"] = "<img src=x onerror=alert(1)> @org/admins see [here](https://evil.example) | x"
    finding["docs"] = "https://evil.example/phish"
    report.write_text(json.dumps(data))
    code, _ = publish(action, workflow_run_env(action, tmp_path, []), report)
    assert code == 0
    body = github.issue_comments[7][0]["body"]
    assert "evil.example/phish" not in body and "<img" not in body and "@org" not in body
    assert "https://evil.example" not in body


def test_a_broken_report_is_a_clear_error(scenario: ScenarioFactory, tmp_path: Path) -> None:
    action, report = fork_review(scenario)
    report.write_text('{"version": 99}')
    code, log = publish(action, workflow_run_env(action, tmp_path, []), report)
    assert code == 2 and "unsupported report version 99" in log


def test_the_commands_run_from_the_command_line(scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path) -> None:
    """`dockhand action` and `dockhand publish` as the container and the workflow_run job run them."""
    action = scenario(fork="someone/octo-repo", inputs={"INPUT_GITHUB-TOKEN": READ_ONLY_TOKEN})
    environ = {**os.environ, **action.environ(), "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "action"], env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr
    outputs = read_outputs(Path(environ["GITHUB_OUTPUT"]))
    report = action.repo.path / outputs["json-path"]
    environ = {**os.environ, **workflow_run_env(action, tmp_path, []), "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "publish", "--from", str(report)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(github.sticky_comments(7, MARKER)) == 1
