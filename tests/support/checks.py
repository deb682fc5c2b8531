"""Rule checks with a config or a head tree, and whole reviews of real repositories.

Builds on `tests.support.linting`: `hits` is its `lint` with the rule first and keyword options,
`fixed` applies the rule's suggestions and asserts the rule is then silent.
"""

from __future__ import annotations

from bot.changes import ChangeSet, HeadTree, build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.lint.context import LintContext
from bot.model import Finding, Review
from bot.options import ReviewOptions
from bot.pipeline import run_review
from tests.support import linting
from tests.support.gitrepo import Repo


def hits(
    rule_id: str, text: str, *, path: str = "Dockerfile", config: Config | None = None, tree: HeadTree | None = None
) -> list[Finding]:
    return linting.lint(text, rule_id, LintContext(config or Config(), tree), path)


def fixed(
    rule_id: str, text: str, *, path: str = "Dockerfile", config: Config | None = None, tree: HeadTree | None = None
) -> str:
    """The text with the rule's suggestions applied; fails unless there was one and the rule is then silent."""
    assert any(f.suggestion for f in hits(rule_id, text, path=path, config=config, tree=tree)), f"no {rule_id} fix"
    result = linting.fixed(text, rule_id, LintContext(config or Config(), tree), path)
    assert hits(rule_id, result, path=path, config=config, tree=tree) == [], f"{rule_id} still fires:\n{result}"
    return result


def head_tree(repo: Repo) -> HeadTree:
    return HeadTree(GitRepo.open(repo.path), repo.head)


def changeset(repo: Repo) -> ChangeSet:
    git = GitRepo.open(repo.path)
    return build_changeset(git, resolve_range(git, "main", repo.head))


def review(repo: Repo, config: Config | None = None) -> Review:
    """The whole review of `repo`'s branch against main, without image builds or scans."""
    return run_review(changeset(repo), config or Config(), ReviewOptions(build=False, scan=False))
