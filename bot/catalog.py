"""Every rule dockhand has, in one table: the source of `dockhand rules` and docs/rules.md."""

from __future__ import annotations

from typing import Any

from bot.deps.rules import RULES as DEPENDENCY_RULES
from bot.hardening.analyzer import hardening_regression
from bot.image.rules import RULES as IMAGE_RULES
from bot.lint.compose import RULES as COMPOSE_RULES
from bot.lint.compose.downgrade import compose_image_downgrade
from bot.lint.dockerfile import RULES as DOCKERFILE_RULES
from bot.lint.dockerfile.base_downgrade import base_image_downgrade
from bot.lint.dockerignore import RULES as DOCKERIGNORE_RULES
from bot.rule import Rule
from bot.scan.misconfig import check_codes
from bot.scan.rules import RULES as SCAN_RULES

ALL_RULES: tuple[Rule[Any, Any], ...] = tuple(
    sorted(
        (
            *DOCKERFILE_RULES,
            hardening_regression,
            base_image_downgrade,
            *COMPOSE_RULES,
            compose_image_downgrade,
            *DOCKERIGNORE_RULES,
            *DEPENDENCY_RULES,
            *IMAGE_RULES,
            *SCAN_RULES,
        ),
        key=lambda rule: rule.id,
    )
)
"""In id order: `dockhand rules`, docs/rules.md and the README list them so."""


def rules_by_id() -> dict[str, Rule[Any, Any]]:
    return {rule.id: rule for rule in ALL_RULES}


def rule_codes() -> dict[str, str]:
    """Every accepted code, upper-cased (rule ids and other tools' aliases), to its rule id."""
    codes: dict[str, str] = {}
    for rule in ALL_RULES:
        codes[rule.id.upper()] = rule.id
        codes[rule.name.upper()] = rule.id
        for alias in rule.aliases:
            codes.setdefault(alias.upper(), rule.id)
    for code, rule_id in check_codes(codes).items():  # Trivy's Dockerfile checks (DS-0002 ...)
        codes.setdefault(code, rule_id)
    return codes
