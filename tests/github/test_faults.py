"""GitHub failing under the action: 5xx, lost responses, rate limits, 422, timeouts.

Whatever GitHub does, nothing is posted twice, no finding is lost, and the exit code says what
happened. Retries wait on a fake clock: these tests never sleep (except the timeout test, which
waits for the client's 1-second read timeout).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.github.bodies import inline_marker
from bot.report.markdown import MARKER
from tests.github.conftest import ScenarioFactory
from tests.support.fake_github import FakeGitHub

ISSUE_COMMENTS = r"/issues/7/comments$"
REVIEWS = r"/pulls/7/reviews$"
CHECK_RUNS = r"/check-runs$"


def inline_fingerprints(github: FakeGitHub) -> Counter[str]:
    markers = (inline_marker(c["body"]) for c in github.review_comments[7])
    return Counter(m.fingerprint for m in markers if m is not None and not m.resolved)


def assert_published_once(github: FakeGitHub) -> None:
    assert len(github.sticky_comments(7, MARKER)) == 1
    assert len(github.reviews[7]) == 1
    fingerprints = inline_fingerprints(github)
    assert len(fingerprints) == 5 and set(fingerprints.values()) == {1}
    assert len(github.check_runs) == 1


def test_5xx_then_success(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    github.inject("POST", ISSUE_COMMENTS, "error", status=500)
    github.inject("POST", REVIEWS, "error", status=502, times=2)
    github.inject("GET", r"/pulls/7/comments$", "error", status=503)
    github.inject("POST", CHECK_RUNS, "error", status=502)
    result = action.run()
    assert result.code == 1, result.log  # the policy, as without faults
    assert_published_once(github)
    assert action.clock.slept == [1.0, 1.0, 2.0, 1.0, 1.0]
    assert "retrying in" in result.log


def test_a_lost_response_after_the_write_is_not_posted_again(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    github.inject("POST", ISSUE_COMMENTS, "error_after", status=502)
    github.inject("POST", REVIEWS, "error_after", status=502)
    github.inject("POST", CHECK_RUNS, "error_after", status=504)
    result = action.run()
    assert result.code == 1, result.log
    assert_published_once(github)
    assert len(github.requests("POST", "/issues/7/comments")) == 1
    assert len(github.requests("POST", "/reviews")) == 1
    assert len(github.requests("GET", "/check-runs")) == 1  # looked for the check run before creating another


def test_secondary_rate_limit_waits_for_retry_after(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    github.inject("POST", REVIEWS, "rate_limit", retry_after=7)
    github.inject("POST", ISSUE_COMMENTS, "rate_limit", status=429, retry_after=11)
    result = action.run()
    assert result.code == 1
    assert_published_once(github)
    assert action.clock.slept == [7.0, 11.0]


def test_a_422_moves_the_rejected_comments_to_the_report_comment(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    """GitHub's diff differs from git's here: line 1 is not in GitHub's hunk."""
    action = scenario()
    assert action.pull is not None
    entry = action.pull.files[0]
    header, *rest = entry["patch"].split("\n")
    assert header.startswith("@@ -1,4 +1,4 @@")
    entry["patch"] = "\n".join(["@@ -2,3 +2,3 @@", *rest[1:]])  # GitHub's hunk starts one line later
    result = action.run()
    assert result.code == 1
    reviews = github.requests("POST", "/reviews")
    assert [r.status for r in reviews] == [422, 200]
    assert len(reviews[0].body["comments"]) == 5 and len(reviews[1].body["comments"]) == 4
    assert len(github.requests("GET", "/pulls/7/files")) == 1
    [review] = github.reviews[7]
    body = github.sticky_comments(7, MARKER)[0]["body"]
    assert "### Not commented inline" in body
    assert "`Dockerfile:1`" in body and "GitHub did not accept a comment on this line" in body
    # nothing lost: each finding of the change is inline or in the comment's list
    assert sum(inline_fingerprints(github).values()) + body.count("GitHub did not accept") == 5
    assert len(github.review_comments[7]) == 4 and review["id"]


def test_a_timeout_after_the_write_is_not_posted_again(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario(timeout=1)
    github.inject("POST", ISSUE_COMMENTS, "timeout", hold=5.0)
    result = action.run()
    assert result.code == 1, result.log
    assert len(github.sticky_comments(7, MARKER)) == 1
    assert "no response in time" in result.log


def test_github_down_until_the_deadline_exits_2_and_keeps_the_report(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    github.inject("POST", ISSUE_COMMENTS, "error", status=502, times=100)
    result = action.run()
    assert result.code == 2
    assert "report comment: update the report comment: GitHub still failing after 6 attempt(s)" in result.log
    assert github.sticky_comments(7, MARKER) == []
    assert len(github.reviews[7]) == 1 and len(github.check_runs) == 1  # the other steps still ran
    assert result.outputs["verdict"] == "fail" and "NO-GO" in result.summary
    assert len(github.requests("POST", "/issues/7/comments")) == 6
    assert sum(action.clock.slept) <= 600


def test_a_rate_limit_longer_than_the_deadline_gives_up_at_once(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    github.inject("POST", REVIEWS, "rate_limit", retry_after=3600)
    result = action.run()
    assert result.code == 2
    assert action.clock.slept == []
    assert len(github.sticky_comments(7, MARKER)) == 1  # the comment still went out


def test_a_read_only_token_fails_nothing(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    from tests.support.fake_github import READ_ONLY_TOKEN

    action = scenario(fork="someone/octo-repo", inputs={"INPUT_GITHUB-TOKEN": READ_ONLY_TOKEN})
    result = action.run()
    assert result.code == 1  # the policy, not the token
    assert github.issue_comments[7] == [] and github.reviews[7] == [] and github.check_runs == []
    assert len(github.requests("POST")) == 1  # the first refused write stops the others
    assert "::warning::the token may not write to this pull request" in result.log
    assert "dockhand publish --from review.json" in result.log
    assert "::error file=Dockerfile,line=1,endLine=1,title=dockhand DH101 (high)::" in result.log
    assert "::warning file=Dockerfile,line=4" in result.log
    assert "NO-GO" in result.summary and result.outputs["json-path"] == "dockhand-report/review.json"
    assert "pull request from the fork someone/octo-repo" in result.summary


def test_when_the_review_cannot_be_posted_the_comment_lists_its_findings(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    github.inject("POST", REVIEWS, "error", status=502, times=100)
    result = action.run()
    assert result.code == 2 and github.reviews[7] == []
    body = github.sticky_comments(7, MARKER)[0]["body"]
    assert body.count("the inline review could not be posted") == 5
    assert "0 findings of this change are commented inline" in body


def test_a_5xx_storm_on_every_endpoint_still_publishes_everything_once(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    """Every kind of request fails several times over (reads and writes, 500/502/503/504)."""
    action = scenario()
    for method, status in (("GET", 503), ("POST", 502), ("PATCH", 500), ("PUT", 504)):
        github.inject(method, r".", "error", status=status, times=3)
    result = action.run()
    assert result.code == 1, result.log  # the policy: every step got through in the end
    assert_published_once(github)
    assert result.log.count("retrying in") >= 6
    assert sum(action.clock.slept) <= 600


def test_github_down_for_the_whole_run_exits_2_with_the_summary_and_files_written(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    for method in ("GET", "POST", "PATCH", "PUT"):
        github.inject(method, r".", "error", status=502, times=10_000)
    result = action.run()
    assert result.code == 2
    for step in ("inline review", "report comment", "check"):  # each step tried on its own, and said so
        assert f"::error::{step}: " in result.log and f"- failed: {step}: " in result.summary
    assert github.issue_comments[7] == [] and github.reviews[7] == [] and github.check_runs == []
    assert "NO-GO" in result.summary
    assert result.outputs["verdict"] == "fail"
    assert (action.repo.path / result.outputs["json-path"]).exists()
    assert "::error file=Dockerfile,line=1" in result.log  # the findings reach the log as annotations


def test_a_full_disk_for_the_report_files_still_publishes_and_exits_2(
    scenario: ScenarioFactory, github: FakeGitHub, full_disk: Callable[..., Path]
) -> None:
    action = scenario()
    full_disk(action.repo.path / "dockhand-report")
    result = action.run()
    assert result.code == 2
    assert "cannot write" in result.log and "No space left on device" in result.log
    assert len(github.sticky_comments(7, MARKER)) == 1 and len(github.check_runs) == 1
    assert "json-path" not in result.outputs and result.outputs["verdict"] == "fail"
    assert "NO-GO" in result.summary


def test_a_full_disk_for_the_job_summary_still_publishes_and_exits_2(
    scenario: ScenarioFactory, github: FakeGitHub, full_disk: Callable[..., Path]
) -> None:
    action = scenario()
    summary = full_disk() / "summary.md"
    result = action.run(GITHUB_STEP_SUMMARY=str(summary))
    assert result.code == 2
    assert f"cannot write {summary}: No space left on device" in result.log
    assert len(github.sticky_comments(7, MARKER)) == 1 and len(github.reviews[7]) == 1


def test_trivy_killed_mid_scan_publishes_what_finished_and_exits_2(
    scenario: ScenarioFactory, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.scan.trivy import find_trivy
    from tests.scan.test_faults import killing_trivy

    real = find_trivy()
    if real is None:
        pytest.skip("trivy is not installed")
    monkeypatch.setenv("DOCKHAND_TRIVY", str(killing_trivy(tmp_path / "bin", real, kill_on=2)))
    action = scenario(
        base={"Dockerfile": "FROM debian:12\nUSER 1000\n", "requirements.txt": "requests==2.32.4\n"},
        head={"Dockerfile": "FROM debian:12\nUSER 1000\n", "requirements.txt": "requests==2.19.0\n"},
        inputs={"INPUT_SCAN": "auto", "INPUT_OFFLINE": "true"},
    )
    result = action.run()
    assert result.code == 2, result.log
    assert (
        "::error::review incomplete: Vulnerabilities: head dependency files not scanned: trivy fs was killed"
        in result.log
    )
    [comment] = github.sticky_comments(7, MARKER)
    assert "was killed (SIGKILL) before it finished" in comment["body"]
    assert len(github.check_runs) == 1 and "DH401" in comment["body"]  # the rest of the review is published
