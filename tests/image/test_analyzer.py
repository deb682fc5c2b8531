"""Base and head built with a real engine: growth, shrink, unchanged, new, failure, targets, args, waste."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from tests.image.conftest import image_section, review_repo
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory

pytestmark = pytest.mark.docker
MB = 1_000_000


def dockerfile(base: str, *lines: str) -> str:
    return "\n".join([f"FROM {base}", *lines]) + "\n"


def worktrees(path: object) -> list[str]:
    out = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=path, capture_output=True, check=True)
    return [line for line in out.stdout.decode().splitlines() if line.startswith("worktree ")]


def review_tags(engine: DockerEngine) -> set[str]:
    return {ref for ref in engine.image_refs() if "dockhand-review" in ref}


def test_growth_is_reported_at_the_instruction_that_grew(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    base = busybox_image()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "RUN mkdir /app", 'CMD ["sh"]')},
        {
            "Dockerfile": dockerfile(
                base, "RUN mkdir /app", "RUN dd if=/dev/urandom of=/app/blob bs=1000 count=12000", 'CMD ["sh"]'
            )
        },
    )
    review = review_repo(repo)
    section = image_section(review)
    data = section.data["images"][0]
    assert 12 * MB <= section.data["size_delta_bytes"] < 12.2 * MB
    assert data["head"]["layers"] == data["base"]["layers"] + 1
    assert 12 * MB <= data["compressed_delta_bytes"] < 12.2 * MB  # random bytes do not compress
    growth = [f for f in review.findings if f.rule == "DH501"]
    assert [(f.line, f.in_diff) for f in growth] == [(3, True)]
    assert "this RUN adds 12.0 MB (a new instruction)" in growth[0].message
    grown = [row for row in data["instructions"] if row["status"] == "added"]
    assert [(row["line"], row["delta_bytes"]) for row in grown] == [(3, 12_000_000)]
    markdown = render_markdown(review)
    assert "largest changes by instruction" in markdown
    assert "RUN dd if=/dev/urandom of=/app/blob bs=1000 count=12000" in markdown
    assert review_tags(docker_engine) == set()
    assert len(worktrees(repo.path)) == 1


def test_shrink_is_a_negative_delta_without_growth_finding(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "RUN dd if=/dev/urandom of=/blob bs=1000 count=3000", "USER 1000")},
        {"Dockerfile": dockerfile(base, "RUN dd if=/dev/urandom of=/blob bs=1000 count=1000", "USER 1000")},
    )
    review = review_repo(repo)
    data = image_section(review).data
    assert data["size_delta_bytes"] == -2_000_000
    rows = data["images"][0]["instructions"]
    changed = [row for row in rows if row["delta_bytes"]]
    assert [(row["line"], row["base_line"], row["status"], row["delta_bytes"]) for row in changed] == [
        (2, 2, "changed", -2_000_000)
    ]
    assert not [f for f in review.findings if f.rule.startswith("DH5")]
    assert "-2.0 MB" in render_markdown(review)


def test_context_change_rebuilds_an_unchanged_dockerfile_with_the_same_size(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    text = dockerfile(base, "COPY app.txt /app/app.txt", "USER 1000")
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})
    review = review_repo(repo)
    data = image_section(review).data
    image = data["images"][0]
    assert image["reason"] == "build context changed: app.txt"
    assert data["size_delta_bytes"] == 0
    assert image["base"]["layers"] == image["head"]["layers"]
    assert {row["status"] for row in image["instructions"]} == {"same"}


def test_change_outside_every_context_builds_nothing(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    text = dockerfile(base, "COPY app.txt /app/app.txt")
    repo = make_repo(
        {"svc/Dockerfile": text, "svc/app.txt": "x\n", "docs/readme.md": "a\n"},
        {"svc/Dockerfile": text, "svc/app.txt": "x\n", "docs/readme.md": "b\n"},
    )
    section = image_section(review_repo(repo))
    assert section.data == {"size_delta_bytes": 0, "images": [], "seconds": section.data["seconds"]}
    assert section.tables == ()


def test_new_dockerfile_has_no_base_image(make_repo: GitRepoFactory, busybox_image: Callable[..., str]) -> None:
    base = busybox_image()
    repo = make_repo({"README.md": "x\n"}, {"README.md": "x\n", "Dockerfile": dockerfile(base, "USER 1000")})
    review = review_repo(repo)
    section = image_section(review)
    image = section.data["images"][0]
    assert image["base"] == {
        "built": False,
        "problem": "new Dockerfile: no base image to compare with",
        "failure": None,
        "seconds": {"build": None, "read_back": None},  # nothing was built
        "reused": False,
    }
    assert image["head"]["built"] is True
    assert section.data["size_delta_bytes"] == image["head"]["size_bytes"]
    assert "new Dockerfile: no base image to compare with" in render_markdown(review)


def test_failed_build_is_a_finding_at_the_failing_line_and_everything_is_cleaned_up(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    base = busybox_image()
    before_images = docker_engine.image_refs()
    before_containers = docker_engine.containers()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "RUN echo fine > /fine", "USER 1000")},
        {
            "Dockerfile": dockerfile(
                base,
                "RUN echo fine > /fine",
                "RUN echo step two > /two",
                "RUN echo about to fail && exit 3",
                "USER 1000",
            )
        },
    )
    review = review_repo(repo, "image:\n  keep-cache: false\n")
    failures = [f for f in review.findings if f.rule == "DH500"]
    assert [(f.line, f.in_diff, f.new) for f in failures] == [(4, True, True)]
    assert failures[0].message.endswith("this instruction: about to fail (exit code 3)")
    section = image_section(review)
    head = section.data["images"][0]["head"]
    assert head["built"] is False
    assert head["failure"]["line"] == 4
    assert any("about to fail" in line for line in head["failure"]["log_tail"])
    assert "head build log" in render_markdown(review)
    assert any(s.key == "dockerfile" for s in review.sections)  # the rest of the review went on
    assert docker_engine.image_refs() == before_images
    assert docker_engine.containers() == before_containers
    assert len(worktrees(repo.path)) == 1


def test_same_failure_on_both_sides_is_a_note_not_a_finding(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "RUN exit 1", "USER 1000")},
        {"Dockerfile": dockerfile(base, "RUN exit 1", "USER 1000", 'CMD ["sh"]')},
    )
    review = review_repo(repo)
    assert not [f for f in review.findings if f.rule == "DH500"]
    assert any("base and head both fail at `RUN exit 1`" in note for note in image_section(review).notes)


def test_multi_stage_target_and_build_args_from_the_config(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    text = (
        f"ARG BASE={base}\n"
        "FROM $BASE AS build\n"
        "ARG KB=100\n"
        "RUN dd if=/dev/urandom of=/blob bs=1000 count=$KB\n"
        "FROM build AS test\n"
        "RUN dd if=/dev/urandom of=/more bs=1000 count=4000\n"
        "FROM $BASE\n"
        "COPY --from=build /blob /blob\n"
    )
    repo = make_repo({"Dockerfile": text, "x.txt": "1"}, {"Dockerfile": text + "USER 1000\n", "x.txt": "2"})
    config = "image:\n  images:\n    - dockerfile: Dockerfile\n      target: build\n      args: {KB: '2000'}\n"
    section = image_section(review_repo(repo, config))
    image = section.data["images"][0]
    assert image["target"] == "build"
    rows = {row["line"]: row for row in image["instructions"]}
    assert rows[4]["head_bytes"] == 2_000_000  # the ARG from the config, in the target stage
    assert 5 not in rows and 6 not in rows  # the later stages are not in the target's image
    assert rows[2]["instruction"] == f"FROM {base}"


def test_wasted_space_from_chown_is_blamed_on_the_chown(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    head = dockerfile(
        base,
        "RUN mkdir /app && dd if=/dev/urandom of=/app/blob bs=1000 count=3000",
        "RUN chown -R 1000:1000 /app",
        "USER 1000",
    )
    repo = make_repo({"Dockerfile": dockerfile(base, "USER 1000")}, {"Dockerfile": head})
    review = review_repo(repo, "image:\n  waste-threshold-mb: 1\n")
    waste = [f for f in review.findings if f.rule == "DH503"]
    assert [(f.line, f.in_diff) for f in waste] == [(3, True)]
    assert "rewrites or deletes 3.0 MB added by RUN at line 2" in waste[0].message
    head_data = image_section(review).data["images"][0]["head"]
    assert head_data["wasted_bytes"] == 3_000_000
    assert head_data["wasted"][0] == {
        "line": 3,
        "added_at_line": 2,
        "bytes": 3_000_000,
        "paths": [{"path": "/app/blob", "bytes": 3_000_000}],
    }
    assert head_data["potential_wasted_bytes"] == 6_000_000  # dive counts both copies


def test_size_budget_is_a_finding_with_the_policy_severity(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "USER 1000")},
        {"Dockerfile": dockerfile(base, "RUN dd if=/dev/urandom of=/blob bs=1000 count=2000", "USER 1000")},
    )
    config = "image:\n  budget: {max-growth-mb: 1, max-size-mb: 3, severity: critical}\n"
    review = review_repo(repo, config)
    budget = [f for f in review.findings if f.rule == "DH502"]
    assert {f.severity.label for f in budget} == {"critical"}
    assert any("over the growth budget of 1.0 MB" in f.message and f.line == 2 for f in budget)
    assert any("over the budget of 3.0 MB" in f.message for f in budget)
    assert review.verdict.value == "fail"


def test_built_image_config_is_left_for_later_analyzers_without_env_values(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str]
) -> None:
    base = busybox_image()
    head = dockerfile(
        base,
        "ENV API_TOKEN=hunter2-secret-value",
        "EXPOSE 8080",
        'HEALTHCHECK CMD ["true"]',
        "USER 1000",
        'ENTRYPOINT ["sh", "-c"]',
    )
    repo = make_repo({"Dockerfile": dockerfile(base)}, {"Dockerfile": head})
    seen: list[object] = []
    from bot import pipeline

    def spy(changes, config, options, workspace):  # type: ignore[no-untyped-def]
        seen.extend(workspace.images)
        seen.append(len(worktrees(repo.path)))  # the checkouts went when their builds were done
        from bot.model import Section

        return Section("spy", "spy")

    original = pipeline.ANALYZERS
    pipeline.ANALYZERS = (*original, ("spy", "spy", spy))
    try:
        review = review_repo(repo)
    finally:
        pipeline.ANALYZERS = original
    assert seen[-1] == 1
    head_image = next(i for i in seen if getattr(i, "side", "") == "head")
    config = head_image.config  # type: ignore[attr-defined]
    assert config.user == "1000"
    assert config.entrypoint == ("sh", "-c")
    assert config.healthcheck == ("CMD", "true")
    assert config.exposed_ports == ("8080/tcp",)
    assert "API_TOKEN" in config.env_names
    assert "hunter2" not in json.dumps(config.__dict__, default=str)
    assert "hunter2" not in render_json(review)


def test_keep_images_keeps_the_tags(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    base = busybox_image()
    repo = make_repo({"Dockerfile": dockerfile(base, "USER 1000")}, {"Dockerfile": dockerfile(base, "USER 1001")})
    review = review_repo(repo, keep_images=True)
    kept = review_tags(docker_engine)
    try:
        assert len(kept) == 2
        assert any("images kept: dockhand-review:" in note for note in image_section(review).notes)
    finally:
        for ref in kept:
            docker_engine.docker("image", "rm", ref.split(" ")[1])


@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [(signal.SIGINT, 130, b"dockhand: interrupted"), (signal.SIGTERM, 143, b"dockhand: terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_ctrl_c_or_sigterm_during_a_build_stops_it_and_cleans_up(
    make_repo: GitRepoFactory,
    busybox_image: Callable[..., str],
    docker_engine: DockerEngine,
    layer_cache: Path,
    stop: signal.Signals,
    code: int,
    said: bytes,
) -> None:
    """Ctrl-C in a terminal; SIGTERM when a CI run is cancelled or the container is stopped."""
    base = busybox_image()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "USER 1000")},
        {"Dockerfile": dockerfile(base, "RUN sleep 300", "USER 1000")},
    )
    script = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); from bot.cli import main; "
        f"sys.exit(main(['review', '--repo', {str(repo.path)!r}, '--base', 'main', '--no-scan']))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**docker_engine.env, "DOCKHAND_CACHE_DIR": str(layer_cache)}
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        while not any("sleep 300" in line for line in docker_engine.docker("ps", "--no-trunc").splitlines()):
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
        process.send_signal(stop)
        _out, err = process.communicate(timeout=120)  # far less than the 300 s the build would take
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, err
    assert said in err
    assert len(worktrees(repo.path)) == 1
    assert review_tags(docker_engine) == set()
    assert _eventually(lambda: "sleep 300" not in docker_engine.docker("ps", "--all", "--no-trunc"))


def _eventually(check: Callable[[], bool], seconds: float = 30.0) -> bool:
    """The engine removes a cancelled build's container after the client has gone: wait for it."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_the_classic_builders_images_stay_untagged_as_its_cache_unless_keep_cache_is_false(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    base = busybox_image()
    repo = make_repo(
        {"Dockerfile": dockerfile(base, "RUN echo kept > /kept", "USER 1000")},
        {"Dockerfile": dockerfile(base, "RUN echo kept > /kept", "RUN echo more > /more", "USER 1001")},
    )
    if docker_engine.docker("buildx", "version", check=False):
        pytest.skip("BuildKit keeps its own cache: its images are tagged and removed")
    before = docker_engine.image_refs()
    kept = image_section(review_repo(repo)).data["images"][0]
    ids = {ref.split(" ")[0] for ref in docker_engine.image_refs()}
    assert {kept["head"]["image_id"], kept["base"]["image_id"]} <= ids
    assert review_tags(docker_engine) == set()

    repo.git("checkout", "--quiet", "-b", "other", "main")
    (repo.path / "Dockerfile").write_text(dockerfile(base, "RUN echo kept > /kept", "RUN echo gone > /gone"))
    repo.git("commit", "--quiet", "-am", "another head")
    repo.head = repo.git("rev-parse", "HEAD")
    mid = docker_engine.image_refs()
    removed = image_section(review_repo(repo, "image:\n  keep-cache: false\n")).data["images"][0]
    after = docker_engine.image_refs()
    assert after <= mid  # nothing is left behind: the tags go with their untagged parents
    assert not any(ref.startswith(removed["head"]["image_id"]) for ref in after)
    assert before <= mid
