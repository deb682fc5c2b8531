"""DH213: a long-running service without a restart policy, resource limits or log rotation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.compose import Service, scalar_text
from bot.rule import Hit, rule

ROTATING_DRIVERS = frozenset({"local", "none", "syslog", "journald", "fluentd", "gelf", "awslogs", "splunk", "etwlogs"})


@rule(
    "DH213",
    "compose-runtime-limits",
    Severity.LOW,
    "A long-running service lacks a restart policy, limits or log rotation",
)
def runtime_limits(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    For each long-running service of a Compose file meant to run for real (not an override,
    `dev`, `local`, `test` or `ci` file), with override files merged, reports what is missing of:
    a restart policy (`restart:` or `deploy.restart_policy`), a memory or CPU limit
    (`deploy.resources.limits`, `mem_limit`, `cpus`), and log rotation (`logging.options.max-size`
    for the default `json-file` driver, or a driver that rotates or ships logs itself).

    ## Why it matters
    Without a restart policy a crashed service stays down after the crash or a host reboot.
    Without limits one leaking service takes the host's memory and the kernel's OOM killer
    picks a victim, possibly the database. Without rotation, `json-file` logs grow until the
    disk is full. (A daemon-wide `log-opts` in `/etc/docker/daemon.json` also rotates logs;
    dockhand cannot see it, so say so in an ignore comment.)

    ## Example
    ```yaml
    services:
      api:
        image: example/api:3.1
    ```

    ## Fix
    ```yaml
    services:
      api:
        image: example/api:3.1
        restart: unless-stopped
        deploy:
          resources:
            limits:
              cpus: "1.0"
              memory: 512M
        logging:
          driver: json-file
          options:
            max-size: 10m
            max-file: "3"
    ```
    """
    if review.is_dev_file:
        return
    for service in review.services:
        if not review.defines_first(service) or review.is_one_shot(service):
            continue
        whole = review.whole(service)
        missing = [
            what
            for what, present in (
                ("no restart policy", _has_restart(whole)),
                ("no memory or CPU limit", _has_limits(whole)),
                ("no log rotation", _rotates_logs(whole)),
            )
            if not present
        ]
        if missing:
            yield Hit(service.line, f"service `{service.name}`: {', '.join(missing)}")


def _mapping(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _has_restart(service: Service) -> bool:
    return service.has("restart") or _mapping(service.node, "deploy", "restart_policy") is not None


def _has_limits(service: Service) -> bool:
    limits = _mapping(service.node, "deploy", "resources", "limits")
    if isinstance(limits, dict) and (limits.get("memory") is not None or limits.get("cpus") is not None):
        return True
    return any(service.get(key) is not None for key in ("mem_limit", "cpus", "cpu_quota", "memswap_limit"))


def _rotates_logs(service: Service) -> bool:
    logging = service.get("logging")
    driver = scalar_text(_mapping(logging, "driver")) or "json-file"
    if driver in ROTATING_DRIVERS:
        return True
    options = _mapping(logging, "options")
    return isinstance(options, dict) and options.get("max-size") is not None
