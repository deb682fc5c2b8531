"""File names that are shell code or options reach every external program as data.

A pull request adds files and directories named `$(touch pwned)`, `` `touch pwned` ``, `-rf`,
`--output=x` and a name with a newline, builds them into an image, lists them in Compose and
dependency files, and gets reviewed end to end with the real git, docker, shellcheck and
trivy, each wrapped to record its argument lists. Nothing runs the names: no `pwned` and no
`x` appear anywhere, and every argument that holds one comes after `--` or as an option's
value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import review_repository
from bot.options import ReviewOptions
from bot.report.markdown import render_markdown
from bot.scan.trivy import find_trivy
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory
from tests.support.recording import Recorder, record_programs
from tests.support.trivydb import write_trivy_db

NAMES = ("$(touch pwned)", "`touch pwned`", "-rf", "--output=x", "new\nline")
VALUE_OPTIONS = {"--file", "--build-arg", "--target", "--tag", "--iidfile", "-f"}


def hostile_repository(base_image: str) -> dict[str, str]:
    dockerfile = f'FROM {base_image}\nCOPY . /app/\nRUN ls /app && echo "$(ls /app)"\n'
    files: dict[str, str] = {}
    for name in NAMES:
        files[f"{name}/Dockerfile"] = dockerfile
        files[f"{name}/{name}"] = "data\n"
        files[f"{name}/requirements.txt"] = "requests==2.31.0\n"
    files["compose.yaml"] = json.dumps(
        {
            "services": {
                "svc": {"build": {"context": "./-rf", "args": {"--output": "x", "A": "$(touch pwned)"}}},
                "--output=x": {"image": "busybox:1.36", "command": ["$(touch pwned)", "-rf", "--output=x"]},
            }
        },
        indent=2,
    )
    return files


def check_arguments(recorder: Recorder) -> None:
    """Every argument holding a hostile name is after `--` or the value of an option."""
    for call in recorder.calls():
        args: list[str] = call["args"]
        end_of_options = args.index("--") if "--" in args else len(args)
        for index, arg in enumerate(args):
            if not any(name in arg for name in NAMES):
                continue
            as_value = index > 0 and args[index - 1] in VALUE_OPTIONS
            assert index > end_of_options or as_value, (call["program"], args)


def no_side_effects(*places: Path) -> None:
    for place in places:
        created = [p for p in place.rglob("*") if p.name in {"pwned", "x"}]
        assert created == [], created


def test_names_reach_git_and_shellcheck_as_data(
    make_repo: GitRepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = record_programs(tmp_path / "bin", monkeypatch)
    repo = make_repo(base={"README.md": "x\n"}, head=hostile_repository("busybox:1.36"))
    monkeypatch.chdir(repo.path)
    review = review_repository(repo.path, repo.base, repo.head, None, ReviewOptions(build=False, scan=False))
    assert {c["program"] for c in recorder.calls()} >= {"git", "shellcheck"}
    check_arguments(recorder)
    no_side_effects(repo.path, tmp_path)
    assert "-rf/Dockerfile" in {f.path for f in review.findings}
    assert "pwned" not in {p.name for p in Path.cwd().iterdir()}
    render_markdown(review)


@pytest.mark.docker
def test_names_reach_docker_and_trivy_as_data(
    make_repo: GitRepoFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    busybox_image: Callable[..., str],
    docker_engine: DockerEngine,
) -> None:
    recorder = record_programs(tmp_path / "bin", monkeypatch)
    monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(tmp_path / "cache"))
    repo = make_repo(base={"README.md": "x\n"}, head=hostile_repository(busybox_image()))
    config = tmp_path / "dockhand.yml"
    config.write_text("image:\n  max-images: 3\n")
    monkeypatch.chdir(repo.path)
    cache = tmp_path / "trivy-cache"
    write_trivy_db(cache)
    options = ReviewOptions(scan=True, offline=True, trivy_cache_dir=cache)
    review = review_repository(repo.path, repo.base, repo.head, config, options)
    image = next(s for s in review.sections if s.key == "image")
    built = [i for i in image.data["images"] if i["head"]["built"]]
    assert built, image.notes  # the hostile names went into real builds
    programs = {c["program"] for c in recorder.calls()}
    assert {"git", "docker", "shellcheck"} <= programs
    if find_trivy() is not None:
        scans = [c["args"][0] for c in recorder.calls("trivy")]
        assert {"fs", "image", "config"} <= set(scans), scans  # the files and images were scanned
    check_arguments(recorder)
    no_side_effects(repo.path, tmp_path)
    for call in recorder.calls("docker"):
        assert Path(call["cwd"]).exists()


@pytest.mark.parametrize(
    "args",
    [["diff", "base", "head", "--output=x/Dockerfile"], ["build", "--tag", "t", "-rf/x", "--", "."]],
)
def test_the_check_catches_a_name_taken_for_an_option(tmp_path: Path, args: list[str]) -> None:
    recorder = Recorder(tmp_path, tmp_path / "calls.jsonl")
    recorder.log.write_text(json.dumps({"program": "git", "args": args, "cwd": "/"}) + "\n")
    with pytest.raises(AssertionError):
        check_arguments(recorder)
