"""What every dependency rule may look at besides the file it checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config
from bot.deps.diff import Change
from bot.deps.projects import Side

LOCK_COMMANDS = {
    "uv.lock": "uv lock",
    "poetry.lock": "poetry lock",
    "pipfile.lock": "pipenv lock",
    "package-lock": "npm install",
    "yarn.lock": "yarn install",
    "pnpm-lock": "pnpm install",
    "cargo.lock": "cargo update --workspace",
    "go.sum": "go mod tidy",
}


@dataclass(frozen=True)
class DepContext:
    config: Config
    side: Side
    """The side (base or head) the checked file belongs to: its lock files, includes, siblings."""
    changes: tuple[Change, ...] = ()
    """What changed in the checked file (empty when checking the base side)."""
    all_changes: dict[str, tuple[Change, ...]] = field(default_factory=dict)
    """What changed in every dependency file of the change, by path."""
