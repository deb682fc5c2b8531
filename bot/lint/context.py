"""What every lint rule may look at besides the file it checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.changes import HeadTree
from bot.config import Config


@dataclass(frozen=True)
class LintContext:
    config: Config = field(default_factory=Config)
    tree: HeadTree | None = None
    """Every file of the head commit (None when linting a lone file)."""
