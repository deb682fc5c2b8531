"""Compose rules, one module per family; `RULES` is their table (DH200 runs on its own)."""

from __future__ import annotations

from typing import Any

from bot.lint.compose.dependencies import depends_on_not_ready
from bot.lint.compose.healthchecks import healthcheck_broken, healthcheck_disabled, no_healthcheck
from bot.lint.compose.images import image_latest
from bot.lint.compose.ports import duplicate_host_port, exposed_datastore
from bot.lint.compose.privileges import docker_socket, host_namespace, privileged, root_user
from bot.lint.compose.runtime import runtime_limits
from bot.lint.compose.secrets import default_credentials, plaintext_secret
from bot.lint.compose.structure import container_name_scaled, obsolete_version, undefined_reference
from bot.lint.compose.syntax import compose_syntax
from bot.rule import Rule

REVIEW_RULES: tuple[Rule[Any, Any], ...] = (
    plaintext_secret,
    default_credentials,
    image_latest,
    exposed_datastore,
    privileged,
    docker_socket,
    host_namespace,
    root_user,
    no_healthcheck,
    healthcheck_broken,
    healthcheck_disabled,
    depends_on_not_ready,
    runtime_limits,
    obsolete_version,
    undefined_reference,
    duplicate_host_port,
    container_name_scaled,
)
"""Rules over a parsed file in its project (`ComposeReview`)."""

RULES: tuple[Rule[Any, Any], ...] = (compose_syntax, *REVIEW_RULES)
