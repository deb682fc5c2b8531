"""The image section's tables (plain cells; renderers escape them) and its JSON data."""

from __future__ import annotations

from typing import Any

from bot.image.build import BuildFailure
from bot.image.compare import StepDelta
from bot.image.history import Step
from bot.image.measure import ImageMeasure
from bot.image.result import ImageResult, SideResult
from bot.image.sizes import human, percent, signed
from bot.model import Table

TOP_STEPS = 5
NO_VALUE = "–"


def total_delta(results: list[ImageResult]) -> int:
    """Uncompressed growth over every image with a head measure (a new image counts in full)."""
    return sum(delta for result in results if (delta := size_delta(result)) is not None)


def size_delta(result: ImageResult, *, compressed: bool = False) -> int | None:
    head, base = result.head.measure, result.base.measure
    if head is None or (base is None and result.target.base_dockerfile is not None):
        return None
    after = head.compressed if compressed else head.size
    before = 0 if base is None else (base.compressed if compressed else base.size)
    return after - before


def image_tables(result: ImageResult) -> list[Table]:
    if result.same_failure:
        return []  # said in a note: nothing was measured and the change is not the cause
    tables = [_summary(result)]
    if result.head.measure is not None:
        steps = _step_table(result)
        if steps is not None:
            tables.append(steps)
        waste = _waste_table(result.target.label, result.head.measure)
        if waste is not None:
            tables.append(waste)
    if result.head.failure is not None and result.head.failure.log_tail:
        tables.append(_log_table(result.target.label, "head", result.head.failure))
    if result.base.failure is not None and result.base.failure.log_tail:
        tables.append(_log_table(result.target.label, "base", result.base.failure))
    return tables


def _summary(result: ImageResult) -> Table:
    head, base = result.head.measure, result.base.measure
    rows = [
        _row("compressed", base.compressed if base else None, head.compressed if head else None),
        _row("uncompressed", base.size if base else None, head.size if head else None),
        _row("layers", base.layer_count if base else None, head.layer_count if head else None, count=True),
        _row("wasted", base.waste.wasted_bytes if base else None, head.waste.wasted_bytes if head else None),
    ]
    notes = [f"{result.target.reason}; context `{result.target.context}`"]
    if head is None:
        notes.append(_why_missing("head", result.head.failure, result.head.problem))
    if base is None:
        notes.append(_why_missing("base", result.base.failure, result.base.problem))
    return Table(
        title=f"Image {result.target.label}",
        headers=("", "base", "head", "change"),
        rows=tuple(rows),
        note=". ".join(n[:1].upper() + n[1:] for n in notes if n) + ".",
    )


def _why_missing(side: str, failure: BuildFailure | None, problem: str) -> str:
    if failure is not None:
        where = f" at line {failure.line}" if failure.line else ""
        return f"the {side} build failed{where}"
    return problem or f"no {side} image"


def _row(label: str, before: int | None, after: int | None, *, count: bool = False) -> tuple[str, str, str, str]:
    show = str if count else human
    base_cell = NO_VALUE if before is None else show(before)
    head_cell = NO_VALUE if after is None else show(after)
    if before is None or after is None:
        return (label, base_cell, head_cell, NO_VALUE)
    change = after - before
    change_cell = (f"{change:+d}" if change else "±0") if count else f"{signed(change)} ({percent(change, before)})"
    return (label, base_cell, head_cell, change_cell)


def _step_table(result: ImageResult) -> Table | None:
    changed = [d for d in result.deltas if d.delta != 0]
    if not changed:
        return None
    largest = sorted(changed, key=lambda d: -abs(d.delta))[:TOP_STEPS]
    rows = tuple(
        (
            _line(d.head) if d.head else "(removed)",
            d.text,
            NO_VALUE if d.base is None else human(d.base.size),
            NO_VALUE if d.head is None else human(d.head.size),
            signed(d.delta),
        )
        for d in largest
    )
    return Table(
        title=f"{result.target.label}: largest changes by instruction",
        headers=("Line", "Instruction", "base", "head", "change"),
        rows=rows,
        note="Uncompressed layer sizes; instructions matched by their text, then by position.",
    )


def _waste_table(label: str, measure: ImageMeasure) -> Table | None:
    if not measure.waste.shadowings:
        return None
    rows = []
    for shadowing in measure.waste.shadowings[:TOP_STEPS]:
        by, added = _step_of(measure, shadowing.by), _step_of(measure, shadowing.added_in)
        paths = ", ".join(f"/{path}" for path, _size in shadowing.paths[:3])
        rows.append((_line(by), by.text if by else NO_VALUE, human(shadowing.bytes), _where(added), paths))
    return Table(
        title=f"{label}: wasted space ({human(measure.waste.wasted_bytes)})",
        headers=("Line", "Rewrites or deletes", "bytes", "added by", "largest paths"),
        rows=tuple(rows),
        collapsed=True,
        note=f"dive's figure (every copy of a path found in several layers): "
        f"{human(measure.waste.potential_wasted_bytes)}.",
    )


def _log_table(label: str, side: str, failure: BuildFailure) -> Table:
    return Table(
        title=f"{label}: {side} build log (last {len(failure.log_tail)} lines)",
        headers=("log",),
        rows=tuple((line,) for line in failure.log_tail),
        collapsed=True,
    )


def _step_of(measure: ImageMeasure, layer: int) -> Step | None:
    return next((step for step in measure.steps if layer in step.layers), None)


def _line(step: Step | None) -> str:
    if step is None or step.line is None:
        return NO_VALUE
    return str(step.line)


def _where(step: Step | None) -> str:
    if step is None:
        return "an earlier layer"
    if step.keyword == "FROM":
        return "the base image"
    return f"line {step.line}" if step.line else step.keyword


def image_data(result: ImageResult) -> dict[str, Any]:
    target = result.target
    return {
        "id": target.id,
        "dockerfile": target.dockerfile,
        "base_dockerfile": target.base_dockerfile,
        "context": target.context,
        "target": target.target,
        "service": target.service,
        "platform": target.platform,
        "reason": target.reason,
        "base": _side_data(result.base),
        "head": _side_data(result.head),
        "size_delta_bytes": size_delta(result),
        "compressed_delta_bytes": size_delta(result, compressed=True),
        "instructions": [_delta_data(d) for d in result.deltas],
    }


def _side_data(side: SideResult) -> dict[str, Any]:
    return {**_measure_data(side.measure, side.failure, side.problem), "seconds": _seconds(side), "reused": side.reused}


def _seconds(side: SideResult) -> dict[str, float | None]:
    """How long the build ran, and how long reading the image back took once it was built (a
    classic build's layers are mostly read while it runs: bot/image/early_read.py)."""
    build, read = side.build_seconds, side.read_seconds
    return {"build": None if build is None else round(build, 3), "read_back": None if read is None else round(read, 3)}


def _measure_data(measure: ImageMeasure | None, failure: BuildFailure | None, problem: str) -> dict[str, Any]:
    if measure is None:
        return {
            "built": False,
            "problem": problem or None,
            "failure": None
            if failure is None
            else {
                "line": failure.line,
                "instruction": failure.instruction,
                "reason": failure.reason,
                "timed_out": failure.timed_out,
                "log_tail": list(failure.log_tail),
            },
        }
    return {
        "built": True,
        "image_id": measure.image_id,
        "platform": measure.platform,
        "size_bytes": measure.size,
        "compressed_bytes": measure.compressed,
        "layers": measure.layer_count,
        "wasted_bytes": measure.waste.wasted_bytes,
        "potential_wasted_bytes": measure.waste.potential_wasted_bytes,
        "measurement": {
            "image_saved": measure.work.saved,
            "layers_read": measure.work.layers_read,
            "layers_measured": measure.work.layers_measured,
        },
        "wasted": [
            {
                "line": by.line if (by := _step_of(measure, s.by)) else None,
                "added_at_line": added.line if (added := _step_of(measure, s.added_in)) else None,
                "bytes": s.bytes,
                "paths": [{"path": f"/{path}", "bytes": size} for path, size in s.paths],
            }
            for s in measure.waste.shadowings
        ],
    }


def _delta_data(delta: StepDelta) -> dict[str, Any]:
    step = delta.head or delta.base
    return {
        "line": delta.head.line if delta.head else None,
        "base_line": delta.base.line if delta.base else None,
        "instruction": delta.text,
        "keyword": step.keyword if step else "",
        "status": delta.status,
        "base_bytes": delta.base.size if delta.base else None,
        "head_bytes": delta.head.size if delta.head else None,
        "delta_bytes": delta.delta,
        "compressed_delta_bytes": delta.gzip_delta,
    }
