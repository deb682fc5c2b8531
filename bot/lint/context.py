"""What every lint rule may look at besides the file it checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.changes import HeadTree
from bot.config import Config

Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class LintContext:
    config: Config = field(default_factory=Config)
    tree: HeadTree | None = None
    """Every file of the head commit (None when linting a lone file)."""


@dataclass(frozen=True)
class Sides(Generic[Parsed]):
    """The base and head versions of one changed file, both parsed: the subject of the rules that
    compare them (DH135, DH219)."""

    base: Parsed
    head: Parsed
