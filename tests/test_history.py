"""Git objects missing from a shallow or partial clone: fetched from origin when it is there,
else an error that says how; never a file reviewed as empty because its blob is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.gitrepo import GitRepoFactory, Repo, git

GOOD = 'FROM python:3.12-slim\nUSER app\nCMD ["python", "app.py"]\n'
ROOT = 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'


@pytest.fixture
def origin(make_repo: GitRepoFactory) -> Repo:
    """main (with history after the branch point) and a pull request branch `pr`."""
    repo = make_repo({"Dockerfile": GOOD, "requirements.txt": "flask==3.0.0\n"}, {"Dockerfile": ROOT}, keep_base=True)
    git(repo.path, "checkout", "--quiet", "main")
    for n in range(3):
        (repo.path / f"notes{n}.txt").write_text(f"{n}\n", encoding="utf-8")
        git(repo.path, "add", "--all")
        git(repo.path, "commit", "--quiet", "-m", f"main {n}")
    git(repo.path, "config", "uploadpack.allowFilter", "true")
    git(repo.path, "config", "uploadpack.allowAnySHA1InWant", "true")
    return repo


def clone(origin: Repo, target: Path, *options: str) -> Path:
    git(target.parent, "clone", "--quiet", *options, "--branch=pr", f"file://{origin.path}", str(target))
    return target


def review(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, dict[str, object], str]:
    output = repo.parent / "review.json"
    code = main(
        ["review", "--repo", str(repo), "--no-build", "--no-scan", "--format", "json", "--output", str(output), *args]
    )
    err = capsys.readouterr().err
    return code, json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}, err


def test_a_depth_1_clone_fetches_the_base_branch_and_deepens_to_the_merge_base(
    origin: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shallow = clone(origin, tmp_path / "shallow", "--depth=1", "--single-branch")
    code, report, err = review(capsys, shallow, "--base", "main")
    assert code == 1, err  # the review ran: DH101 (the head runs as root) fails it
    assert report["base"] == origin.base  # the merge-base, not main's tip
    notes = report["notes"]
    assert "fetched main from origin" in notes
    assert any(note.startswith(("deepened the shallow clone", "fetched the full history")) for note in notes)
    assert {f["rule"] for f in report["findings"]} >= {"DH101"}


def test_a_base_commit_id_is_fetched_by_id(origin: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shallow = clone(origin, tmp_path / "shallow", "--depth=1", "--single-branch")
    code, report, err = review(capsys, shallow, "--base", origin.base)
    assert code == 1, err
    assert f"fetched {origin.base[:12]} from origin" in report["notes"]


def test_without_a_remote_the_error_says_how_to_fetch(
    origin: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shallow = clone(origin, tmp_path / "shallow", "--depth=1", "--single-branch")
    git(shallow, "remote", "remove", "origin")
    code, report, err = review(capsys, shallow, "--base", origin.base)
    assert (code, report) == (2, {})
    assert "shallow: fetch more history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)" in err


def test_an_unreachable_remote_keeps_the_explanation_and_says_what_was_tried(
    origin: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shallow = clone(origin, tmp_path / "shallow", "--depth=1", "--single-branch")
    git(shallow, "remote", "set-url", "origin", f"file://{tmp_path / 'gone'}")
    code, _, err = review(capsys, shallow, "--base", "main")
    assert code == 2
    assert "git fetch --unshallow" in err and "fetching from origin did not help" in err


def test_blobs_missing_from_a_partial_clone_are_noted_not_reviewed_as_empty(
    origin: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = clone(origin, tmp_path / "partial", "--filter=blob:none", "--no-checkout")
    shutil.rmtree(origin.path)  # the promisor remote is gone: the blobs cannot be fetched any more
    code, report, _ = review(capsys, partial, "--base", origin.base, "--head", origin.head)
    assert code == 0
    [dockerfile] = [f for f in report["files"] if f["path"] == "Dockerfile"]
    assert "content is not in this clone" in " ".join(dockerfile["notes"])
    assert report["findings"] == []  # nothing claimed about a file that was not read
