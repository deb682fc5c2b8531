"""The services of a Compose file at a glance: image, ports, health check, restart, limits."""

from __future__ import annotations

from typing import Any

from bot.lint.compose.subject import ComposeReview
from bot.model import Table
from bot.parsing.compose import Service, scalar_text
from bot.parsing.templates import TEMPLATE_PLACEHOLDER

YES, NO, NOT_APPLICABLE = "✅", "❌", "–"
NO_PORTS = "none published"
HEADERS = ("Service", "Image", "Ports", "Health check", "Restart", "Limits")


def service_rows(review: ComposeReview) -> list[dict[str, Any]]:
    """One record per service of the file, as Compose runs it (override files merged)."""
    rows = []
    for service in review.services:
        whole = review.whole(service)
        build = whole.build
        rows.append(
            {
                "name": service.name,
                "image": whole.image,
                "build": {"context": build.context, "dockerfile": build.dockerfile, "target": build.target}
                if build is not None
                else None,
                "ports": [port.text for port in whole.ports],
                "healthcheck": _healthcheck(review, service),
                "restart": _restart(whole),
                "limits": _limits(whole),
                "task": review.is_one_shot(service),
            }
        )
    return rows


def services_table(path: str, rows: list[dict[str, Any]]) -> Table:
    cells = tuple(
        tuple(
            cell.replace(TEMPLATE_PLACEHOLDER, "{{…}}")
            for cell in (
                row["name"],
                _image_cell(row),
                ", ".join(row["ports"]) or NO_PORTS,
                _check_cell(row, row["healthcheck"], {"compose": "compose", "dockerfile": "Dockerfile"}),
                _check_cell(row, row["restart"], {}),
                _limits_cell(row),
            )
        )
        for row in rows
    )
    note = (
        "Computed from the file with its override files merged; – marks what does not apply: the health"
        " check, restart policy and limits of a task that runs and exits."
    )
    return Table("Services", HEADERS, cells, path=path, note=note)


def _healthcheck(review: ComposeReview, service: Service) -> str | None:
    healthcheck = review.whole(service).healthcheck
    if healthcheck is not None and healthcheck.disabled:
        return "disabled"
    if healthcheck is not None and healthcheck.test is not None:
        return "compose"
    if review.project.dockerfile_healthchecks.get(service.name):
        return "dockerfile"
    return None


def _restart(service: Service) -> str | None:
    restart = scalar_text(service.get("restart"))
    if restart is not None:
        return restart
    deploy = service.get("deploy")
    policy = deploy.get("restart_policy") if isinstance(deploy, dict) else None
    condition = policy.get("condition") if isinstance(policy, dict) else None
    return f"deploy: {condition or 'any'}" if policy is not None else None


def _limits(service: Service) -> dict[str, str]:
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, dict) else None
    limits = resources.get("limits") if isinstance(resources, dict) else None
    found: dict[str, str] = {}
    memory = (limits.get("memory") if isinstance(limits, dict) else None) or service.get("mem_limit")
    cpus = (limits.get("cpus") if isinstance(limits, dict) else None) or service.get("cpus")
    if scalar_text(memory):
        found["memory"] = str(scalar_text(memory))
    if scalar_text(cpus):
        found["cpus"] = str(scalar_text(cpus))
    return found


def _image_cell(row: dict[str, Any]) -> str:
    build = row["build"]
    if build is None:
        return row["image"] or NOT_APPLICABLE
    built = f"build {build['context'] or '(outside the repository)'}"
    if build["target"]:
        built += f" (target {build['target']})"
    return f"{row['image']} ← {built}" if row["image"] else built


def _check_cell(row: dict[str, Any], value: str | None, labels: dict[str, str]) -> str:
    if value == "disabled":
        return f"{NO} disabled"
    if value is not None:
        return f"{YES} {labels.get(value, value)}"
    return NOT_APPLICABLE if row["task"] else NO


def _limits_cell(row: dict[str, Any]) -> str:
    limits = row["limits"]
    if limits:
        parts = [limits["memory"]] if "memory" in limits else []
        parts += [f"{limits['cpus']} CPU"] if "cpus" in limits else []
        return f"{YES} {' · '.join(parts)}"
    return NOT_APPLICABLE if row["task"] else NO
