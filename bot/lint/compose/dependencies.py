"""DH212: `depends_on` starts a service before what it needs is ready."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.lint.compose.edits import replace_once, verified
from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity, Suggestion
from bot.parsing.compose import ComposeFile, Dependency, Service
from bot.parsing.yamllines import key_line
from bot.rule import Hit, rule

DATASTORE_IMAGES = re.compile(
    r"(^|/)(postgres|postgis|timescaledb|mysql|mariadb|percona|mongo|redis|valkey|keydb|rabbitmq|"
    r"elasticsearch|opensearch|kafka|cp-kafka|zookeeper|cassandra|scylla|cockroach|couchdb|neo4j|"
    r"memcached|minio|keycloak|clickhouse|influxdb|nats|localstack|mssql|sqlserver|oracle|db2)",
    re.IGNORECASE,
)


@rule(
    "DH212",
    "compose-depends-on-not-ready",
    Severity.MEDIUM,
    "`depends_on` does not wait for the dependency to be ready",
)
def depends_on_not_ready(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `depends_on` entry in list form, or with `condition: service_started`, on a
    dependency that has a health check (in Compose or in the Dockerfile it is built from) or
    that should have one: databases, caches, brokers and search engines.

    ## Why it matters
    The list form only orders container starts: the application starts the moment the
    database's process exists, seconds before it accepts connections, and fails or crash-loops
    on its first query. `condition: service_healthy` waits for the health check to pass.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:3.1
        depends_on:
          - db
    ```

    ## Fix
    ```yaml
        depends_on:
          db:
            condition: service_healthy
    ```
    When every dependency in the list is known, the suggestion rewrites the list as a mapping:
    `service_healthy` for those with a health check, `service_started` (unchanged behaviour)
    for the others. A dependency without a health check needs one before it can be waited for.
    """
    for service in review.services:
        for dependency in service.depends_on:
            if dependency.condition != "service_started":
                continue
            target = review.project.whole(dependency.name)
            if target is None or review.is_one_shot(target):
                continue
            if review.has_healthcheck(target):
                message = (
                    f"service `{service.name}` starts once `{dependency.name}` has started, not once it is healthy: "
                    "use `condition: service_healthy`"
                )
                yield Hit(dependency.line, message, suggestion=_healthy(review, service, dependency))
            elif DATASTORE_IMAGES.search(target.image or ""):
                message = (
                    f"service `{service.name}` starts before `{dependency.name}` accepts connections, and "
                    f"`{dependency.name}` has no health check to wait for: add one and use `condition: service_healthy`"
                )
                yield Hit(dependency.line, message)


def _healthy(review: ComposeReview, service: Service, dependency: Dependency) -> Suggestion | None:
    if not dependency.list_syntax:
        suggestion = _condition_line(review, service, dependency)
    else:
        suggestion = _as_mapping(review, service)
    return verified(review, suggestion, _waits_for(review, service))


def _condition_line(review: ComposeReview, service: Service, dependency: Dependency) -> Suggestion | None:
    spec = service.get("depends_on", {}).get(dependency.name)
    line = key_line(spec, "condition") if isinstance(spec, dict) else None
    return replace_once(review, line, "service_started", "service_healthy") if line else None


def _as_mapping(review: ComposeReview, service: Service) -> Suggestion | None:
    """The whole list rewritten as a mapping, when it is written plainly, one name per line."""
    names = [d.name for d in service.depends_on]
    start = key_line(service.node, "depends_on")
    if start is None or not names or not service.depends_on[0].list_syntax:
        return None
    lines = review.file.lines
    key_text = lines[start - 1]
    indent = re.match(r"\s*", key_text).group(0)  # type: ignore[union-attr]
    flow = re.match(r"^(\s*)depends_on:\s*\[([^\]#]*)\]\s*$", key_text)
    if flow is not None:
        end = start
        item_indent = indent + "  "
    else:
        end = max(d.line for d in service.depends_on)
        body = [line.strip() for line in lines[start:end]]
        if not re.fullmatch(r"\s*depends_on:\s*", key_text) or any(
            text and not re.fullmatch(r"-\s*['\"]?[\w.-]+['\"]?", text) for text in body
        ):
            return None
        first = lines[service.depends_on[0].line - 1]
        dash = re.match(r"\s*", first).group(0)  # type: ignore[union-attr]
        item_indent = dash if len(dash) > len(indent) else indent + "  "
    out = [f"{indent}depends_on:"]
    for name in names:
        target = review.project.whole(name)
        condition = "service_healthy" if target is not None and review.has_healthcheck(target) else "service_started"
        out += [f"{item_indent}{name}:", f"{item_indent}  condition: {condition}"]
    return Suggestion(start, end, "\n".join(out), "\n".join(lines[start - 1 : end]))


def _waits_for(review: ComposeReview, service: Service) -> Callable[[ComposeFile], bool]:
    healthy = {
        d.name
        for d in service.depends_on
        if (target := review.project.whole(d.name)) is not None and review.has_healthcheck(target)
    }

    def holds(fixed: ComposeFile) -> bool:
        again = fixed.service(service.name)
        if again is None:
            return False
        conditions = {d.name: d.condition for d in again.depends_on}
        return set(conditions) == {d.name for d in service.depends_on} and all(
            conditions[name] == "service_healthy" for name in healthy
        )

    return holds
