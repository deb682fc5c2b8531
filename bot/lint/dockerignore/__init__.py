""".dockerignore rules, one module per family; `RULES` is their table (DH300 runs per file)."""

from __future__ import annotations

from typing import Any

from bot.lint.dockerignore.copied import excludes_copied, excludes_lockfile
from bot.lint.dockerignore.coverage import dockerignore_incomplete, dockerignore_missing
from bot.lint.dockerignore.syntax import dockerignore_syntax
from bot.rule import Rule

CONTEXT_RULES: tuple[Rule[Any, Any], ...] = (
    dockerignore_missing,
    dockerignore_incomplete,
    excludes_copied,
    excludes_lockfile,
)
"""Rules over one build context (`ContextReview`)."""

RULES: tuple[Rule[Any, Any], ...] = (dockerignore_syntax, *CONTEXT_RULES)
