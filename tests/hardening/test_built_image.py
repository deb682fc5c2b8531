"""The checklist with images really built by the image analyzer (a real Docker engine)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.changes import build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.options import ReviewOptions
from bot.pipeline import run_review
from tests.support.gitrepo import GitRepoFactory

pytestmark = pytest.mark.docker


def test_user_init_and_healthcheck_rows_come_from_the_built_images(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(tmp_path / "cache"))
    base_image = busybox_image()
    before = (
        f'FROM {base_image}\nUSER 1000\nEXPOSE 8080\nHEALTHCHECK CMD wget -qO- localhost:8080 || exit 1\nCMD ["sh"]\n'
    )
    after = f'FROM {base_image}\nEXPOSE 8080\nHEALTHCHECK CMD wget -qO- localhost:8080 || exit 1\nCMD ["sh"]\n'
    repo = make_repo({"Dockerfile": before}, {"Dockerfile": after})
    git = GitRepo.open(repo.path)
    review = run_review(
        build_changeset(git, resolve_range(git, repo.base, repo.head)), Config(), ReviewOptions(scan=False)
    )
    section = next(s for s in review.sections if s.key == "hardening")
    rows = {row[0]: row for row in section.tables[0].rows}
    assert rows["Non-root user"][1:4] == (
        "✅ the image runs as 1000",
        "❌ the image runs as root (no user set)",
        "⚠️ regressed",
    )
    assert rows["Health check that can fail"][2] == "✅ the image's health check"
    assert rows["Init for PID 1"][2] == "❌ PID 1 is `sh`"
    for label in ("Non-root user", "Init for PID 1", "Health check that can fail"):
        assert rows[label][5] == "verified in the built image"
    assert rows["Pinned base image"][5] == "read from the Dockerfile"
    assert "verified in the built image (base and head)" in section.tables[0].note
    assert section.findings == ()  # DH101 reports the lost USER already: no second finding
    assert "DH101" in {f.rule for f in review.findings}


def test_a_health_check_whose_program_the_built_image_lacks_cannot_pass(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKHAND_CACHE_DIR", str(tmp_path / "cache"))
    base_image = busybox_image()  # busybox's applets: wget and sh, no curl
    text = f'FROM {base_image}\nUSER 1000\nEXPOSE 8080\nHEALTHCHECK CMD {{probe}} || exit 1\nCMD ["sh"]\n'
    repo = make_repo(
        {"Dockerfile": text.format(probe="wget -qO- localhost:8080")},
        {"Dockerfile": text.format(probe="curl -fsS localhost:8080")},
    )
    git = GitRepo.open(repo.path)
    review = run_review(
        build_changeset(git, resolve_range(git, repo.base, repo.head)), Config(), ReviewOptions(scan=False)
    )
    section = next(s for s in review.sections if s.key == "hardening")
    row = {row[0]: row for row in section.tables[0].rows}["Health check that can fail"]
    assert row[1:4] == ("✅ the image's health check", "❌ cannot pass: the image has no `curl`", "⚠️ regressed")
    assert row[5] == "verified in the built image"
