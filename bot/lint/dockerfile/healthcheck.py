"""Health checks: DH106 (one that cannot fail), DH108 (a service without one)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.parsing.shell import Command, parse_script
from bot.rule import Hit, rule

_ALWAYS_SUCCEEDS = frozenset({"true", ":", "echo", "printf"})
_TRIVIAL_PYTHON = re.compile(
    r"^\s*(?:(?:import\s+sys|pass|(?:sys\.)?exit\(\s*0?\s*\)|print\([^()]*\))\s*(?:;|\n|$)\s*)+$"
)
_TRIVIAL_NODE = re.compile(r"^\s*(?:process\.exit\(\s*0?\s*\)|console\.log\([^()]*\))\s*;?\s*$")


@rule("DH106", "healthcheck-cannot-fail", Severity.MEDIUM, "The HEALTHCHECK always reports healthy")
def healthcheck_cannot_fail(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `HEALTHCHECK` whose command exits 0 whatever the state of the application:
    `exit 0`, `true`, `python -c "import sys; sys.exit(0)"`, or anything ending in `|| true`
    or `|| exit 0`.

    ## Why it matters
    A health check that cannot fail is worse than none: orchestrators, `depends_on:
    condition: service_healthy` and load balancers trust it, so a dead server keeps getting
    traffic and is never restarted, while dashboards show "healthy".

    ## Example
    ```dockerfile
    HEALTHCHECK CMD python -c "import sys; sys.exit(0)"
    HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 0
    ```

    ## Fix
    Probe what the service does, and let the failure through:
    ```dockerfile
    HEALTHCHECK --interval=30s --timeout=5s --retries=3 \\
        CMD curl -fsS http://localhost:8000/health || exit 1
    ```
    """
    for stage in dockerfile.runtime_stages():
        for ins in stage.of("HEALTHCHECK"):
            reason = _why_always_healthy(ins)
            if reason:
                yield Hit(ins.line, f"this HEALTHCHECK cannot fail: {reason}", ins.end_line)


@rule("DH108", "healthcheck-missing", Severity.LOW, "The image exposes a port but has no HEALTHCHECK")
def healthcheck_missing(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a final stage that `EXPOSE`s a port (it is a service) when neither it nor the
    stages it is built from declare a `HEALTHCHECK`.

    ## Why it matters
    Without a health check Docker only knows whether the process exists, not whether it
    answers. `depends_on: condition: service_healthy`, Swarm rolling updates and
    `docker ps` all report a hung or still-starting server as fine.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    EXPOSE 8000
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix
    ```dockerfile
    HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
        CMD curl -fsS http://localhost:8000/health || exit 1
    ```
    `HEALTHCHECK NONE` says on purpose that the image has none (for example because the
    orchestrator probes it) and is not reported. Kubernetes ignores `HEALTHCHECK`: if that is
    where the image runs, switch this rule off in the config.
    """
    final = dockerfile.final_stage
    if final is None or effective_healthcheck(dockerfile) is not None:
        return
    exposed = [ins for stage in dockerfile.lineage(final) for ins in stage.of("EXPOSE")]
    if exposed:
        ports = " ".join(exposed[0].arguments)
        yield Hit(
            exposed[0].line, f"the image exposes {ports} but has no HEALTHCHECK: Docker cannot tell a hung server"
        )


def effective_healthcheck(dockerfile: Dockerfile) -> Instruction | None:
    """The HEALTHCHECK in effect in the final stage (including `HEALTHCHECK NONE`), if any."""
    final = dockerfile.final_stage
    for stage in dockerfile.lineage(final) if final else []:
        last = stage.last("HEALTHCHECK")
        if last is not None:
            return last
    return None


def why_always_healthy(test: tuple[str, ...]) -> str | None:
    """Why a health check test (`("CMD-SHELL", "...")`, `("CMD", "curl", ...)`) can never fail."""
    if not test:
        return None
    if test[0] == "CMD-SHELL":
        return _script_always_succeeds(" ".join(test[1:]))
    if test[0] == "CMD":
        return _command_always_succeeds(Command(tuple(test[1:])))
    return None


def healthcheck_test(ins: Instruction) -> tuple[str, ...]:
    """The instruction as Docker stores it: `("CMD-SHELL", script)`, `("CMD", *argv)` or `("NONE",)`."""
    if not ins.arguments or ins.arguments[0].upper() != "CMD":
        return ("NONE",) if ins.arguments[:1] and ins.arguments[0].upper() == "NONE" else ()
    words = ins.arguments[1:]
    if ins.exec_form:
        return tuple(words) if words and words[0] == "CMD-SHELL" else ("CMD", *words)
    return ("CMD-SHELL", " ".join(words))


def _why_always_healthy(ins: Instruction) -> str | None:
    return why_always_healthy(healthcheck_test(ins))


def _script_always_succeeds(script: str) -> str | None:
    commands = parse_script(script)
    if not commands:
        return None
    last = commands[-1]
    verdict = _command_always_succeeds(last)
    if verdict and last.before == "||":
        return f"its last resort `{' '.join(last.argv)}` turns every failure into success"
    if verdict and (last.before in {"", ";", "\n", "|"} or all(_command_always_succeeds(c) for c in commands)):
        return verdict
    return None


def _command_always_succeeds(cmd: Command) -> str | None:
    argv = cmd.argv
    if not argv:
        return None
    if cmd.program == "exit":
        return "it exits 0" if argv[1:] == ("0",) else None
    if cmd.program in _ALWAYS_SUCCEEDS:
        return f"`{cmd.program}` always succeeds"
    if cmd.program.startswith("python") and len(argv) >= 3 and argv[1] == "-c" and _TRIVIAL_PYTHON.match(argv[2]):
        return "the Python code only exits with status 0"
    if cmd.program in {"node", "nodejs"} and len(argv) >= 3 and argv[1] == "-e" and _TRIVIAL_NODE.match(argv[2]):
        return "the Node.js code only exits with status 0"
    return None
