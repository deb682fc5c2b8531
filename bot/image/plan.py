"""`dockhand plan`: the images a change needs built, as a GitHub Actions matrix.

For more images than one runner can build in time, the work is split over a matrix: the plan
job lists every image discovery finds (image.max-images does not apply: the matrix is what
spreads the work), each matrix job runs `dockhand review --only <image>` and uploads its JSON
report, and one `dockhand merge` job makes the single report and publishes it.

    {"include": [{"image": "3f1c0a9b2e4d", "name": "services/api/Dockerfile"}, ...]}

GitHub runs at most 256 jobs per matrix: past `max_jobs`, several images share a job (their ids
joined by commas). With nothing to build, the matrix has one entry, `"image": "none"`, so the
lint review still runs and the merge still has a report.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.changes import ChangeSet
from bot.config import Config
from bot.image.discovery import BuildTarget, Repository, discover

MAX_MATRIX_JOBS = 256
"""GitHub's limit on the jobs of one matrix."""
NO_IMAGE = "none"
"""`--only none`: build no image (the lint review of a change that has nothing to build)."""


def plan_images(changes: ChangeSet, config: Config) -> tuple[list[BuildTarget], list[str]]:
    """Every image the change needs built, most relevant first, and discovery's notes."""
    settings = replace(config.image, max_images=1_000_000)
    found = discover(Repository.of(changes.tree.repo, changes), settings)
    return list(found.targets), list(found.notes)


def matrix(targets: list[BuildTarget], max_jobs: int = MAX_MATRIX_JOBS) -> dict[str, Any]:
    """`strategy.matrix` for the build jobs: one image per job, or a few per job past `max_jobs`."""
    if not targets:
        return {"include": [{"image": NO_IMAGE, "name": "no image to build"}]}
    jobs = min(len(targets), max(1, max_jobs))
    groups = [targets[index::jobs] for index in range(jobs)]
    return {"include": [_entry(group) for group in groups]}


def _entry(group: list[BuildTarget]) -> dict[str, Any]:
    name = group[0].label if len(group) == 1 else f"{group[0].label} and {len(group) - 1} more"
    return {"image": ",".join(target.id for target in group), "name": name}


def parse_only(values: list[str]) -> frozenset[str]:
    """`--only` values (repeatable, comma-separated ids) as a set; `none` builds nothing."""
    items = {item.strip() for value in values for item in value.split(",")}
    return frozenset(item for item in items if item and item != NO_IMAGE)
