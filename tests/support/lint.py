"""Linting tiny inline Dockerfiles in tests: findings of one rule, and applying suggestions."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.changes import ChangeSet, HeadTree, build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.lint.context import LintContext
from bot.lint.dockerfile.analyzer import lint_dockerfile
from bot.model import Finding, Review
from bot.options import ReviewOptions
from bot.pipeline import run_review
from bot.suggestions import apply_suggestion
from tests.support.gitrepo import Repo


def dockerfile(text: str) -> str:
    """Dedent an inline Dockerfile and end it with a newline."""
    return textwrap.dedent(text).lstrip("\n")


def lint(
    text: str, *, path: str = "Dockerfile", config: Config | None = None, tree: HeadTree | None = None
) -> list[Finding]:
    _parsed, findings = lint_dockerfile(path, dockerfile(text), LintContext(config or Config(), tree))
    return findings


def hits(rule_id: str, text: str, **options: object) -> list[Finding]:
    return [f for f in lint(text, **options) if f.rule == rule_id]  # type: ignore[arg-type]


def fixed(rule_id: str, text: str, **options: object) -> str:
    """Apply the rule's (first) suggestion, check the rule is then silent, return the new text."""
    source = dockerfile(text)
    found = [f for f in hits(rule_id, source, **options) if f.suggestion is not None]
    assert found, f"{rule_id} offers no suggestion"
    result = apply_suggestion(source, found[0].suggestion)  # type: ignore[arg-type]
    assert hits(rule_id, result, **options) == [], f"{rule_id} still fires after its fix:\n{result}"
    return result


def head_tree(repo: Repo) -> HeadTree:
    return HeadTree(GitRepo.open(repo.path), repo.head)


def changeset(repo: Repo) -> ChangeSet:
    git = GitRepo.open(repo.path)
    return build_changeset(git, resolve_range(git, "main", repo.head))


def review(repo: Repo, config: Config | None = None) -> Review:
    return run_review(changeset(repo), config or Config(), ReviewOptions(build=False, scan=False))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
