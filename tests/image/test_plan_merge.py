"""Plan/merge on a real engine: `dockhand plan`, one `review --only` per image, `dockhand merge`
gives the review that one runner building everything would have given."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.model import Review
from bot.report.json_load import review_from_json
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory, Repo

pytestmark = pytest.mark.docker


def service(base: str, size_kb: int, user: bool) -> str:
    lines = [f"FROM {base}", f"RUN dd if=/dev/zero of=/blob bs=1000 count={size_kb}", "RUN cd /tmp && ls $HOME"]
    return "\n".join([*lines, *(["USER 1000"] if user else []), 'CMD ["sh"]']) + "\n"


@pytest.fixture
def monorepo(make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine) -> Repo:
    base = busybox_image()
    before = {f"svc{n}/Dockerfile": service(base, 10, True) for n in range(3)}
    after = {"svc0/Dockerfile": service(base, 300, True), "svc1/Dockerfile": service(base, 10, False)}
    after["svc2/Dockerfile"] = before["svc2/Dockerfile"]
    after |= {"svc2/app.txt": "changed context\n", "requirements.txt": "flask==2.0.0\n"}
    return make_repo({**before, "requirements.txt": "flask==3.0.0\n"}, after)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(review: Review) -> set[tuple[str, str, int | None, str]]:
    return {(f.rule, f.path, f.line, f.fingerprint) for f in review.findings}


def images(review: Review) -> dict[str, int | None]:
    section = next(s for s in review.sections if s.key == "image")
    return {image["dockerfile"]: image["size_delta_bytes"] for image in section.data["images"]}


def test_plan_review_only_and_merge_give_the_review_of_one_runner(
    monorepo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = ["--repo", str(monorepo.path), "--base", monorepo.base, "--head", monorepo.head]
    code, out, err = cli(capsys, "plan", *change)
    assert code == 0, err
    planned = json.loads(out)["include"]
    assert sorted(entry["name"] for entry in planned) == ["svc0/Dockerfile", "svc1/Dockerfile", "svc2/Dockerfile"]
    assert "3 image(s) to build in 3 matrix job(s)" in err

    files = []
    for index, entry in enumerate(planned):
        output = tmp_path / f"review-{index}.json"
        code, _, err = cli(
            capsys,
            "review",
            *change,
            "--only",
            entry["image"],
            "--no-scan",
            "--format",
            "json",
            "--output",
            str(output),
        )
        assert code in (0, 1), err
        job = review_from_json(output.read_text(encoding="utf-8"))
        assert list(images(job)) == [entry["name"]]  # each job built its own image, and only it
        files.append(str(output))

    merged_path = tmp_path / "merged.json"
    code, _, err = cli(
        capsys, "merge", *files, "--matrix", out, "--no-publish", "--format", "json", "--output", str(merged_path)
    )
    merged = review_from_json(merged_path.read_text(encoding="utf-8"))
    whole_path = tmp_path / "whole.json"
    cli(capsys, "review", *change, "--no-scan", "--format", "json", "--output", str(whole_path))
    whole = review_from_json(whole_path.read_text(encoding="utf-8"))

    assert code == (1 if whole.verdict.value == "fail" else 0), err
    assert findings(merged) == findings(whole)
    assert len(merged.findings) == len(whole.findings)  # the lint every job reports is there once
    assert images(merged) == images(whole)
    assert images(merged)["svc0/Dockerfile"] is not None and images(merged)["svc0/Dockerfile"] >= 290_000
    assert (merged.verdict, merged.reason) == (whole.verdict, whole.reason)
    checklists = next(s for s in merged.sections if s.key == "hardening").data["checklists"]
    assert all(checklist["image_sides"] for checklist in checklists)  # each from the job that built its image


def test_a_matrix_job_that_left_no_review_is_named_and_fails_the_merge(
    monorepo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = ["--repo", str(monorepo.path), "--base", monorepo.base, "--head", monorepo.head]
    _, plan_out, _ = cli(capsys, "plan", *change)
    first = json.loads(plan_out)["include"][0]
    output = tmp_path / "review-0.json"
    cli(capsys, "review", *change, "--only", first["image"], "--no-scan", "--format", "json", "--output", str(output))
    code, out, err = cli(capsys, "merge", str(output), "--matrix", plan_out, "--no-publish", "--format", "markdown")
    assert code == 2
    assert "no review of svc1/Dockerfile: its matrix job left none" in err
    assert "no review of svc1/Dockerfile" in out and first["name"] in out
