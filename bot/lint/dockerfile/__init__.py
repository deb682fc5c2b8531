"""Dockerfile rules, one module per family; `RULES` is their table."""

from __future__ import annotations

from typing import Any

from bot.lint.dockerfile.commands import shell_form_command
from bot.lint.dockerfile.healthcheck import healthcheck_cannot_fail
from bot.lint.dockerfile.packages import apt_install_recommends, apt_lists_kept, pip_cache_kept
from bot.lint.dockerfile.syntax import dockerfile_syntax
from bot.lint.dockerfile.user import root_user
from bot.rule import Rule

RULES: tuple[Rule[Any, Any], ...] = (
    dockerfile_syntax,
    root_user,
    shell_form_command,
    apt_install_recommends,
    apt_lists_kept,
    pip_cache_kept,
    healthcheck_cannot_fail,
)
