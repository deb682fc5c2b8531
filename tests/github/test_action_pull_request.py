"""`dockhand action` on a pull_request event, end to end: real git, real PyGithub, fake GitHub."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.github.bodies import inline_marker
from bot.report.markdown import MARKER
from tests.github.conftest import BASE_DOCKERFILE, HEAD_DOCKERFILE, ScenarioFactory
from tests.support.fake_github import BOT, PR_AUTHOR, FakeGitHub

GOOD_DOCKERFILE = """\
FROM python:3.12-slim
RUN useradd --uid 1000 app
USER app
CMD ["python", "app.py"]
"""


def live_fingerprints(github: FakeGitHub, number: int = 7) -> list[str]:
    markers = [inline_marker(c["body"]) for c in github.review_comments[number] if c["user"]["login"] == BOT.login]
    return [m.fingerprint for m in markers if m is not None and not m.resolved]


def test_a_typical_pull_request_gets_one_comment_one_review_and_a_check(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    result = action.run()

    assert result.code == 1, result.log  # a high finding in the change: the policy fails the step
    [comment] = github.issue_comments[7]
    assert comment["body"].startswith(MARKER) and comment["user"]["login"] == BOT.login
    assert "NO-GO" in comment["body"] and "DH101" in comment["body"]

    [review] = github.reviews[7]
    assert review["state"] == "COMMENTED" and review["commit_id"] == action.repo.head
    inline = github.review_comments[7]
    assert sorted(c["line"] for c in inline) == [1, 2, 2, 3, 4]
    assert all(c["side"] == "RIGHT" and c["pull_request_review_id"] == review["id"] for c in inline)
    with_suggestion = [c for c in inline if "```suggestion" in c["body"]]
    assert {c["line"] for c in with_suggestion} == {2, 3, 4}
    cmd = next(c for c in inline if c["line"] == 4)
    assert '```suggestion\nCMD ["python", "app.py"]\n```' in cmd["body"]

    [run] = github.check_runs
    assert run["name"] == "dockhand" and run["head_sha"] == action.repo.head
    assert run["conclusion"] == "failure" and run["output"]["title"].startswith("NO-GO")
    assert run["output"]["summary"].startswith(MARKER)
    assert len(github.annotations[run["id"]]) == 5
    assert {a["annotation_level"] for a in github.annotations[run["id"]]} == {"failure", "warning"}

    assert len(github.calls) <= 6
    assert result.outputs["verdict"] == "fail"
    assert (result.outputs["high"], result.outputs["medium"], result.outputs["low"]) == ("1", "1", "3")
    assert result.outputs["size-delta-bytes"] == "0" and result.outputs["new-vulnerabilities"] == "0"
    report = Path(action.repo.path, result.outputs["json-path"])
    assert json.loads(report.read_text())["verdict"] == "fail"
    assert Path(action.repo.path, result.outputs["sarif-path"]).exists()
    assert "NO-GO" in result.summary and "check run 'dockhand'" in result.summary
    assert "::error" not in result.log  # the check run carries the annotations


def test_the_report_files_are_ignored_by_git(scenario: ScenarioFactory) -> None:
    action = scenario()
    action.run()
    assert action.repo.git("status", "--porcelain") == ""


def test_a_clean_change_passes_with_a_successful_check_and_no_review(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario(head={"Dockerfile": GOOD_DOCKERFILE.replace("app.py", "main.py"), "app.py": "print('hi')\n"})
    result = action.run()
    assert result.code == 0
    assert github.reviews[7] == []
    assert github.check_runs[0]["conclusion"] == "success"
    assert github.check_runs[0]["output"]["title"].startswith("GO")
    assert result.outputs["verdict"] == "pass"


def test_warnings_give_a_neutral_check_and_exit_code_zero(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    head = GOOD_DOCKERFILE.replace("USER app", "RUN pip install flask\nUSER app")
    action = scenario(head={"Dockerfile": head, "app.py": "print('hi')\n"})
    result = action.run()
    assert result.code == 0
    assert github.check_runs[0]["conclusion"] == "neutral"
    assert result.outputs["verdict"] == "warn"


def test_fail_on_input_changes_the_policy(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    head = GOOD_DOCKERFILE.replace("USER app", "RUN pip install flask\nUSER app")
    action = scenario(head={"Dockerfile": head, "app.py": "print('hi')\n"}, inputs={"INPUT_FAIL-ON": "low"})
    assert action.run().code == 1
    assert github.check_runs[0]["conclusion"] == "failure"


def test_a_multi_line_suggestion_spans_its_lines_with_start_line(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    run = "RUN apt-get update && apt-get install -y curl \\\n    && apt-get install -y wget\n"
    head = f"FROM python:3.12-slim\n{run}USER app\n"
    scenario(head={"Dockerfile": head}).run()
    comment = next(c for c in github.review_comments[7] if "```suggestion" in c["body"])
    assert (comment["start_line"], comment["line"], comment["start_side"]) == (2, 3, "RIGHT")
    suggested = comment["body"].split("```suggestion\n")[1].split("```")[0]
    assert suggested.count("--no-install-recommends") == 2  # one fix on each line


def test_a_suggestion_spans_only_the_lines_it_changes(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    head = "FROM python:3.12-slim\nRUN apt-get update \\\n    && apt-get install -y curl\nUSER app\n"
    scenario(head={"Dockerfile": head}).run()
    comment = next(c for c in github.review_comments[7] if "```suggestion" in c["body"])
    assert (comment.get("start_line"), comment["line"]) == (None, 3)  # the RUN is lines 2-3; line 2 stays
    suggested = comment["body"].split("```suggestion\n")[1].split("```")[0]
    assert suggested.startswith("    && apt-get install --no-install-recommends -y curl")


def test_findings_outside_the_diff_hunks_are_listed_in_the_comment(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    filler = "".join(f"ENV VAR{n}={n}\n" for n in range(10))
    base = {"Dockerfile": f'FROM python:3.12-slim\n{filler}CMD ["python", "app.py"]\n'}
    head = {"Dockerfile": f"FROM python:3.12-slim\n{filler}CMD python app.py\n"}
    result = scenario(base=base, head=head).run()
    assert result.code == 0  # DH101 is pre-existing (the base had no USER either)
    inline_lines = [c["line"] for c in github.review_comments[7]]
    assert inline_lines == [12]  # the CMD; line 1 (FROM) is 8 lines away from the change
    body = github.issue_comments[7][0]["body"]
    assert "Not commented inline" not in body  # DH101 is pre-existing: only in the report's table
    assert "DH101" in body


def test_a_new_finding_away_from_the_diff_is_kept_in_the_comment(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    filler = "".join(f"ENV VAR{n}={n}\n" for n in range(10))
    base = {"Dockerfile": f'FROM python:3.12-slim\n{filler}USER app\nCMD ["python"]\n'}
    head = {"Dockerfile": f'FROM python:3.12-slim\n{filler}CMD ["python"]\n'}
    result = scenario(base=base, head=head).run()
    assert result.code == 1  # the PR removed USER: DH101 is new, on the FROM line, far from the change
    body = github.issue_comments[7][0]["body"]
    assert "### Not commented inline" in body and "`Dockerfile:1`" in body


def test_no_more_than_30_inline_comments_in_one_review(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    runs = "".join(f"RUN pip install package{n}\n" for n in range(40))
    head = {"Dockerfile": f"FROM python:3.12-slim\n{runs}USER app\n"}
    action = scenario(head=head)
    action.run()
    [review_request] = github.requests("POST", "/reviews")
    assert len(review_request.body["comments"]) == 30
    body = github.issue_comments[7][0]["body"]
    assert body.count("over the 30 inline comments of one review") == 10
    action.run()  # the same findings: nothing new to post, the same 30 stay the inline ones
    assert len(github.review_comments[7]) == 30 and len(github.reviews[7]) == 1


def test_ten_runs_with_changing_heads_keep_one_comment_and_no_duplicates(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    heads = [
        "FROM python:3.12-slim\nRUN pip install requests\nCMD python app.py\n",
        "FROM python:3.12-slim\nRUN pip install requests\nCMD python app.py\n# a comment\n",
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir requests\nCMD python app.py\n",
        "FROM python:3.12-slim\nUSER app\nCMD python app.py\n",
        'FROM python:3.12-slim\nUSER app\nCMD ["python", "app.py"]\n',
        'FROM python:3.12-slim\nRUN pip install flask\nUSER app\nCMD ["python", "app.py"]\n',
        "FROM python:3.12-slim\nRUN pip install requests\nCMD python app.py\n",
        "FROM python:3.12-slim\n\nRUN pip install requests\nCMD python app.py\n",
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\nCMD python app.py\n",
    ]
    codes = [action.run().code]
    for text in heads:
        action.push({"Dockerfile": text})
        codes.append(action.run().code)

    assert len(codes) == 10
    assert len(github.sticky_comments(7, MARKER)) == 1 and len(github.issue_comments[7]) == 1
    live = live_fingerprints(github)
    assert len(live) == len(set(live)), Counter(live)
    assert len(github.reviews[7]) <= 10
    # every live inline comment is a finding of the last head; the others were marked resolved
    last = json.loads(Path(action.repo.path, "dockhand-report/review.json").read_text())
    assert sorted(live) == sorted(f["fingerprint"] for f in last["findings"] if f["in_diff"] or f["new"])
    assert any(inline_marker(c["body"]).resolved for c in github.review_comments[7])  # type: ignore[union-attr]
    assert codes[4] == 0 and codes[0] == 1


def test_an_unchanged_finding_is_not_posted_again(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    action.run()
    first = len(github.review_comments[7])
    action.push({"README.md": "docs only\n"})
    action.run()
    assert len(github.review_comments[7]) == first
    assert len(github.reviews[7]) == 1
    assert github.requests("PATCH", "/pulls/comments/") == []


def test_a_fixed_finding_is_marked_resolved_and_posted_again_if_it_returns(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario(head={"Dockerfile": "FROM python:3.12-slim\nUSER app\nCMD python app.py\n"})
    action.run()
    [comment] = github.review_comments[7]
    action.push({"Dockerfile": 'FROM python:3.12-slim\nUSER app\nCMD ["python", "app.py"]\n'})
    action.run()
    assert comment["body"].startswith("<!-- dockhand:resolved ")
    assert "```suggestion" not in comment["body"] and "Resolved in" in comment["body"]
    action.push({"Dockerfile": "FROM python:3.12-slim\nUSER app\nCMD python app.py\n"})
    action.run()
    assert len(live_fingerprints(github)) == 1 and len(github.review_comments[7]) == 2


def test_quoted_markers_cannot_take_over_the_report(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    human = github.add_issue_comment(7, f"{MARKER}\nlooks fine to me, ship it", PR_AUTHOR)
    quoting = github.add_issue_comment(7, f"the bot said:\n> {MARKER}\n> NO-GO", PR_AUTHOR)
    fake_inline = github.add_review_comment(
        7, "Dockerfile", 4, "<!-- dockhand:finding c494fbaa875819071f53 -->\nfake", PR_AUTHOR
    )
    action.run()
    assert human["body"].endswith("ship it") and quoting["body"].endswith("NO-GO")
    assert fake_inline["body"].endswith("fake")
    ours = github.sticky_comments(7, MARKER)
    assert len(ours) == 1 and ours[0]["user"]["login"] == BOT.login
    assert len(live_fingerprints(github)) == 5  # the fake fingerprint did not stop the real comment


def test_duplicate_report_comments_from_a_race_are_merged(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario()
    github.add_issue_comment(7, f"{MARKER}\nold report 1", BOT)
    github.add_issue_comment(7, f"{MARKER}\nold report 2", BOT)
    action.run()
    [comment] = github.issue_comments[7]
    assert "NO-GO" in comment["body"]
    assert len(github.requests("DELETE")) == 1


def test_no_comment_for_a_pull_request_without_docker_files(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario(base={"app.py": "a\n"}, head={"app.py": "b\n"})
    result = action.run()
    assert result.code == 0
    assert github.issue_comments[7] == [] and github.reviews[7] == []
    assert github.check_runs[0]["conclusion"] == "success"


def test_inputs_switch_off_the_comment_the_review_and_the_check(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario(inputs={"INPUT_COMMENT": "off", "INPUT_SUGGESTIONS": "false", "INPUT_CHECK": "off"})
    result = action.run()
    assert result.code == 1
    assert github.calls == []
    assert "::error file=Dockerfile,line=1" in result.log  # no check run: the log carries the annotations


def test_check_status_sets_a_commit_status(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario(inputs={"INPUT_CHECK": "status"})
    action.run()
    [status] = github.statuses
    assert (status["context"], status["state"], status["sha"]) == ("dockhand", "failure", action.repo.head)
    assert len(status["description"]) <= 140 and status["target_url"].endswith("/actions/runs/9001")
    assert github.check_runs == []


def test_a_personal_access_token_gets_a_status_instead_of_a_check_run(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    from tests.support.fake_github import MAINTAINER, PAT

    action = scenario(inputs={"INPUT_GITHUB-TOKEN": PAT})
    result = action.run()
    assert result.code == 1
    assert github.check_runs == [] and len(github.statuses) == 1
    assert github.issue_comments[7][0]["user"]["login"] == MAINTAINER.login
    action.push({"README.md": "x\n"})
    action.run()
    assert len(github.issue_comments[7]) == 1  # found again by login (GET /user), not by bot type
    assert len(github.requests("GET", "/user")) == 2


def test_a_huge_report_is_shortened_in_the_comment_and_whole_in_the_summary(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    runs = "".join(f"RUN pip install package-with-a-rather-long-name-number-{n}\n" for n in range(700))
    action = scenario(head={"Dockerfile": f"FROM python:3.12-slim\n{runs}"})
    result = action.run()
    body = github.issue_comments[7][0]["body"]
    assert len(body.encode()) <= 65536 and body.startswith(MARKER)
    assert "NO-GO" in body and "shortened to fit" in body
    assert "/actions/runs/9001" in body  # says where the rest is
    assert body.index("DH101") < body.index("DH105")  # the most severe first
    assert len(result.summary.encode()) > 65536 and "package-with-a-rather-long-name-number-699" in result.summary
    assert len(github.check_runs[0]["output"]["summary"]) <= 65535


def test_a_broken_config_file_is_an_error_at_its_line(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario(head={"Dockerfile": HEAD_DOCKERFILE, ".github/dockhand.yml": "fail-on: high\nrulez: {}\n"})
    result = action.run()
    assert result.code == 2
    assert "::error file=.github/dockhand.yml,line=2::config: unknown key 'rulez' (did you mean 'rules'?)" in result.log
    assert github.calls == []


def test_working_directory_names_the_repository_inside_the_workspace(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    workspace = action.repo.path.parent
    result = action.run(GITHUB_WORKSPACE=str(workspace), **{"INPUT_WORKING-DIRECTORY": action.repo.path.name})
    assert result.code == 1 and len(github.sticky_comments(7, MARKER)) == 1
    assert (workspace / result.outputs["report-path"]).is_file()


def test_the_comment_is_updated_when_the_docker_files_are_gone_from_the_change(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    action = scenario()
    action.run()
    action.push({"Dockerfile": BASE_DOCKERFILE})
    assert action.run().code == 0
    [comment] = github.issue_comments[7]
    assert "No Docker or dependency files changed" in comment["body"]


def test_when_the_token_s_account_cannot_be_read_nothing_is_edited(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    from tests.support.fake_github import PAT

    action = scenario(inputs={"INPUT_GITHUB-TOKEN": PAT})
    github.inject("GET", r"^/user$", "error", status=502, times=100)
    result = action.run()
    assert result.code == 2 and "cannot tell which comments are dockhand's" in result.log
    assert github.requests("POST") == [] and result.outputs["verdict"] == "fail"


def test_a_report_comment_of_another_bot_is_left_alone_after_a_token_switch(
    scenario: ScenarioFactory, github: FakeGitHub
) -> None:
    from tests.support.fake_github import OTHER_BOT

    action = scenario()
    old = github.add_issue_comment(7, f"{MARKER}\nreport posted with an App token", OTHER_BOT)
    github.add_review_comment(7, "Dockerfile", 1, "<!-- dockhand:finding 00000000000000000000 -->\nx", OTHER_BOT)
    assert action.run().code == 1
    assert old["body"].endswith("App token")
    mine = [c for c in github.issue_comments[7] if c["user"]["login"] == BOT.login]
    assert len(mine) == 1 and "NO-GO" in mine[0]["body"]
    assert len(github.reviews[7]) == 2 and len(github.check_runs) == 1  # nothing stopped publishing
    action.push({"README.md": "again\n"})
    action.run()
    assert len([c for c in github.issue_comments[7] if c["user"]["login"] == BOT.login]) == 1


def test_build_true_fails_the_step_when_no_image_can_be_built(
    scenario: ScenarioFactory, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    action = scenario(inputs={"INPUT_BUILD": "true"})
    result = action.run()
    assert result.code == 2
    assert "::error::build: true, but it could not run: the Docker engine does not answer" in result.log
    assert "build: true, but it could not run" in github.sticky_comments(7, MARKER)[0]["body"]
    assert action.run().code == 2  # and with build: auto it is a note only:
    action.inputs["INPUT_BUILD"] = "auto"
    assert action.run().code == 1


def test_scan_true_fails_the_step_without_a_scanner(scenario: ScenarioFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKHAND_TRIVY", "/nonexistent/trivy")
    result = scenario(inputs={"INPUT_SCAN": "true"}).run()
    assert result.code == 2 and "scan: true, but it could not run" in result.log


def test_the_size_budget_input_sets_the_image_budget_s_limits() -> None:
    from dataclasses import replace

    from bot.config import Config
    from bot.github.inputs import ActionInputs
    from bot.image.analyzer import _with_budget
    from bot.image.settings import SizeBudget
    from bot.model import Severity
    from bot.options import ReviewOptions

    inputs = ActionInputs.from_environ({"INPUT_SIZE-BUDGET": "+20MB,500MB"})
    assert inputs.size_budget == SizeBudget(max_growth_bytes=20_000_000, max_size_bytes=500_000_000)
    config = Config()
    config = replace(
        config,
        image=replace(config.image, budget=SizeBudget(max_growth_percent=5, compressed=True, severity=Severity.MEDIUM)),
    )
    budget = _with_budget(config, ReviewOptions(size_budget=inputs.size_budget)).image.budget
    assert budget == SizeBudget(20_000_000, None, 500_000_000, compressed=True, severity=Severity.MEDIUM)
