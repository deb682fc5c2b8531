"""Stage references: DH130 (a stage that does not exist), DH131 (two stages with one name),
DH144 (a FROM that uses an argument it cannot see)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Stage, arg_defaults
from bot.parsing.interpolation import references
from bot.rule import Hit, rule


@rule(
    "DH130",
    "unknown-stage",
    Severity.HIGH,
    "FROM or --from names a stage that does not exist (yet)",
    aliases=("DL3022", "DL3023"),
)
def unknown_stage(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `COPY --from=`, `RUN --mount=from=` and `FROM` references that cannot mean the
    stage their author had in mind: a stage's own name, a stage index that is not an earlier
    stage, a name used before the stage that defines it (`FROM` can only use earlier stages),
    and a name one typo away from an existing stage (`--from=biulder`).

    ## Why it matters
    A name that is not an earlier stage is read as an image on Docker Hub. The build then
    fails pulling `docker.io/library/biulder`, or worse, succeeds with somebody else's image.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static
    COPY --from=biulder /out/app /app
    ```

    ## Fix
    ```dockerfile
    COPY --from=builder /out/app /app
    ```
    """
    names = [stage.name for stage in dockerfile.stages if stage.name]
    for stage in dockerfile.stages:
        problem = _from_problem(dockerfile, stage, names)
        if problem:
            yield Hit(stage.from_instruction.line, problem)
        for ins in stage.instructions:
            for reference in _references(ins.flag("from"), ins.flag_values("mount")):
                problem = _reference_problem(dockerfile, stage, reference, names)
                if problem:
                    yield Hit(ins.line, problem, ins.end_line)


def _references(copy_from: str | None, mounts: list[str]) -> list[str]:
    found = [copy_from] if copy_from else []
    for mount in mounts:
        for option in mount.split(","):
            key, _, value = option.partition("=")
            if key.strip() == "from" and value:
                found.append(value.strip())
    return found


def _from_problem(dockerfile: Dockerfile, stage: Stage, names: list[str]) -> str | None:
    base = stage.base_resolved.lower()
    later = dockerfile.stage_named(base)
    if later is not None and later.index >= stage.index and not base.isdigit():
        if later.index == stage.index:
            return f"`FROM {stage.base}` names this stage itself"
        return (
            f"`FROM {stage.base}` names a stage defined later (line {later.from_instruction.line}): "
            "FROM can only use earlier stages, so this pulls an image"
        )
    if later is None and _looks_like_stage(base):
        close = difflib.get_close_matches(base, [n for n in names if n != stage.name], n=1, cutoff=0.75)
        if close:
            return f"`FROM {stage.base}` is not a stage: did you mean `{close[0]}`? (as written it pulls an image)"
    return None


def _reference_problem(dockerfile: Dockerfile, stage: Stage, reference: str, names: list[str]) -> str | None:
    wanted = reference.lower()
    target = dockerfile.stage_named(wanted)
    if target is not None:
        if target.index == stage.index:
            return f"`--from={reference}` names the stage it is in: a stage cannot copy from itself"
        if target.index > stage.index and wanted.isdigit():
            return f"`--from={reference}` is not an earlier stage"
        return None
    if wanted.isdigit():
        return f"`--from={reference}`: there is no stage {reference}"
    if _looks_like_stage(wanted):
        close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.75)
        if close:
            return f"`--from={reference}` is not a stage: did you mean `{close[0]}`? (as written it pulls an image)"
    return None


def _looks_like_stage(name: str) -> bool:
    return bool(name) and "/" not in name and ":" not in name and "@" not in name and "$" not in name


@rule("DH131", "duplicate-stage-name", Severity.HIGH, "Two stages share one name", aliases=("DL3024",))
def duplicate_stage_name(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `FROM ... AS <name>` whose name an earlier stage already uses.

    ## Why it matters
    Stage names must be unique: BuildKit refuses the file, and older builders silently use
    one of the two for every `--from` and `--target`, so what gets copied depends on the
    builder.

    ## Example
    ```dockerfile
    FROM node:20 AS build
    FROM golang:1.22 AS build
    ```

    ## Fix
    ```dockerfile
    FROM node:20 AS web-build
    FROM golang:1.22 AS api-build
    ```
    """
    seen: dict[str, Stage] = {}
    for stage in dockerfile.stages:
        if stage.name is None:
            continue
        first = seen.setdefault(stage.name, stage)
        if first is not stage:
            yield Hit(
                stage.from_instruction.line,
                f"stage name `{stage.name}` is already used on line {first.from_instruction.line}",
            )


PLATFORM_ARGS = frozenset(
    {
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
    }
)
"""Build arguments the builder defines in the global scope by itself."""


@rule(
    "DH144",
    "from-undeclared-arg",
    Severity.HIGH,
    "FROM uses a build argument that no ARG before the first FROM declares",
)
def from_undeclared_arg(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `FROM` whose image refers to a variable (`FROM $BASE_IMAGE`,
    `FROM python:${PY}-slim`) that no `ARG` before the first `FROM` declares, without a
    default in the reference itself (`${PY:-3.12}`). The platform arguments the builder
    defines (`TARGETPLATFORM`, `BUILDPLATFORM`, ...) are declared.

    ## Why it matters
    `FROM` sees only the arguments declared in the global scope, before the first `FROM`. An
    `ARG` inside a stage, or none at all, leaves the variable empty whatever `--build-arg`
    passes: the image name becomes `python:-slim` or nothing, and the build fails (BuildKit
    also warns `UndefinedArgInFrom`).

    ## Example
    ```dockerfile
    FROM python:${PY}-slim
    ARG PY=3.12
    ```

    ## Fix
    ```dockerfile
    ARG PY=3.12
    FROM python:${PY}-slim
    ```
    """
    if dockerfile.template:
        return
    declared = set(arg_defaults(dockerfile.global_args)) | PLATFORM_ARGS
    for stage in dockerfile.stages:
        missing = [
            ref.name for ref in references(stage.base) if ref.name not in declared and ref.operator not in ("-", ":-")
        ]
        if missing:
            yield Hit(
                stage.from_instruction.line,
                f"`FROM {stage.base}` uses `{missing[0]}`, which no ARG before the first FROM declares: it is always"
                f" empty here, --build-arg or not; declare `ARG {missing[0]}` above the first FROM",
            )
