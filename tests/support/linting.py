"""Lint tiny Dockerfiles in tests, and apply suggestions to check that they silence the rule."""

from __future__ import annotations

import textwrap

from bot.lint.context import LintContext
from bot.lint.dockerfile.analyzer import lint_dockerfile
from bot.model import Finding
from bot.suggestions import apply_suggestion


def dockerfile(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def lint(
    text: str, rule: str | None = None, context: LintContext | None = None, path: str = "Dockerfile"
) -> list[Finding]:
    _, findings = lint_dockerfile(path, dockerfile(text), context or LintContext())
    return [f for f in findings if rule is None or f.rule == rule]


def fixed(text: str, rule: str, context: LintContext | None = None, path: str = "Dockerfile") -> str:
    """Apply the rule's suggestions one by one (re-linting between) until none is left."""
    current = dockerfile(text)
    for _ in range(10):
        with_fix = [f for f in lint(current, rule, context, path) if f.suggestion is not None]
        if not with_fix:
            return current
        suggestion = with_fix[0].suggestion
        assert suggestion is not None
        assert 1 <= suggestion.start <= suggestion.end <= len(current.splitlines())
        current = apply_suggestion(current, suggestion)
    raise AssertionError("suggestions did not converge")
