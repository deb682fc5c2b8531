"""DH107: a service image with no init process as PID 1."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule

INIT_PROGRAMS = frozenset(
    {"tini", "tini-static", "dumb-init", "docker-init", "catatonit", "s6-svscan", "runsvdir", "init", "supervisord"}
)
SELF_REAPING_SERVERS = frozenset(
    {
        "nginx",
        "openresty",
        "httpd",
        "haproxy",
        "caddy",
        "traefik",
        "envoy",
        "postgres",
        "redis-server",
        "mysqld",
        "mariadbd",
        "mongod",
    }
)
"""Servers built to run as PID 1 (their official images start them so): they stop cleanly on
SIGTERM and reap the children they start, which is all an init would add."""
_RUNTIME_INIT_COMMENT = re.compile(r"^\s*#.*(--init\b|\binit:\s*true\b)", re.IGNORECASE)


@dataclass(frozen=True)
class StartCommand:
    """What the container starts with: the ENTRYPOINT (or, without one, the CMD) in effect."""

    instruction: Instruction | None
    program: str
    """Basename of the first word; "" when the final stage sets neither."""

    @property
    def is_init(self) -> bool:
        return self.program in INIT_PROGRAMS

    @property
    def needs_no_init(self) -> bool:
        """An init, or a server that does an init's work itself (SELF_REAPING_SERVERS)."""
        return self.is_init or self.program in SELF_REAPING_SERVERS


def start_command(dockerfile: Dockerfile) -> StartCommand:
    final = dockerfile.final_stage
    if final is None:
        return StartCommand(None, "")
    for keyword in ("ENTRYPOINT", "CMD"):
        for stage in dockerfile.lineage(final):
            ins = stage.last(keyword)
            if ins is not None:
                return StartCommand(ins, first_program(ins))
    return StartCommand(None, "")


def first_program(ins: Instruction) -> str:
    if ins.exec_form:
        words = list(ins.arguments)
    else:
        try:
            words = shlex.split(ins.command_text)
        except ValueError:
            words = ins.command_text.split()
        if words[:1] == ["exec"]:
            words = words[1:]
    return PurePosixPath(words[0]).name if words else ""


def is_service(dockerfile: Dockerfile) -> bool:
    """The final stage exposes a port or declares a health check: a long-running server."""
    final = dockerfile.final_stage
    if final is None:
        return False
    lineage = dockerfile.lineage(final)
    return any(stage.of("EXPOSE") for stage in lineage) or any(
        ins.arguments[:1] != ("NONE",) for stage in lineage for ins in stage.of("HEALTHCHECK")
    )


def runtime_init_documented(dockerfile: Dockerfile) -> int | None:
    """The line of a comment saying the init comes from the runtime (`docker run --init`, `init: true`)."""
    return next((n for n, line in enumerate(dockerfile.lines, 1) if _RUNTIME_INIT_COMMENT.match(line)), None)


@rule("DH107", "no-init", Severity.LOW, "A service image runs without an init process as PID 1")
def no_init(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a service image (its final stage `EXPOSE`s a port or has a `HEALTHCHECK`, or a
    Compose file that builds it publishes a port) whose `ENTRYPOINT` (or `CMD`, without one)
    starts the application directly instead of through an init such as `tini`, `dumb-init` or
    `docker-init`, and whose Dockerfile does not say that the runtime provides one (a Compose
    service that builds it with `init: true` says so too). Servers built to run as PID 1 (nginx,
    httpd, haproxy, caddy, traefik, envoy, postgres, redis-server, mysqld, mariadbd, mongod:
    their official images start them so) stop cleanly and reap their own children, and are
    not reported.

    ## Why it matters
    The first process of a container is PID 1. The kernel gives PID 1 no default signal
    handlers, so unless the application installs its own, `docker stop` sends a SIGTERM that
    is ignored and the container is killed after the grace period, in the middle of whatever
    it was doing. PID 1 must also reap orphaned child processes; applications that spawn
    workers or shell commands slowly fill the process table with zombies.

    ## Example
    ```dockerfile
    EXPOSE 8000
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends tini \\
        && rm -rf /var/lib/apt/lists/*
    ENTRYPOINT ["tini", "--"]
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```
    Or run the container with `docker run --init` / compose `init: true`, and say so in a
    comment in the Dockerfile (`# runs with --init`): the rule then stays quiet.
    """
    final = dockerfile.final_stage
    uses = context.compose.get(dockerfile.path, ())
    served = is_service(dockerfile) or any(use.publishes for use in uses)
    if final is None or dockerfile.is_windows(final) or not served or any(use.init for use in uses):
        return
    start = start_command(dockerfile)
    if start.instruction is None or start.needs_no_init or runtime_init_documented(dockerfile):
        return
    yield Hit(
        start.instruction.line,
        f"`{start.program}` runs as PID 1 with no init: signals may be ignored and zombies not reaped "
        "(use tini/dumb-init, or `docker run --init` / compose `init: true` and say so in a comment)",
        start.instruction.end_line,
    )
