"""A pull request that points outside the repository: symbolic links to files of the runner,
`..` and absolute paths in Compose (`build.context`, `env_file`, `extends`, `include`,
secrets), COPY sources above the build context, a config that lists a context outside.

Nothing outside is ever read, by dockhand or by the programs it runs: inotify watches canary
files and the directory above the repository, and sees every open by any process (git, the
docker client, the Docker engine). Each such path is reported where it is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import review_repository
from bot.model import Review
from bot.options import ReviewOptions
from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from tests.support.docker import DockerEngine
from tests.support.gitrepo import git, write_tree
from tests.support.inotify import InotifyUnavailable, Watch

CANARIES = {"shadow": "root:CanaryShadow-5f1e9c:19000:0:99999:7:::\n", "secret.env": "API_TOKEN=CanaryEnv-7d2a44\n"}
CANARY_TEXTS = ("CanaryShadow", "CanaryEnv", "CanaryCompose", "CanaryReqs")
COMPOSE = """\
include:
  - ../../compose.yml
services:
  parent:
    build: ../..
  absolute:
    build:
      context: {outer}
  envs:
    image: busybox:1.36
    env_file: [../../secret.env, {outer}/secret.env]
  extended:
    extends:
      file: ../../compose.yml
      service: base
  web:
    build: ./web
secrets:
  key:
    file: ../../shadow
"""


@dataclass
class Outside:
    outer: Path
    """The directory above the repository (`../..` from its root): canaries live here."""
    repo: Path
    base: str
    head: str

    def watch(self) -> Watch:
        return Watch([self.outer, *(self.outer / name for name in ("shadow", "secret.env", "compose.yml", "reqs.txt"))])


def touched(watch: Watch) -> list[str]:
    """Canary files opened, or the directory above the repository listed: reads outside."""
    canaries = {"shadow", "secret.env", "compose.yml", "reqs.txt", ""}
    return [f"{p}/{n}" for p, n, _ in watch.read() if n in canaries]


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Outside]]:
    """`outside(base_image)`: the repository at OUTER/p/repo; checkouts for builds go to OUTER too,
    so `../..` from a checkout is also the watched directory."""
    outer = tmp_path / "outer"
    outer.mkdir()
    for name, text in CANARIES.items():
        (outer / name).write_text(text)
    (outer / "compose.yml").write_text("services:\n  base:\n    image: busybox\n    environment: [X=CanaryCompose]\n")
    (outer / "reqs.txt").write_text("canary-reqs==1.0  # CanaryReqs\n")
    monkeypatch.setattr(tempfile, "tempdir", str(outer))
    monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(tmp_path / "cache"))

    def make(base_image: str) -> Outside:
        repo = outer / "p" / "repo"
        repo.mkdir(parents=True)
        git(repo, "init", "--quiet", "--initial-branch=main")
        write_tree(repo, {"README.md": "x\n"})
        git(repo, "add", "--all")
        git(repo, "commit", "--quiet", "-m", "base")
        base = git(repo, "rev-parse", "HEAD")
        git(repo, "checkout", "--quiet", "-b", "pr")
        write_tree(
            repo,
            {
                "compose.yaml": COMPOSE.format(outer=outer),
                "svc/Dockerfile": f"FROM {base_image}\nCOPY app.txt /app/\nCOPY ../../shadow /x\n",
                "svc/app.txt": "hi\n",
                "web/Dockerfile": f'FROM {base_image}\nCOPY . /web/\nCMD ["cat", "/web/link"]\n',
                "web/index.html": "<p>hi</p>\n",
                "requirements.txt": "-r ../../reqs.txt\nrequests==2.31.0\n",
            },
        )
        os.symlink(outer / "shadow", repo / "Dockerfile")
        os.symlink("../../../shadow", repo / "web" / "link")
        os.symlink(outer / "secret.env", repo / "web" / ".dockerignore")
        git(repo, "add", "--all")
        git(repo, "commit", "--quiet", "-m", "head")
        return Outside(outer, repo, base, git(repo, "rev-parse", "HEAD"))

    yield make


def review_watched(case: Outside, options: ReviewOptions) -> tuple[Review, list[str]]:
    try:
        with case.watch() as watch:
            review = review_repository(case.repo, case.base, case.head, None, options)
    except InotifyUnavailable as reason:
        pytest.skip(f"no inotify: {reason}")
    return review, touched(watch)


def test_nothing_outside_is_read_and_every_path_is_reported(outside: Callable[[str], Outside]) -> None:
    case = outside("busybox:1.36")
    review, reads = review_watched(case, ReviewOptions(build=False, scan=False))
    assert reads == []
    report = render_markdown(review) + render_json(review)
    assert not [text for text in CANARY_TEXTS if text in report]
    lines = {(f.path, f.rule, f.line) for f in review.findings}
    assert ("svc/Dockerfile", "DH134", 3) in lines
    assert {line for path, rule, line in lines if rule == "DH218"} == {2, 5, 8, 11, 14, 20}
    notes = {f.path: f.notes for f in review.files}
    assert "symbolic link on the head side: not followed, not reviewed" in notes["Dockerfile"]
    assert "symbolic link on the head side: not followed, not reviewed" in notes["web/.dockerignore"]


@pytest.mark.docker
def test_builds_never_send_or_read_anything_outside(
    outside: Callable[[str], Outside], busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    case = outside(busybox_image())
    review, reads = review_watched(case, ReviewOptions(scan=False))
    assert reads == []  # not the canaries, not the directory above: no context of `../..` was sent
    image = next(s for s in review.sections if s.key == "image")
    notes = " ".join(image.notes)
    assert "service parent has its build context `../..` outside the repository: not built" in notes
    assert "removed before building" in notes and "web/link" in notes and "web/.dockerignore" in notes
    built = {i["dockerfile"]: i for i in image.data["images"]}
    assert built["web/Dockerfile"]["head"]["built"] is True
    assert built["svc/Dockerfile"]["head"]["failure"]["line"] == 3  # COPY ../../shadow: refused
    assert not [text for text in CANARY_TEXTS if text in render_markdown(review) + render_json(review)]


@pytest.mark.docker
def test_a_config_listing_a_context_outside_builds_nothing(
    outside: Callable[[str], Outside], busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    case = outside(busybox_image())
    config = case.repo / ".github" / "dockhand.yml"
    config.parent.mkdir()
    config.write_text("image:\n  images:\n    - {dockerfile: web/Dockerfile, context: ../..}\n")
    try:
        with case.watch() as watch:
            review = review_repository(case.repo, case.base, case.head, config, ReviewOptions(scan=False))
    except InotifyUnavailable as reason:
        pytest.skip(f"no inotify: {reason}")
    assert touched(watch) == []
    image = next(s for s in review.sections if s.key == "image")
    assert image.data["images"] == []
    assert any("build context ../.. is outside the repository" in note for note in image.notes)
