"""Every real base/head pair of ../shared/corpus, reviewed: no crash, every finding at a real line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import review_repository
from bot.options import ReviewOptions
from bot.text import split_lines
from tests.support.gitrepo import git


def find_corpus() -> Path:
    """DOCKHAND_CORPUS, else ../shared/corpus beside the checkout, else the workplace's copy."""
    candidates = [
        os.environ.get("DOCKHAND_CORPUS", ""),
        str(Path(__file__).resolve().parents[2] / "shared" / "corpus"),
        "/work/shared/corpus",
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), Path(candidates[1]))


CORPUS = find_corpus()
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


def test_the_corpus_is_there_in_ci() -> None:
    if os.environ.get("CI") == "true":
        assert CASES, f"no corpus at {CORPUS}: set DOCKHAND_CORPUS"


def materialise(case: Path, root: Path) -> None:
    """Base and head of a case as two commits (files copied without the corpus's read-only modes)."""
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    for side in ("base", "head"):
        for path in root.iterdir():
            if path.name != ".git":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        source = case / side
        if source.is_dir():
            subprocess.run(["cp", "-r", "--no-preserve=mode", f"{source}/.", str(root)], check=True)
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--allow-empty", "-m", side)


@pytest.mark.skipif(not CASES, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: str, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    materialise(CORPUS / case, root)
    review = review_repository(root, "HEAD~1", "HEAD", None, ReviewOptions(build=False, scan=False))

    problems = [note for section in review.sections for note in section.notes if "internal error" in note]
    assert problems == []
    head_files = {f.path for f in review.files if f.status != "deleted"}
    for finding in review.findings:
        assert finding.path in head_files, finding
        text = (root / finding.path).read_text(encoding="utf-8", errors="replace")
        line_count = len(split_lines(text.replace("\r\n", "\n")))
        assert finding.line is not None and 1 <= finding.line <= line_count, finding
        assert finding.end_line is not None and finding.line <= finding.end_line <= line_count, finding
        if finding.suggestion is not None:
            assert 1 <= finding.suggestion.start <= finding.suggestion.end <= line_count, finding
