"""What is skipped is said: --no-build, no engine. The rest of the review goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.image.history import history_keyword
from tests.image.conftest import image_section, review_repo
from tests.support.gitrepo import GitRepoFactory

FILES = {"Dockerfile": "FROM busybox\nUSER 1000\n"}


def test_no_build_is_a_note(make_repo: GitRepoFactory) -> None:
    review = review_repo(make_repo({}, FILES), build=False)
    section = image_section(review)
    assert section.notes == ("image builds skipped (--no-build)",)
    assert section.data == {"size_delta_bytes": 0, "images": [], "seconds": section.data["seconds"]}


def test_an_engine_that_does_not_answer_is_a_note(
    make_repo: GitRepoFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no.sock")
    review = review_repo(make_repo({}, FILES))
    notes = image_section(review).notes
    assert [n for n in notes if n.startswith("images not built (Dockerfile): ")], notes
    assert {"dockerfile", "image"} <= {s.key for s in review.sections}


def test_no_docker_client_is_a_note(make_repo: GitRepoFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    monkeypatch.setenv("PATH", str(bin_dir))
    notes = image_section(review_repo(make_repo({}, FILES))).notes
    assert "images not built (Dockerfile): docker is not installed (no `docker` on PATH)" in notes


@pytest.mark.parametrize(
    ("created_by", "keyword"),
    [
        ("/bin/sh -c #(nop)  ENV A=b", "ENV"),
        ("/bin/sh -c #(nop) COPY dir:0473ba in /data2 ", "COPY"),
        ("|1 SIZE=1 /bin/sh -c dd if=/dev/zero of=/x", "RUN"),
        ("RUN /bin/sh -c apt-get update # buildkit", "RUN"),
        ("COPY /app /app # buildkit", "COPY"),
        ("WORKDIR /app", "WORKDIR"),
        ("", "RUN"),
    ],
)
def test_history_keyword_of_each_builder(created_by: str, keyword: str) -> None:
    assert history_keyword(created_by) == keyword
