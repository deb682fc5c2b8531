"""`dockhand demo`: the built-in example reviewed end to end, without touching the user's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import make_demo_repository, remove_demo_repository


def test_demo_reviews_a_regressing_change(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["demo", "--format", "json", "--no-build", "--no-scan"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "fail"
    rules = {f["rule"] for f in data["findings"]}
    assert {"DH101", "DH102", "DH103", "DH104", "DH105", "DH106"} <= rules
    assert {f["path"] for f in data["files"]} >= {"Dockerfile", "compose.yaml", "requirements.txt"}
    assert list(tmp_path.iterdir()) == []


def test_demo_markdown_is_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--no-build", "--no-scan"]) == 0
    out = capsys.readouterr().out
    assert "NO-GO" in out
    assert "```diff" in out


def test_demo_repository_has_base_and_head_branches(tmp_path: Path) -> None:
    root = make_demo_repository(tmp_path)
    try:
        assert (root / ".dockerignore").exists()
        assert (root / "Dockerfile").read_text().startswith("# syntax=")
    finally:
        remove_demo_repository(root)
    assert not root.exists()


def test_demo_files_copy_skips_folders_an_install_adds(tmp_path: Path) -> None:
    from bot.demo import _copy_tree

    source = tmp_path / "source"
    (source / "__pycache__").mkdir(parents=True)
    (source / "dockerignore").write_text(".git\n")
    target = tmp_path / "target"
    target.mkdir()
    _copy_tree(source, target)
    assert [p.name for p in target.iterdir()] == [".dockerignore"]
