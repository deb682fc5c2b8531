"""Every Dockerfile of the developer corpus: linted without a crash, findings at real lines,
and every suggestion applies to a file that still parses and quiets its finding."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.filekinds import Family, classify
from bot.lint.context import LintContext
from bot.lint.dockerfile.analyzer import lint_dockerfile, lint_dockerfiles
from bot.suggestions import apply_suggestion
from bot.text import decode

ROOT = Path(__file__).resolve().parents[3]
CORPUS = next(
    (p for p in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus") if p.is_dir()), None
)


def corpus_dockerfiles() -> list[tuple[str, str]]:
    if CORPUS is None:
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        kind = classify(path.name)
        if path.is_file() and kind is not None and kind.family is Family.DOCKERFILE:
            text = decode(path.read_bytes()).text
            if text is not None:
                found.append((str(path.relative_to(CORPUS)), text))
    return found


pytestmark = pytest.mark.skipif(CORPUS is None, reason="the shared corpus is not next to this checkout")


def test_every_corpus_dockerfile_lints_with_findings_at_real_lines() -> None:
    files = corpus_dockerfiles()
    assert len(files) > 100
    linted, notes = lint_dockerfiles(files, LintContext())
    assert notes == []
    for item in linted:
        for finding in item.findings:
            assert 1 <= (finding.line or 0) <= len(item.dockerfile.lines), (item.path, finding)
            assert finding.line <= (finding.end_line or 0) <= len(item.dockerfile.lines), (item.path, finding)
            if finding.column is not None:
                assert 1 <= finding.column <= len(item.dockerfile.lines[finding.line - 1]) + 1, (item.path, finding)
    rules = Counter(f.rule for item in linted for f in item.findings)
    assert rules["shellcheck:SC2086"] > 0 and rules["DH101"] > 0


def test_every_corpus_suggestion_applies_and_quiets_its_rule() -> None:
    applied = 0
    for path, text in corpus_dockerfiles():
        _parsed, findings = lint_dockerfile(path, text, LintContext())
        for finding in findings:
            if finding.suggestion is None:
                continue
            result = apply_suggestion(text, finding.suggestion)
            parsed, again = lint_dockerfile(path, result, LintContext())
            assert not parsed.errors, (path, finding.rule, finding.suggestion)
            before = sum(1 for f in findings if f.rule == finding.rule)
            assert sum(1 for f in again if f.rule == finding.rule) < before, (path, finding.rule)
            applied += 1
    assert applied > 20
