"""No planted credential (tests/support/planted.py) in anything the action writes or publishes:
the log with its workflow commands, the job summary, the step outputs, the report files, and
every request the real PyGithub client sent to the fake GitHub (the comment, the inline
review, the check run with its annotations)."""

from __future__ import annotations

import json

from tests.github.conftest import ScenarioFactory
from tests.support.fake_github import FakeGitHub
from tests.support.planted import leaks, planted_files


def test_nothing_published_to_github_shows_a_planted_value(scenario: ScenarioFactory, github: FakeGitHub) -> None:
    action = scenario(base={"README.md": "x\n"}, head=planted_files())
    result = action.run()
    outputs: dict[str, str] = {
        "log": result.log,
        "summary": result.summary,
        "outputs": json.dumps(result.outputs),
        "requests": json.dumps([call.body for call in github.calls], ensure_ascii=False),
        "comments": json.dumps([c["body"] for c in github.issue_comments[7]], ensure_ascii=False),
        "review comments": json.dumps([c["body"] for c in github.review_comments[7]], ensure_ascii=False),
        "reviews": json.dumps([r["body"] for r in github.reviews[7]], ensure_ascii=False),
        "check runs": json.dumps([github.check_runs, github.annotations], ensure_ascii=False),
    }
    for name in ("report.md", "review.json", "review.sarif"):
        outputs[name] = (action.repo.path / "dockhand-report" / name).read_text()
    assert leaks(outputs) == {}
    assert github.issue_comments[7] and github.check_runs and github.review_comments[7]
