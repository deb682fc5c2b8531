"""A classic build's last layer-making step is read while the builder finishes; the final image
is then measured without a save of its own, and measures exactly as a save would have it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.image.build import BuildRequest, run_build
from bot.image.docker import Docker, find_docker
from bot.image.early_read import LastLayerStep, StepWatcher, config_after, last_layer_step
from bot.image.measure import measure_image
from bot.parsing.dockerfile import parse_dockerfile
from tests.image.conftest import image_section, review_repo, saved_images
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory

MULTI_STAGE = """\
ARG BASE=busybox
FROM $BASE AS build
COPY src/ /src/
RUN cat /src/* > /out

FROM $BASE
RUN mkdir /app
COPY --from=build /out /app/out
USER 1000
EXPOSE 8000
CMD ["sh"]
"""

CLASSIC_LOG = """\
Step 6/11 : RUN mkdir /app
 ---> Using cache
 ---> 4da834278ba6
Step 7/11 : COPY --from=build /out /app/out
 ---> d93c2408cabd
Step 8/11 : USER 1000
 ---> Running in 11ad24447865
Removing intermediate container 11ad24447865
 ---> c12731624d57
Step 9/11 : EXPOSE 8000
 ---> Running in 73baeb933b40
Removing intermediate container 73baeb933b40
 ---> 45d51770e3ad
"""


def test_the_step_to_read_is_the_built_stage_last_copy_counted_as_the_classic_builder_counts() -> None:
    dockerfile = parse_dockerfile("Dockerfile", MULTI_STAGE)
    # ARG 1, FROM 2, COPY 3, RUN 4, FROM 5, RUN 6, COPY 7
    assert last_layer_step(dockerfile, None) == LastLayerStep(7, "COPY")


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (MULTI_STAGE, "build"),  # the target stage ends with its RUN: nothing left to overlap
        ("FROM busybox\nCOPY a /a\nRUN make\n", None),
        ('FROM busybox\nUSER 1000\nCMD ["sh"]\n', None),  # the stage makes no layer of its own
        ('FROM busybox AS base\nRUN make\nFROM base\nCMD ["sh"]\n', None),
    ],
)
def test_no_step_is_read_early_when_nothing_follows_it_or_the_stage_makes_no_layer(
    text: str, target: str | None
) -> None:
    assert last_layer_step(parse_dockerfile("Dockerfile", text), target) is None


def feed(watcher: StepWatcher, log: str) -> None:
    for line in log.splitlines():
        watcher.feed(line)


def test_the_watcher_names_the_image_the_step_committed_once() -> None:
    seen: list[str] = []
    watcher = StepWatcher(LastLayerStep(7, "COPY"), seen.append)
    feed(watcher, CLASSIC_LOG)
    feed(watcher, CLASSIC_LOG)
    assert seen == ["d93c2408cabd"]


def test_the_watcher_takes_a_cached_step_and_nothing_from_other_steps() -> None:
    cached: list[str] = []
    feed(StepWatcher(LastLayerStep(6, "RUN"), cached.append), CLASSIC_LOG)
    assert cached == ["4da834278ba6"]
    elsewhere: list[str] = []
    feed(StepWatcher(LastLayerStep(7, "RUN"), elsewhere.append), CLASSIC_LOG)  # step 7 is a COPY here
    feed(StepWatcher(LastLayerStep(12, "COPY"), elsewhere.append), CLASSIC_LOG)
    assert elsewhere == []


def history_docker(tmp_path: Path, entries: list[dict[str, Any]], fails: bool = False) -> Docker:
    """A docker that answers `docker image history` with these entries (newest first)."""
    listing = tmp_path / "history.jsonl"
    listing.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")
    script = tmp_path / "docker"
    answer = "echo 'Error: No such image' >&2; exit 1" if fails else f"cat {listing}"
    script.write_text(f'#!/bin/sh\ncase "$1 $2" in\n  "image history") {answer} ;;\n  *) exit 1 ;;\nesac\n')
    script.chmod(0o755)
    return Docker(str(script), {"PATH": os.defpath})


ANCESTOR = {
    "rootfs": {"type": "layers", "diff_ids": ["sha256:aa", "sha256:bb"]},
    "history": [{"created_by": "busybox"}, {"created_by": "/bin/sh -c #(nop) COPY file:1 in /app "}],
}


def entry(image_id: str, created_by: str) -> dict[str, Any]:
    return {"ID": image_id, "CreatedBy": created_by, "CreatedAt": "2026-11-26T22:30:20Z", "Size": "0", "Comment": ""}


def test_the_final_history_is_the_ancestors_then_the_entries_above_it(tmp_path: Path) -> None:
    entries = [
        entry("sha256:final", '/bin/sh -c #(nop)  CMD ["sh"]'),
        entry("sha256:user", "/bin/sh -c #(nop)  USER 1000"),
        entry("sha256:step", "/bin/sh -c #(nop) COPY file:1 in /app "),
        entry("<missing>", "busybox"),
    ]
    docker = history_docker(tmp_path, entries)
    config = config_after(docker, "sha256:final", ["sha256:aa", "sha256:bb"], "sha256:step", ANCESTOR)
    assert config is not None
    assert config["rootfs"]["diff_ids"] == ["sha256:aa", "sha256:bb"]
    assert [(h["created_by"], h.get("empty_layer")) for h in config["history"]] == [
        ("busybox", None),
        ("/bin/sh -c #(nop) COPY file:1 in /app ", None),
        ("/bin/sh -c #(nop)  USER 1000", True),
        ('/bin/sh -c #(nop)  CMD ["sh"]', True),
    ]


def test_no_history_is_made_up_when_anything_disagrees(tmp_path: Path) -> None:
    joined = [entry("sha256:final", "CMD"), entry("sha256:step", "COPY"), entry("<missing>", "busybox")]
    layers = ["sha256:aa", "sha256:bb"]
    assert (
        config_after(history_docker(tmp_path, joined), "sha256:final", [*layers, "sha256:cc"], "sha256:step", ANCESTOR)
        is None
    )
    assert config_after(history_docker(tmp_path, joined), "sha256:final", layers, "sha256:other", ANCESTOR) is None
    one_short = joined[:2]  # the ancestor's own history does not line up with what docker lists
    assert config_after(history_docker(tmp_path, one_short), "sha256:final", layers, "sha256:step", ANCESTOR) is None
    failing = history_docker(tmp_path, joined, fails=True)
    assert config_after(failing, "sha256:final", layers, "sha256:step", ANCESTOR) is None


def head_of(review: Any) -> dict[str, Any]:
    return dict(image_section(review).data["images"][0]["head"])


@pytest.mark.docker
def test_the_final_image_is_not_saved_and_measures_as_a_save_gives_it(
    make_repo: GitRepoFactory,
    busybox_image: Callable[..., str],
    engine_requests: Callable[[], list[str]],
    docker_engine: DockerEngine,
) -> None:
    text = MULTI_STAGE.replace("busybox", busybox_image())
    src = {"src/a.txt": "a\n" * 5000}
    head_text = text.replace("EXPOSE 8000", "EXPOSE 8080")
    repo = make_repo({"Dockerfile": text, **src}, {"Dockerfile": head_text, **src, "src/b.txt": "b\n" * 9000})
    review = review_repo(repo)
    image = image_section(review).data["images"][0]
    head = image["head"]
    saves = saved_images(engine_requests())
    assert head["image_id"] not in saves  # its COPY's step image was saved while USER, EXPOSE and CMD ran
    assert len(saves) == 2  # that step image, and the base's (built second, the same way)
    assert head["measurement"]["image_saved"] is True

    docker = find_docker()
    assert docker is not None
    dockerfile = parse_dockerfile("Dockerfile", head_text)
    saved = measure_image(docker, head["image_id"], dockerfile, None, None)  # no cache: a save of its own
    assert saved.work.saved
    assert docker.api is not None  # read on the engine's socket; the docker client reads the same
    assert measure_image(replace(docker, api=None), head["image_id"], dockerfile, None, None) == saved
    assert (head["compressed_bytes"], head["size_bytes"], head["layers"]) == (
        saved.compressed,
        saved.size,
        saved.layer_count,
    )
    by_line = {d["line"]: d["head_bytes"] for d in image["instructions"] if d["line"] is not None}
    assert by_line == {step.line: step.size for step in saved.steps}
    assert by_line[8] > 14_000  # the COPY of /out: both source files
    assert {by_line[n] for n in (9, 10, 11)} == {0}  # USER, EXPOSE, CMD: on their lines, no layer
    checklist = next(s for s in review.sections if s.key == "hardening")
    assert "verified in the built image (base and head)" in checklist.tables[0].note


@pytest.mark.docker
def test_an_instruction_after_the_step_that_adds_a_layer_gets_the_image_saved(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], engine_requests: Callable[[], list[str]]
) -> None:
    base = busybox_image()
    text = f"FROM {base}\nCOPY app.txt /app.txt\nWORKDIR /made/by/workdir\nUSER 1000\n"
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})
    head = head_of(review_repo(repo))
    assert head["image_id"] in saved_images(engine_requests())  # WORKDIR made a directory: one more layer
    assert head["layers"] == 3
    assert head["measurement"]["layers_measured"] == 3  # each layer once: by the early read, or the save


@pytest.mark.docker
def test_a_build_that_outlives_its_timeout_is_stopped_at_its_instruction(
    tmp_path: Path, busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    text = f"FROM {busybox_image()}\nRUN echo started\nRUN sleep 60\n"
    (tmp_path / "Dockerfile").write_text(text)
    docker = find_docker()
    assert docker is not None
    lines: list[str] = []
    request = BuildRequest(tmp_path / "Dockerfile", tmp_path, tag=None, timeout=3)
    outcome = run_build(docker, request, parse_dockerfile("Dockerfile", text), buildx=False, on_line=lines.append)
    assert outcome.image_id is None and outcome.failure is not None
    assert outcome.failure.timed_out and outcome.failure.line == 3
    assert outcome.failure.reason == "the build did not finish within 3s"
    assert outcome.seconds < 30
    assert any(line.startswith("Step 3/3 : RUN sleep 60") for line in lines)  # seen as it came


@pytest.mark.docker
def test_the_report_says_how_long_each_build_and_its_reading_back_took(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    text = f"FROM {busybox_image()}\nRUN sleep 1 && echo built > /built\nCOPY app.txt /app.txt\nUSER 1000\n"
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})
    section = image_section(review_repo(repo))
    head = section.data["images"][0]["head"]["seconds"]
    base = section.data["images"][0]["base"]["seconds"]
    assert head["build"] >= 1.0  # the head, built first from a cold cache, ran the sleep
    assert 0 < base["build"] < head["build"]  # the base found it in the builder's cache
    assert head["read_back"] > 0 and base["read_back"] > 0
    assert section.data["seconds"] >= head["build"] + base["build"]
