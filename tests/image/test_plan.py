"""`dockhand plan` and `--only`: the images of a change as a matrix, from real git repositories."""

from __future__ import annotations

import json

import pytest

from bot.catalog import rule_codes
from bot.changes import build_changeset, resolve_range
from bot.cli import main
from bot.config import Config, parse_config
from bot.git import GitRepo
from bot.image.discovery import Repository, discover
from bot.image.plan import matrix, parse_only, plan_images
from tests.support.gitrepo import GitRepoFactory, Repo

DOCKERFILE = "FROM busybox\nCOPY app.py /app/\n"
ONE_IMAGE_A_REVIEW = "image:\n  max-images: 1\n"


def services(count: int, version: int) -> dict[str, str]:
    files = {f"s{n}/Dockerfile": DOCKERFILE + f"# {version}\n" for n in range(count)}
    return files | {f"s{n}/app.py": "1" for n in range(count)} | {".dockhand.yml": ONE_IMAGE_A_REVIEW}


def planned(repo: Repo, config: Config | None = None) -> list[tuple[str, str]]:
    git = GitRepo.open(repo.path)
    changes = build_changeset(git, resolve_range(git, repo.base, repo.head))
    config = config or parse_config(ONE_IMAGE_A_REVIEW, ".dockhand.yml", rule_codes())
    targets, _ = plan_images(changes, config)
    return [(t.id, t.dockerfile) for t in targets]


def test_the_plan_lists_every_image_whatever_max_images_says(make_repo: GitRepoFactory) -> None:
    repo = make_repo(services(5, 0), services(5, 1))
    found = planned(repo)
    assert [path for _, path in found] == [f"s{n}/Dockerfile" for n in range(5)]
    assert len({image_id for image_id, _ in found}) == 5
    assert planned(repo) == found  # ids are stable: every runner computes the same


def test_only_builds_just_the_images_named_by_id_or_path(make_repo: GitRepoFactory) -> None:
    repo = make_repo(services(4, 0), services(4, 1))
    ids = dict((path, image_id) for image_id, path in planned(repo))
    git = GitRepo.open(repo.path)
    changes = build_changeset(git, resolve_range(git, repo.base, repo.head))
    settings = parse_config(ONE_IMAGE_A_REVIEW, ".dockhand.yml", rule_codes()).image

    def chosen(only: frozenset[str] | None) -> list[str]:
        return [t.dockerfile for t in discover(Repository.of(git, changes), settings, only).targets]

    assert chosen(None) == ["s0/Dockerfile"]  # max-images: 1
    assert chosen(parse_only([f"{ids['s3/Dockerfile']},{ids['s1/Dockerfile']}"])) == ["s1/Dockerfile", "s3/Dockerfile"]
    assert chosen(parse_only(["s2/Dockerfile"])) == ["s2/Dockerfile"]
    assert chosen(parse_only(["none"])) == []


def test_matrix_one_job_per_image_and_shared_jobs_past_the_limit(make_repo: GitRepoFactory) -> None:
    git_repo = make_repo(services(5, 0), services(5, 1))
    git = GitRepo.open(git_repo.path)
    changes = build_changeset(git, resolve_range(git, git_repo.base, git_repo.head))
    targets, _ = plan_images(changes, Config())
    assert [entry["name"] for entry in matrix(targets)["include"]] == [t.label for t in targets]
    shared = matrix(targets, max_jobs=2)["include"]
    assert len(shared) == 2
    assert sorted(i for entry in shared for i in entry["image"].split(",")) == sorted(t.id for t in targets)
    assert shared[0]["name"] == "s0/Dockerfile and 2 more"
    assert matrix([]) == {"include": [{"image": "none", "name": "no image to build"}]}


def test_plan_command_prints_the_matrix(make_repo: GitRepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(services(3, 0), services(3, 1))
    code = main(["plan", "--repo", str(repo.path), "--base", repo.base, "--head", repo.head])
    out, err = capsys.readouterr()
    assert code == 0
    assert [entry["name"] for entry in json.loads(out)["include"]] == [
        "s0/Dockerfile",
        "s1/Dockerfile",
        "s2/Dockerfile",
    ]
    assert "3 image(s) to build in 3 matrix job(s)" in err
