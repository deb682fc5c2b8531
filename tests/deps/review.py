"""Review a base/head pair of file trees through the real pipeline, in a real git repository."""

from __future__ import annotations

from bot.changes import build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.model import Finding, Review, Section
from bot.options import ReviewOptions
from bot.pipeline import run_review
from bot.suggestions import apply_suggestion
from tests.support.gitrepo import FileContent, GitRepoFactory


def review(
    make_repo: GitRepoFactory,
    base: dict[str, FileContent],
    head: dict[str, FileContent],
    config: Config | None = None,
    max_file_bytes: int | None = None,
) -> Review:
    repo = make_repo(base, head)
    git = GitRepo(repo.path)
    commits = resolve_range(git, repo.base, repo.head)
    changes = build_changeset(git, commits, max_file_bytes) if max_file_bytes else build_changeset(git, commits)
    return run_review(changes, config or Config(), ReviewOptions(build=False, scan=False))


def section(result: Review) -> Section:
    return next(s for s in result.sections if s.key == "dependencies")


def findings(result: Review, rule: str) -> list[Finding]:
    return [f for f in section(result).findings if f.rule == rule]


def applied(text: str, finding: Finding) -> str:
    assert finding.suggestion is not None
    return apply_suggestion(text, finding.suggestion)
