"""Lint Compose files and build contexts of real git repositories in tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.changes import ChangeSet, ResolvedRange, build_changeset
from bot.config import Config
from bot.git import GitRepo
from bot.lint.compose.analyzer import LintedCompose, lint_compose
from bot.lint.context import LintContext
from bot.lint.dockerignore.analyzer import analyze_dockerignore
from bot.lint.repoview import HEAD, RepoView
from bot.model import Finding
from bot.options import ReviewOptions
from bot.suggestions import apply_suggestion
from bot.workspace import Workspace
from tests.support.gitrepo import FileContent, GitRepoFactory


def text(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def changeset_of(make_repo: GitRepoFactory, head: dict[str, FileContent], base: dict[str, FileContent]) -> ChangeSet:
    repo = make_repo(base=base, head=head)
    return build_changeset(GitRepo.open(repo.path), ResolvedRange(repo.base, repo.head))


@dataclass
class ComposeCase:
    """A Compose file (and the other files of its repository) in a real head commit."""

    path: str
    text: str
    changes: ChangeSet
    config: Config = field(default_factory=Config)

    def lint(self, source: str | None = None) -> LintedCompose:
        view = RepoView(self.changes, HEAD)
        context = LintContext(self.config, self.changes.tree)
        return lint_compose(self.path, self.text if source is None else source, context, view, self.config.compose_sets)

    def findings(self, rule: str | None = None, source: str | None = None) -> list[Finding]:
        return [f for f in self.lint(source).findings if rule is None or f.rule == rule]

    def fixed(self, rule: str) -> str:
        """Apply the rule's suggestions one by one (linting again between) until none is left."""
        current = self.text
        for _ in range(10):
            with_fix = [f for f in self.findings(rule, current) if f.suggestion is not None]
            if not with_fix:
                return current
            suggestion = with_fix[0].suggestion
            assert suggestion is not None
            current = apply_suggestion(current, suggestion)
        raise AssertionError("suggestions did not converge")


ComposeFactory = Callable[..., ComposeCase]


def compose_factory(make_repo: GitRepoFactory) -> ComposeFactory:
    def make(
        source: str,
        files: dict[str, FileContent] | None = None,
        path: str = "compose.yaml",
        config: Config | None = None,
    ) -> ComposeCase:
        body = text(source)
        changes = changeset_of(make_repo, {path: body, **(files or {})}, {})
        return ComposeCase(path, body, changes, config or Config())

    return make


def context_findings(
    make_repo: GitRepoFactory,
    head: dict[str, FileContent],
    base: dict[str, FileContent] | None = None,
    rule: str | None = None,
) -> list[Finding]:
    """The .dockerignore analyzer's findings for a change from `base` to `head`."""
    changes = changeset_of(make_repo, {k: text(v) if isinstance(v, str) else v for k, v in head.items()}, base or {})
    section = analyze_dockerignore(changes, Config(), ReviewOptions(), Workspace())
    return [f for f in section.findings if rule is None or f.rule == rule]


def applied(source: str, finding: Finding) -> str:
    assert finding.suggestion is not None
    return apply_suggestion(text(source), finding.suggestion)
