"""Real files from /work/shared/corpus (unmodified copies of public repositories' files)."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/corpus")


def corpus_text(relative: str) -> str:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus file {relative} not present")
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def corpus_files(case: str, side: str) -> dict[str, bytes]:
    if not (CORPUS / case).exists():
        pytest.skip(f"corpus case {case} not present")
    root = CORPUS / case / side
    if not root.exists():
        return {}  # the commit added (no base) or deleted (no head) every file
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
