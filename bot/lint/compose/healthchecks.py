"""DH209 no health check, DH210 a health check that cannot work, DH211 a disabled one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.lint.compose.edits import replace_once, verified
from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity, Suggestion
from bot.parsing.compose import ComposeFile, Healthcheck, Service
from bot.parsing.yamllines import item_line
from bot.rule import Hit, rule

_TEST_TYPES = ("CMD", "CMD-SHELL", "NONE")
_SHELL_OPERATORS = frozenset({"||", "&&", "|", ";", ">", "<", "2>&1", ">/dev/null"})


@rule("DH209", "compose-no-healthcheck", Severity.LOW, "A long-running service has no health check")
def no_healthcheck(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a long-running service with no `healthcheck:`, where the Dockerfile it is built
    from (this repository's, at the `build.target` stage) has no `HEALTHCHECK` either. Override
    files are merged first, so a health check added by `compose.override.yaml` counts. Tasks
    that run and exit are skipped: services with `restart: "no"` or `on-failure`, those others
    wait for with `condition: service_completed_successfully`, and names such as `migrate`,
    `init`, `setup`, `test`.

    ## Why it matters
    Without a health check a container is "running" as long as its process exists: a
    deadlocked server, a database still replaying its log, an app that lost its connection
    pool all look fine. `depends_on: condition: service_healthy`, restarts and rolling updates
    all need one.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
    ```

    ## Fix
    Probe what the service does, with a command that exists in the image:
    ```yaml
    services:
      db:
        image: postgres:16
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 10s
          timeout: 5s
          retries: 5
    ```
    """
    for service in review.services:
        if not review.defines_first(service) or review.is_one_shot(service) or review.has_healthcheck(service):
            continue
        healthcheck = review.whole(service).healthcheck
        if healthcheck is not None and healthcheck.disabled:
            continue
        yield Hit(service.line, f"service `{service.name}` has no health check, in Compose or in its Dockerfile")


@rule("DH210", "compose-healthcheck-broken", Severity.MEDIUM, "The health check's `test` cannot run as written")
def healthcheck_broken(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `healthcheck.test` that fails whatever the state of the service:
    a string that starts with `CMD` or `CMD-SHELL` (the string form already runs in a shell, so
    the shell looks for a program called `CMD`); a list whose first item is not `CMD`,
    `CMD-SHELL` or `NONE`; `["CMD", "curl -f http://localhost"]`, which looks for one program
    whose name contains spaces; and shell operators such as `||` passed as arguments of a `CMD`
    list, where no shell reads them.

    ## Why it matters
    The container is marked unhealthy from the first check on. Services that wait for it
    with `condition: service_healthy` never start, and orchestrators restart it in a loop.

    ## Example
    ```yaml
        healthcheck:
          test: CMD curl -f http://localhost:8080/health
    ```

    ## Fix
    Use the list form with the right first item, or a plain string for a shell command:
    ```yaml
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
    ```
    The suggestion makes the smallest change that keeps the command as written.
    """
    for service in review.services:
        healthcheck = service.healthcheck
        if healthcheck is None or healthcheck.test is None or healthcheck.disabled:
            continue
        found = _problem(healthcheck)
        if found is not None:
            reason, fix = found
            yield Hit(
                healthcheck.test_line,
                f"service `{service.name}`: {reason}",
                suggestion=fix(review, service, healthcheck) if fix else None,
            )


@rule("DH211", "compose-healthcheck-disabled", Severity.LOW, "The health check is switched off")
def healthcheck_disabled(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `healthcheck: {disable: true}` and `test: ["NONE"]` on a long-running service.

    ## Why it matters
    It switches off the health check the image defines, usually to silence a check that
    failed. The failure is still there; now nothing reports it, and services that wait for this
    one with `condition: service_healthy` cannot start at all.

    ## Example
    ```yaml
        healthcheck:
          disable: true
    ```

    ## Fix
    Fix the check instead (the port, the path, a tool missing from the image), or override
    `test` with one that works for this deployment.
    """
    for service in review.services:
        healthcheck = service.healthcheck
        if healthcheck is not None and healthcheck.disabled and not review.is_one_shot(service):
            from_dockerfile = review.project.dockerfile_healthchecks.get(service.name, False)
            extra = ", including the HEALTHCHECK of its Dockerfile" if from_dockerfile else ""
            yield Hit(healthcheck.line, f"service `{service.name}` switches its health check off{extra}")


FixMaker = Callable[[ComposeReview, Service, Healthcheck], Suggestion | None]


def _problem(healthcheck: Healthcheck) -> tuple[str, FixMaker | None] | None:
    test = healthcheck.test
    if isinstance(test, str):
        first = test.strip().split(" ", 1)[0]
        if first in ("CMD", "CMD-SHELL"):
            return (
                f"the string form of `test` runs in a shell, which looks for a program called `{first}`",
                _drop_prefix,
            )
        return None
    if not test:
        return None
    if test[0] not in _TEST_TYPES:
        return "the first item of a `test` list must be CMD, CMD-SHELL or NONE", _insert_type
    if test[0] == "CMD" and len(test) == 2 and " " in test[1].strip():
        return "`CMD` runs its first argument as a program name, spaces included: this needs `CMD-SHELL`", _to_shell
    if test[0] == "CMD" and any(word in _SHELL_OPERATORS for word in test[1:]):
        return "shell operators in a `CMD` list are passed as plain arguments: use `CMD-SHELL`", None
    return None


def _drop_prefix(review: ComposeReview, service: Service, healthcheck: Healthcheck) -> Suggestion | None:
    assert isinstance(healthcheck.test, str)
    prefix = healthcheck.test.strip().split(" ", 1)[0] + " "
    suggestion = replace_once(review, healthcheck.test_line, prefix, "")
    return verified(review, suggestion, _test_is(service.name, lambda test: isinstance(test, str) and test != ""))


def _insert_type(review: ComposeReview, service: Service, healthcheck: Healthcheck) -> Suggestion | None:
    assert isinstance(healthcheck.test, tuple)
    kind = "CMD-SHELL" if len(healthcheck.test) == 1 else "CMD"
    sequence = service.get("healthcheck", {}).get("test")
    first_line = item_line(sequence, 0) or healthcheck.test_line
    suggestion: Suggestion | None
    if first_line == healthcheck.test_line:
        suggestion = replace_once(review, first_line, "[", f'["{kind}", ')
    else:
        original = review.file.lines[first_line - 1]
        match = re.match(r"^(\s*-\s+)", original)
        suggestion = (
            Suggestion(first_line, first_line, f"{match.group(1)}{kind}\n{original}", original) if match else None
        )
    return verified(review, suggestion, _test_is(service.name, lambda test: test[:1] == (kind,)))


def _to_shell(review: ComposeReview, service: Service, healthcheck: Healthcheck) -> Suggestion | None:
    sequence = service.get("healthcheck", {}).get("test")
    line = item_line(sequence, 0) or healthcheck.test_line
    suggestion = replace_once(review, line, "CMD", "CMD-SHELL")
    return verified(review, suggestion, _test_is(service.name, lambda test: test[:1] == ("CMD-SHELL",)))


def _test_is(name: str, wanted: Callable[[tuple[str, ...] | str], bool]) -> Callable[[ComposeFile], bool]:
    def holds(fixed: ComposeFile) -> bool:
        service = fixed.service(name)
        healthcheck = service.healthcheck if service else None
        return healthcheck is not None and healthcheck.test is not None and wanted(healthcheck.test)

    return holds
