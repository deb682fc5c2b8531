"""A classic build whose inputs an earlier review built, and whose image the engine still has,
is not run again: not checked out, not sent to the engine; anything else is built."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from bot.git import GitRepo
from bot.image.discovery import BuildTarget
from bot.image.docker import Docker, find_docker
from bot.image.reuse import build_inputs, build_key
from bot.parsing.dockerfile import parse_dockerfile
from tests.image.conftest import image_section, review_repo
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory, Repo

TARGET = BuildTarget("Dockerfile", "Dockerfile", ".", "Dockerfile changed")


def inputs_of(text: str, target: BuildTarget = TARGET) -> Any:
    return build_inputs("c0ffee", target, "Dockerfile", parse_dockerfile("Dockerfile", text), None)


def test_the_inputs_name_the_images_the_stages_start_from_with_the_build_arguments() -> None:
    text = "ARG BASE=alpine:3.19\nFROM $BASE AS build\nRUN make\nFROM scratch\nCOPY --from=build /out /out\n"
    assert inputs_of(text).from_images == ("alpine:3.19",)
    chosen = BuildTarget("Dockerfile", "Dockerfile", ".", "changed", args={"BASE": "alpine:3.20", "OTHER": "x"})
    found = inputs_of(text, chosen)
    assert found.from_images == ("alpine:3.20",)
    assert found.args == (("BASE", "alpine:3.20"), ("OTHER", "x"))


@pytest.mark.parametrize(
    "text",
    [
        "FROM busybox\nADD https://example.com/tool.tgz /opt/\n",  # the builder fetches it every time
        "FROM busybox\nADD git@github.com:org/repo.git /src\n",
        "FROM busybox\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",  # an image, not a stage
        "ARG BASE\nFROM $BASE\n",  # no value: the build would fail or use --build-arg
        "FROM busybox\nCOPYY a b\n",  # does not parse
    ],
)
def test_a_build_that_reads_anything_else_is_never_reused(text: str) -> None:
    assert inputs_of(text) is None


def sides(repo: Repo) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    section = image_section(review_repo(repo))
    image = section.data["images"][0]
    return image["head"], image["base"], section.notes


def new_head(repo: Repo, content: str) -> None:
    repo.git("checkout", "--quiet", "-B", f"next-{secrets.token_hex(3)}", "main")
    (repo.path / "app.txt").write_text(content)
    repo.git("commit", "--quiet", "-am", "another change")
    repo.head = repo.git("rev-parse", "HEAD")


def builds(requests: list[str]) -> int:
    return sum(1 for request in requests if request.startswith("POST /build"))


@pytest.mark.docker
def test_the_base_built_by_an_earlier_review_is_not_built_again(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], engine_requests: Callable[[], list[str]]
) -> None:
    text = f"FROM {busybox_image()}\nCOPY app.txt /app.txt\nUSER 1000\n"
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})
    _head, first_base, _notes = sides(repo)
    assert first_base["reused"] is False
    new_head(repo, "three\n")
    before = len(engine_requests())
    head, base, notes = sides(repo)
    assert builds(engine_requests()[before:]) == 1  # the head's: the base was not sent to the engine
    assert base["reused"] is True and head["reused"] is False
    assert base["seconds"]["build"] is None
    assert (base["image_id"], base["compressed_bytes"], base["layers"]) == (
        first_base["image_id"],
        first_base["compressed_bytes"],
        first_base["layers"],
    )
    short = base["image_id"].removeprefix("sha256:")[:12]
    assert f"Dockerfile: base image {short} not built again" in " ".join(notes)


@pytest.mark.docker
def test_a_moved_base_image_tag_or_a_pruned_image_gets_the_base_built(
    make_repo: GitRepoFactory,
    busybox_image: Callable[..., str],
    docker_engine: DockerEngine,
    engine_requests: Callable[[], list[str]],
) -> None:
    tag = f"dockhand-test/moving:{secrets.token_hex(3)}"
    docker_engine.busybox_image(tag=tag)
    text = f"FROM {tag}\nCOPY app.txt /app.txt\n"
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})
    _head, first_base, _notes = sides(repo)

    docker_engine.busybox_image({"etc/moved": "yes\n"}, tag=tag)  # the tag now names another image
    new_head(repo, "three\n")
    _head, moved, _notes = sides(repo)
    assert moved["reused"] is False and moved["image_id"] != first_base["image_id"]

    docker_engine.docker("image", "rm", "--force", moved["image_id"])
    new_head(repo, "four\n")
    before = len(engine_requests())
    _head, pruned, _notes = sides(repo)
    assert pruned["reused"] is False  # remembered, but the engine no longer has it
    assert builds(engine_requests()[before:]) == 2


def test_the_key_follows_the_context_and_the_dockerfile_and_nothing_else(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM scratch\nCOPY . /\n"
    files = {"s*/Dockerfile": dockerfile, "s*/app.txt": "one\n", "svc/app.txt": "one\n", "README.md": "a\n"}
    repo = make_repo(files, {**files, "README.md": "b\n", "svc/app.txt": "two\n"})
    git = GitRepo.open(repo.path)
    target = BuildTarget("s*/Dockerfile", "s*/Dockerfile", "s*", "changed")

    def key(commit: str, path: str = "s*/Dockerfile") -> str | None:
        inputs = build_inputs(commit, target, path, parse_dockerfile(path, dockerfile), None)
        assert inputs is not None
        return build_key(git, Docker("/nonexistent/docker"), inputs)

    base_key = key(repo.base)
    assert base_key is not None
    assert key(repo.head) == base_key  # the README and svc/ (which `s*` does not match) are outside
    repo.git("checkout", "--quiet", "-B", "context", repo.head)
    (repo.path / "s*" / "app.txt").write_text("two\n")
    repo.git("commit", "--quiet", "-am", "the context changes")
    assert key(repo.git("rev-parse", "HEAD")) not in (None, base_key)
    assert key(repo.base, "s*/Missing.Dockerfile") is None  # no such file in the commit: build it


@pytest.mark.docker
def test_a_second_review_of_the_same_push_builds_nothing_and_reports_the_same(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], engine_requests: Callable[[], list[str]]
) -> None:
    text = f"FROM {busybox_image()}\nCOPY app.txt /app.txt\nUSER 1000\n"
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})
    first = image_section(review_repo(repo))
    before = len(engine_requests())
    again = image_section(review_repo(repo))  # a CI job run again on the same commits
    assert builds(engine_requests()[before:]) == 0
    assert [again.data["images"][0][side]["reused"] for side in ("head", "base")] == [True, True]
    assert again.tables == first.tables
    assert again.data["size_delta_bytes"] == first.data["size_delta_bytes"]


@pytest.mark.docker
def test_the_key_asks_the_engine_once_per_image_however_many_stages_start_from_it(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], engine_requests: Callable[[], list[str]]
) -> None:
    image = busybox_image()
    text = f"FROM {image} AS deps\nRUN true\nFROM {image} AS build\nRUN true\nFROM {image}\nCOPY --from=build / /\n"
    repo = make_repo({"Dockerfile": text}, {"Dockerfile": text + "USER 1000\n"})
    inputs = build_inputs(repo.head, TARGET, "Dockerfile", parse_dockerfile("Dockerfile", text), None)
    assert inputs is not None and inputs.from_images == (image,) * 3
    docker = find_docker()
    assert docker is not None
    before = len(engine_requests())
    assert build_key(GitRepo.open(repo.path), docker, inputs) is not None
    inspected = [request for request in engine_requests()[before:] if request.startswith("GET /images/")]
    assert len(inspected) == 1, inspected
