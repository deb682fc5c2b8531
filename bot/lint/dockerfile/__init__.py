"""Dockerfile rules, one module per family; `RULES` is their table."""

from __future__ import annotations

from typing import Any

from bot.lint.dockerfile.apt import apt_install_recommends, apt_lists_kept, apt_upgrade
from bot.lint.dockerfile.buildtools import build_tools
from bot.lint.dockerfile.caches import apk_cache_kept, pip_cache_kept, rpm_cache_kept
from bot.lint.dockerfile.commands import exec_form_not_json, instruction_overridden, shell_form_command
from bot.lint.dockerfile.credentials import secret_in_image
from bot.lint.dockerfile.devdeps import dev_dependencies_in_runtime
from bot.lint.dockerfile.healthcheck import healthcheck_cannot_fail, healthcheck_missing
from bot.lint.dockerfile.images import base_image_latest, base_image_no_digest, untrusted_registry
from bot.lint.dockerfile.init import no_init
from bot.lint.dockerfile.instructions import (
    add_instead_of_copy,
    add_url_without_checksum,
    cd_instead_of_workdir,
    expose_ssh,
    maintainer_deprecated,
    relative_workdir,
)
from bot.lint.dockerfile.lastlog import useradd_lastlog
from bot.lint.dockerfile.layers import copy_before_install, recursive_chown
from bot.lint.dockerfile.legacy import from_as_casing, legacy_env_format
from bot.lint.dockerfile.lockfiles import install_bypasses_lock
from bot.lint.dockerfile.misread import copy_to_file_path, env_reads_itself
from bot.lint.dockerfile.probe_tools import healthcheck_tool_missing
from bot.lint.dockerfile.prompts import install_prompts
from bot.lint.dockerfile.scripts import failure_masked, pipefail_missing, remote_script_piped, sudo_in_run
from bot.lint.dockerfile.sources import source_outside_context
from bot.lint.dockerfile.stages import duplicate_stage_name, from_undeclared_arg, unknown_stage
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
    no_init,
    healthcheck_missing,
    build_tools,
    apt_upgrade,
    apk_cache_kept,
    rpm_cache_kept,
    copy_before_install,
    secret_in_image,
    instruction_overridden,
    base_image_latest,
    untrusted_registry,
    base_image_no_digest,
    remote_script_piped,
    pipefail_missing,
    failure_masked,
    add_instead_of_copy,
    add_url_without_checksum,
    recursive_chown,
    cd_instead_of_workdir,
    relative_workdir,
    sudo_in_run,
    expose_ssh,
    maintainer_deprecated,
    unknown_stage,
    duplicate_stage_name,
    install_bypasses_lock,
    source_outside_context,
    dev_dependencies_in_runtime,
    install_prompts,
    useradd_lastlog,
    copy_to_file_path,
    env_reads_itself,
    legacy_env_format,
    from_as_casing,
    exec_form_not_json,
    from_undeclared_arg,
    healthcheck_tool_missing,
)
