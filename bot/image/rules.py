"""DH500-DH503: what the built images say about the Dockerfile, at the instruction responsible."""

from __future__ import annotations

from collections.abc import Iterator

from bot.image.history import Step
from bot.image.result import ImageResult, ImageRuleContext, SideResult
from bot.image.sizes import human, percent, signed
from bot.model import Severity
from bot.rule import Hit, rule
from bot.text import shortened


def _side(result: ImageResult, context: ImageRuleContext) -> SideResult:
    return result.base if context.side == "base" else result.head


@rule("DH500", "image-build-fails", Severity.HIGH, "The image does not build")
def image_build_fails(result: ImageResult, context: ImageRuleContext) -> Iterator[Hit]:
    """
    ## What it does
    Builds the image from the head commit (with the build context, target and build arguments
    that the compose file or the config file give) and, when `docker build` fails, reports
    the instruction it stopped at with the reason: for a command that failed, the last line it
    printed and its exit code, else the builder's own error; the last lines of the build log
    are in the report's details.

    ## Why it matters
    A Dockerfile that does not build blocks every deployment from this branch. Lint rules
    cannot see a package that no longer exists, a COPY source that the `.dockerignore`
    excludes or a command that exits non-zero; only a build does.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    RUN python -m compileall /app   # /app does not exist: exit code 1
    ```

    ## Fix
    Run the build locally (`docker build .`), read the error under the failing step, and fix
    that instruction. A build that needs a secret or the network is built here without
    secrets and with `image.network` (config file).
    """
    side = _side(result, context)
    failure = side.failure
    if failure is None or failure.timed_out:
        return
    reason = shortened(failure.reason, 300)
    if failure.line is None:
        yield Hit(1, f"`docker build` fails: {reason}")
        return
    yield Hit(failure.line, f"`docker build` fails at this instruction: {reason}", end_line=failure.end_line)


@rule("DH501", "image-growth", Severity.MEDIUM, "An instruction makes the image much larger")
def image_growth(result: ImageResult, context: ImageRuleContext) -> Iterator[Hit]:
    """
    ## What it does
    Builds the image on the base and head commits, maps each layer to the Dockerfile
    instruction that made it, and compares them instruction by instruction (matched by their
    text, then by position). Reports the instruction whose layers grew the most, when the
    growth is above `image.growth-threshold-mb` (config file; default 10 MB).

    ## Why it matters
    Every megabyte is pulled by every node that starts the container, stored in every registry
    and scanned for vulnerabilities. Growth comes one change at a time and is rarely noticed
    in review: a build tool that stays in the final stage, a cache that is not cleaned, a
    heavier base image.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y build-essential   # +250 MB
    ```

    ## Fix
    Keep build tools in a build stage and copy only the result into the final stage; clean
    package caches in the same RUN that fills them (`rm -rf /var/lib/apt/lists/*`,
    `pip install --no-cache-dir`); use `--no-install-recommends`; pick a slimmer base image.
    """
    if context.side != "head" or result.head.measure is None:
        return
    largest = max(result.deltas, key=lambda d: d.delta, default=None)
    if largest is None or largest.head is None or largest.delta <= context.settings.growth_threshold_bytes:
        return
    step = largest.head
    if step.keyword == "FROM":
        what = f"the base image `{step.text.removeprefix('FROM ')}` is {human(step.size)}"
    else:
        what = f"this {step.keyword} adds {human(step.size)}"
    if result.base.measure is None:
        against = " (a new image: nothing to compare with)"
    elif largest.base is None:
        against = " (a new instruction)"
    else:
        against = f"; {signed(largest.delta)} against the base branch"
    yield Hit(step.line, f"{what}{against}", end_line=step.end_line)


@rule("DH502", "image-size-budget", Severity.HIGH, "The image exceeds the size budget")
def image_size_budget(result: ImageResult, context: ImageRuleContext) -> Iterator[Hit]:
    """
    ## What it does
    Checks the head image against the size budget of the config file (`image.budget`): its
    growth against the base image in MB (`max-growth-mb`) and in percent
    (`max-growth-percent`), and its total size (`max-size-mb`), uncompressed or compressed
    (`size`). The finding has the budget's `severity` (default high).

    ## Why it matters
    A budget turns "the image keeps getting bigger" into a decision the team made once:
    the pull request that crosses it says so, at the instruction that grew the most.

    ## Example
    ```yaml
    # .github/dockhand.yml
    image:
      budget: {max-growth-mb: 20, max-size-mb: 300, severity: high}
    ```

    ## Fix
    Shrink the image (see DH501 and DH503), or raise the budget in the config file in the same
    pull request, where the reviewers see it.
    """
    budget = context.settings.budget
    head = result.head.measure
    if context.side != "head" or head is None or not budget.active:
        return
    which = "compressed" if budget.compressed else "uncompressed"
    size = head.compressed if budget.compressed else head.size
    built = head.steps[0] if head.steps else None
    from_line = built.line if built else 1
    if budget.max_size_bytes is not None and size > budget.max_size_bytes:
        yield Hit(from_line, f"the image is {human(size)} {which}, over the budget of {human(budget.max_size_bytes)}")
    base = result.base.measure
    if base is None:
        return
    before = base.compressed if budget.compressed else base.size
    growth = size - before
    grew = max(result.deltas, key=lambda d: d.delta, default=None)
    line = grew.head.line if grew and grew.head and grew.delta > 0 else from_line
    over_bytes = budget.max_growth_bytes is not None and growth > budget.max_growth_bytes
    over_percent = (
        budget.max_growth_percent is not None and before > 0 and 100 * growth / before > budget.max_growth_percent
    )
    if over_bytes or over_percent:
        limits = []
        if budget.max_growth_bytes is not None:
            limits.append(f"{human(budget.max_growth_bytes)}")
        if budget.max_growth_percent is not None:
            limits.append(f"{budget.max_growth_percent:g}%")
        yield Hit(
            line,
            f"the image grows by {signed(growth)} ({percent(growth, before)}) {which}, "
            f"over the growth budget of {' / '.join(limits)}",
        )


@rule("DH503", "image-wasted-space", Severity.LOW, "A layer rewrites or deletes files of an earlier layer")
def image_wasted_space(result: ImageResult, context: ImageRuleContext) -> Iterator[Hit]:
    """
    ## What it does
    Reads every layer of the built image and finds files that a later layer overwrites
    (`RUN chown -R`, `RUN chmod -R`, a second COPY of the same path) or deletes (`RUN rm`,
    `apt-get clean` in a separate RUN). Reports the instruction responsible when the bytes it
    makes invisible exceed `image.waste-threshold-mb` (config file; default 10 MB).

    ## Why it matters
    A layer is immutable: deleting or rewriting a file in a later layer hides it but does not
    remove it. The image still carries, and every pull still downloads, the first copy.
    `dive` calls this wasted space.

    ## Example
    ```dockerfile
    COPY . /app
    RUN chown -R app:app /app      # a second full copy of /app
    ```

    ## Fix
    Set ownership and permissions while copying (`COPY --chown=app:app --chmod=755 . /app`),
    and delete temporary files in the same RUN that creates them.
    """
    measure = _side(result, context).measure
    if measure is None:
        return
    by_cause: dict[int, int] = {}
    for shadowing in measure.waste.shadowings:
        by_cause[shadowing.by] = by_cause.get(shadowing.by, 0) + shadowing.bytes
    shown = context.settings.waste_threshold_bytes // 10
    for layer, wasted in sorted(by_cause.items(), key=lambda item: -item[1]):
        if wasted <= context.settings.waste_threshold_bytes:
            continue
        step = next((s for s in measure.steps if layer in s.layers and s.keyword != "FROM"), None)
        if step is None:
            continue
        sources = [s for s in measure.waste.shadowings if s.by == layer and s.bytes >= shown][:3]
        where = ", ".join(_step_name(measure.steps, s.added_in) for s in sorted(sources, key=lambda s: s.added_in))
        where = where or "earlier layers"
        yield Hit(
            step.line,
            f"this {step.keyword} rewrites or deletes {human(wasted)} added by {where}: the image carries both copies",
            end_line=step.end_line,
        )


def _step_name(steps: tuple[Step, ...], layer: int) -> str:
    step = next((s for s in steps if layer in s.layers), None)
    if step is None:
        return "an earlier layer"
    if step.keyword == "FROM":
        return "the base image"
    return f"{step.keyword} at line {step.line}" if step.line else step.keyword


RULES = (image_build_fails, image_growth, image_size_budget, image_wasted_space)
