"""What every lint rule may look at besides the file it checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.changes import HeadTree
from bot.config import Config

if TYPE_CHECKING:
    from bot.lint.compose_uses import ComposeUse

Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class LintContext:
    config: Config = field(default_factory=Config)
    tree: HeadTree | None = None
    """Every file of the head commit (None when linting a lone file)."""
    compose: Mapping[str, tuple[ComposeUse, ...]] = field(default_factory=dict)
    """The Compose services that build each Dockerfile, by its path (bot/lint/compose_uses.py)."""


@dataclass(frozen=True)
class Sides(Generic[Parsed]):
    """The base and head versions of one changed file, both parsed: the subject of the rules that
    compare them (DH135, DH219)."""

    base: Parsed
    head: Parsed
