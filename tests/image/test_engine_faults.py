"""Faults under the image builds.

The Docker engine dies in the middle of a build (a dockerd of this test's own, SIGKILLed while
a RUN step runs): a note that says so, no build-failure finding blamed on the Dockerfile, the
rest of the review reported, and exit code 2 (the review is incomplete). The temporary disk is
full: the same, with a note naming the disk."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.docker import DockerEngine, DockerUnavailable, kill_engine, private_engine
from tests.support.gitrepo import GitRepoFactory

pytestmark = pytest.mark.docker


@pytest.fixture
def doomed_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[DockerEngine]:
    try:
        with private_engine() as engine:
            monkeypatch.setenv("DOCKER_HOST", engine.host)
            monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(tmp_path / "cache"))
            yield engine
    except DockerUnavailable as reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the docker tests: {reason}")
        pytest.skip(f"no Docker engine of our own: {reason}")


def kill_when_a_step_runs(engine: DockerEngine, timeout: float = 120) -> threading.Thread:
    """SIGKILL the engine as soon as it runs a container (the RUN step being built)."""

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if engine.docker("ps", "--quiet", check=False).strip():
                kill_engine(engine)
                return
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_the_engine_dying_mid_build_is_a_note_and_exit_2(
    doomed_engine: DockerEngine, make_repo: GitRepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = doomed_engine.busybox_image()
    repo = make_repo(
        {"a/Dockerfile": f"FROM {base}\nUSER 1000\n", "b/Dockerfile": f"FROM {base}\nUSER 1000\n"},
        {"a/Dockerfile": f"FROM {base}\nRUN sleep 60\n", "b/Dockerfile": f"FROM {base}\nRUN echo b\nUSER 1000\n"},
    )
    watcher = kill_when_a_step_runs(doomed_engine)
    output = tmp_path / "review.json"
    started = time.monotonic()
    change = ["--repo", str(repo.path), "--base", repo.base, "--head", repo.head]
    code = main(["review", *change, "--no-scan", "--format", "json", "--output", str(output)])
    watcher.join(timeout=5)
    err = capsys.readouterr().err
    assert time.monotonic() - started < 60  # not waiting for the killed step
    assert code == 2
    assert "review incomplete: Images: the Docker engine stopped answering during the review" in err
    review = json.loads(output.read_text(encoding="utf-8"))
    image = review["sections"]["image"]
    assert image["interrupted"].startswith("the Docker engine stopped answering during the review")
    assert any("image(s) built and measured; the others were not" in note for note in image["notes"])
    rules = {(f["rule"], f["path"]) for f in review["findings"]}
    assert not any(rule.startswith("DH50") for rule, _ in rules)  # no build failure blamed on a Dockerfile
    assert ("DH101", "a/Dockerfile") in rules  # the lint of what was reviewed is all there


def test_a_full_temporary_disk_is_a_note_not_a_build_failure(
    make_repo: GitRepoFactory,
    busybox_image: Callable[..., str],
    full_disk: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The checkouts to build from go to the temporary directory; it is full (a real ENOSPC)."""
    base = busybox_image()
    repo = make_repo({"Dockerfile": f"FROM {base}\nUSER 1000\n"}, {"Dockerfile": f"FROM {base}\nRUN echo $X\n"})
    monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(full_disk()))
    output = tmp_path / "review.json"
    change = ["--repo", str(repo.path), "--base", repo.base, "--head", repo.head]
    code = main(["review", *change, "--no-scan", "--format", "json", "--output", str(output)])
    err = capsys.readouterr().err
    assert code == 2
    assert "the commits could not be checked out: no space left on the disk of" in err
    review = json.loads(output.read_text(encoding="utf-8"))
    assert "no space left" in review["sections"]["image"]["interrupted"]
    assert any("not shell-checked" in note for note in review["sections"]["dockerfile"]["notes"])
    rules = {f["rule"] for f in review["findings"]}
    assert "DH101" in rules and not any(rule.startswith("DH50") for rule in rules)
