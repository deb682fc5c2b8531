"""The dependency rules, in id order."""

from __future__ import annotations

from typing import Any

from bot.deps.rules.downgrade import dependency_downgrade
from bot.deps.rules.duplicates import duplicate_dependency
from bot.deps.rules.lock_sync import lock_not_updated, lock_out_of_sync
from bot.deps.rules.paths import dependency_outside_repository
from bot.deps.rules.syntax import dependency_syntax
from bot.deps.rules.unpinned import unpinned_dependency
from bot.deps.rules.vcs import unpinned_vcs_dependency
from bot.rule import Rule

RULES: tuple[Rule[Any, Any], ...] = (
    dependency_syntax,
    dependency_downgrade,
    unpinned_dependency,
    lock_not_updated,
    lock_out_of_sync,
    duplicate_dependency,
    unpinned_vcs_dependency,
    dependency_outside_repository,
)
