"""The fake GitHub holds dockhand to GitHub's contract: it must refuse what GitHub refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Auth, Github, GithubException

from tests.support.fake_github import TOKEN, FakeGitHub, FakePull
from tests.support.github_contract import CONTRACT_DIR

SHARED = Path(__file__).resolve().parents[3] / "shared" / "github-openapi"
SHARED_CANDIDATES = [SHARED, Path("/work/shared/github-openapi")]


@pytest.mark.parametrize(
    "name",
    [
        "subset.jsonschema.json",
        "observed-errors.json",
        *(f"events/{p.name}" for p in (CONTRACT_DIR / "events").iterdir()),
    ],
)
def test_the_copies_equal_the_shared_contract(name: str) -> None:
    shared = next((d for d in SHARED_CANDIDATES if d.is_dir()), None)
    if shared is None:
        pytest.skip("the shared contract directory is not next to this checkout")
    assert json.loads((CONTRACT_DIR / name).read_text()) == json.loads((shared / name).read_text())


def client(fake: FakeGitHub) -> Github:
    return Github(
        auth=Auth.Token(TOKEN),
        base_url=fake.url,
        retry=0,
        lazy=True,
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def test_the_fake_refuses_what_github_refuses() -> None:
    fake = FakeGitHub()
    fake.start()
    try:
        patch = "@@ -1,2 +1,3 @@\n FROM a\n+RUN b\n USER c"
        entry = {"filename": "Dockerfile", "status": "modified", "patch": patch}
        fake.add_pull(FakePull(7, "a" * 40, "b" * 40, [entry], ["b" * 40]))
        repo = client(fake).get_repo(fake.repository)
        pull = repo.get_pull(7)
        with pytest.raises(GithubException) as outside:
            pull.create_review(body="x", event="COMMENT", comments=[{"path": "Dockerfile", "body": "b", "line": 9}])
        assert outside.value.status == 422 and "must be part of the diff" in str(outside.value.data)
        with pytest.raises(GithubException) as backwards:
            comment = {"path": "Dockerfile", "body": "b", "line": 2, "start_line": 2, "side": "RIGHT"}
            pull.create_review(body="x", event="COMMENT", comments=[comment])  # type: ignore[list-item]
        assert "start line must precede" in str(backwards.value.data)
        assert fake.violations == []
        with pytest.raises(GithubException):
            repo.create_check_run(name="dockhand", head_sha="b" * 40, status="completed")  # no conclusion
        assert len(fake.violations) == 1 and "is not valid under any of the given schemas" in fake.violations[0]
    finally:
        fake.stop()


def test_lists_are_paginated_with_link_headers() -> None:
    fake = FakeGitHub()
    fake.start()
    try:
        fake.add_pull(FakePull(7, "a" * 40, "b" * 40, [], ["b" * 40]))
        for n in range(250):
            from tests.support.fake_github import PR_AUTHOR

            fake.add_issue_comment(7, f"comment {n}", PR_AUTHOR)
        gh = client(fake)
        bodies = [c.body for c in gh.get_repo(fake.repository).get_issue(7).get_comments()]
        assert bodies == [f"comment {n}" for n in range(250)]
        assert [c.query.get("page", "1") for c in fake.calls] == ["1", "2", "3"]
        assert fake.violations == []
    finally:
        fake.stop()
