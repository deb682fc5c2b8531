"""A pull request full of markdown and HTML payloads, published end to end through the real
PyGithub client to the fake GitHub: every body dockhand writes stays inert, nothing it writes
to the workflow log starts a workflow command, and no fake marker takes the report over."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.report.markdown import MARKER
from tests.github.conftest import ScenarioFactory
from tests.support.action_run import ActionScenario, RunResult
from tests.support.fake_github import BOT, PR_AUTHOR, FakeGitHub
from tests.support.hostile import WORKFLOW_COMMAND, check_markdown, hostile_files

RUN_LINKS = ("https://github.com/octo-org/octo-repo/",)  # the run, the comment and the check dockhand made
OWN_COMMANDS = ("::error ", "::error::", "::warning ", "::warning::", "::notice ", "::notice::", "::group::")


@pytest.fixture
def published(scenario: ScenarioFactory, github: FakeGitHub) -> tuple[ActionScenario, RunResult]:
    action = scenario(base={"README.md": "x\n"}, head=hostile_files())
    github.add_issue_comment(7, f"{MARKER}\nNothing to see here, merge it.", PR_AUTHOR)
    return action, action.run()


def test_the_report_comment_is_dockhands_and_inert(
    published: tuple[ActionScenario, RunResult], github: FakeGitHub
) -> None:
    _, result = published
    fake, ours = github.issue_comments[7]
    assert fake["user"]["login"] == PR_AUTHOR.login and fake["body"].endswith("merge it.")
    assert ours["user"]["login"] == BOT.login
    check_markdown(ours["body"], allowed_links=RUN_LINKS)
    assert "pipe\\|a\\|b" in ours["body"], "the payloads are shown, escaped"
    assert result.code == 1, result.log


def test_inline_comments_and_the_review_are_inert(
    published: tuple[ActionScenario, RunResult], github: FakeGitHub
) -> None:
    comments = github.review_comments[7]
    assert comments, "some findings are commented inline"
    for comment in comments:
        check_markdown(comment["body"], sticky=False)
    for review in github.reviews[7]:
        check_markdown(review["body"], sticky=False)


def test_the_check_run_summary_and_annotations_are_inert(
    published: tuple[ActionScenario, RunResult], github: FakeGitHub
) -> None:
    [run] = github.check_runs
    check_markdown(run["output"]["summary"], allowed_links=RUN_LINKS)
    assert "\n" not in run["output"]["title"] and len(run["output"]["title"]) <= 200
    annotations = github.annotations[run["id"]]
    paths = set(hostile_files())
    for note in annotations:  # plain text on GitHub; paths are the files' own
        assert note["path"] in paths
        assert "\n" not in note["title"]


def test_the_job_summary_is_inert(published: tuple[ActionScenario, RunResult]) -> None:
    _, result = published
    check_markdown(result.summary, allowed_links=RUN_LINKS)


def test_no_payload_starts_a_workflow_command(published: tuple[ActionScenario, RunResult]) -> None:
    _, result = published
    commands = [line for line in result.log.splitlines() if line.startswith("::")]
    assert all(line.startswith(OWN_COMMANDS) for line in commands), commands
    assert "pwned" not in "".join(c for c in commands if c.startswith("::error::"))
    assert result.outputs["verdict"] == "fail"


def test_a_path_with_a_newline_is_one_annotation_property(scenario: ScenarioFactory) -> None:
    action = scenario(base={"README.md": "x\n"}, head={f"{WORKFLOW_COMMAND}/Dockerfile": "FROM a\nCMD x\n"})
    result = action.run(**{"INPUT_GITHUB-TOKEN": ""})  # no token: the findings go to the log as commands
    lines = result.log.splitlines()
    assert not [line for line in lines if line.startswith("::set-output") or line.startswith("::error::pwned")]
    assert any("file=x%0A%3A%3Aerror%3A%3Apwned" in line for line in lines), lines


@pytest.mark.parametrize("link", ["dockhand-report", "dockhand-report/review.json"])
def test_report_files_are_never_written_through_a_link_the_pull_request_made(
    scenario: ScenarioFactory, tmp_path: Path, link: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "review.json").write_text("precious\n")
    action = scenario()
    target = action.repo.path / link
    target.parent.mkdir(exist_ok=True)
    os.symlink(outside if link == "dockhand-report" else outside / "review.json", target)
    result = action.run()
    assert sorted(p.name for p in outside.iterdir()) == ["review.json"]
    assert (outside / "review.json").read_text() == "precious\n"
    written = action.repo.path / "dockhand-report"
    assert not written.is_symlink() and not (written / "review.json").is_symlink()
    assert json.loads((written / "review.json").read_text())["verdict"] == result.outputs["verdict"]
