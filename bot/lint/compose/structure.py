"""DH214 obsolete `version:`, DH215 references to what is not defined, DH217 named replicas."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity, Suggestion
from bot.parsing.compose import Service, scalar_text
from bot.parsing.interpolation import resolve
from bot.parsing.yamllines import item_line, key_line, value_line
from bot.rule import Hit, rule

_SERVICE_REFERENCE = re.compile(r"^service:(?P<name>.+)$")


@rule("DH214", "compose-obsolete-version", Severity.INFO, "The top-level `version:` is obsolete")
def obsolete_version(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports the top-level `version:` key.

    ## Why it matters
    Compose v2 ignores it and prints a warning on every command ("the attribute `version` is
    obsolete"). It also misleads readers: `version: "3.8"` does not select a file format or
    enable or disable any feature any more.

    ## Example
    ```yaml
    version: "3.8"
    services:
      web:
        image: nginx:1.27
    ```

    ## Fix
    Delete the line; the suggestion does.
    """
    compose = review.file
    data = compose.data
    if not isinstance(data, dict) or "version" not in data:
        return
    line = key_line(data, "version")
    if line is None:
        return
    single = value_line(data, "version") == line and compose.lines[line - 1].startswith("version")
    suggestion = Suggestion(line, line, "", compose.lines[line - 1]) if single else None
    yield Hit(line, "`version:` is obsolete: Compose ignores it and warns on every run", suggestion=suggestion)


@rule("DH215", "compose-undefined-reference", Severity.HIGH, "A service refers to something that is not defined")
def undefined_reference(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Checks every name a service refers to against the project (override files and `include:`d
    files count): named volumes against top-level `volumes:`, `networks` against `networks:`,
    `secrets` and `configs` against theirs, and `depends_on`, `links`, `volumes_from`,
    `extends` and `network_mode`/`pid`/`ipc: service:<name>` against the services.

    ## Why it matters
    Compose refuses the whole project ("service web refers to undefined volume data"), so
    nothing starts. It usually comes from a rename done in one place only, or a service moved
    to another file.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        volumes:
          - pgdata:/var/lib/postgresql/data
    volumes:
      db-data:
    ```

    ## Fix
    Define the name at the top level, or correct the reference (`db-data:/var/lib/...`).
    """
    defined = review.project.definitions
    if not review.project.complete:
        return
    for service in review.services:
        for section, name, line in _references(service):
            if "$" in name or name in defined.get(section, frozenset()):
                continue
            if section == "networks" and name == "default":
                continue
            what = section[:-1]
            yield Hit(line, f"service `{service.name}` refers to {what} `{name}`, which is not defined")


def _references(service: Service) -> Iterator[tuple[str, str, int]]:
    for mount in service.mounts:
        if mount.kind == "volume" and mount.source:
            yield "volumes", mount.source, mount.line
    networks = service.get("networks")
    if isinstance(networks, dict):
        for name in networks:
            yield "networks", str(name), key_line(networks, name) or service.key_line("networks")
    else:
        for name, line in service.strings("networks"):
            yield "networks", name, line
    for section in ("secrets", "configs"):
        value = service.get(section)
        for index, item in enumerate(value if isinstance(value, list) else []):
            name = scalar_text(item.get("source")) if isinstance(item, dict) else scalar_text(item)
            if name is not None:
                yield section, name, item_line(value, index) or service.key_line(section)
    for dependency in service.depends_on:
        yield "services", dependency.name, dependency.line
    for text, line in service.strings("links"):
        yield "services", text.split(":", 1)[0], line
    for text, line in service.strings("volumes_from"):
        if not text.startswith("container:"):
            yield "services", text.split(":", 1)[0], line
    for key in ("network_mode", "pid", "ipc"):
        match = _SERVICE_REFERENCE.match(resolve(scalar_text(service.get(key)) or "") or "")
        if match:
            yield "services", match.group("name"), service.key_line(key)


@rule("DH217", "compose-container-name-scaled", Severity.MEDIUM, "A service with `container_name` is scaled")
def container_name_scaled(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `container_name:` on a service that runs more than one replica (`deploy.replicas`
    or `scale` above 1, override files included).

    ## Why it matters
    Container names are unique on a host. The second replica cannot be created, so the
    service never reaches its replica count and `docker compose up --scale` fails.

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:2.0
        container_name: worker
        deploy:
          replicas: 3
    ```

    ## Fix
    Remove `container_name:` and let Compose name the replicas (`project-worker-1`, ...);
    other services reach them by the service name.
    """
    for service in review.services:
        if not service.has("container_name"):
            continue
        replicas = _replicas(review.whole(service))
        if replicas is not None and replicas > 1:
            message = f"service `{service.name}` has a fixed container name but {replicas} replicas"
            yield Hit(service.key_line("container_name"), message)


def _replicas(service: Service) -> int | None:
    deploy = service.get("deploy")
    for value in (deploy.get("replicas") if isinstance(deploy, dict) else None, service.get("scale")):
        text = resolve(scalar_text(value) or "")
        if text and text.isdigit():
            return int(text)
    return None
