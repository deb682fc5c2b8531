"""`dockhand merge`: the reviews of a plan's matrix jobs as ONE review.

Every matrix job reviewed the same commits: its lint sections are the same as every other
job's, its image section holds the one image it built. Merging keeps one copy of what every
job reports (findings, notes, tables are deduplicated), puts the images of all jobs side by
side, takes each Dockerfile's hardening checklist from the job that built its image, and draws
the verdict again from all the findings. Reviews of other commits are refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from bot.image.plan import NO_IMAGE
from bot.model import Finding, Review, ReviewedFile, Section, Table
from bot.policy import decide
from bot.report.json_load import ReportError, review_from_json

T = TypeVar("T")
SectionMerger = Callable[[Sequence[Section]], Section]


class MergeError(ValueError):
    """The reviews cannot be one review (none given, or about different commits)."""


def merge_reviews(reviews: Sequence[Review]) -> Review:
    if not reviews:
        raise MergeError("no reviews to merge")
    first = reviews[0]
    for review in reviews[1:]:
        if (review.base, review.head) != (first.base, first.head):
            raise MergeError(
                f"the reviews are of different commits ({first.base[:12]}...{first.head[:12]} and "
                f"{review.base[:12]}...{review.head[:12]}): not merged"
            )
    sections = [_merge_section(group) for group in _by_key(s for r in reviews for s in r.sections)]
    findings = sorted(_unique((f for s in sections for f in s.findings), _finding_key), key=Finding.sort_key)
    fail_on = min(review.fail_on for review in reviews)
    verdict, reason = decide(findings, fail_on)
    return Review(
        base=first.base,
        head=first.head,
        files=_merge_files([f for r in reviews for f in r.files]),
        sections=tuple(sections),
        findings=tuple(findings),
        verdict=verdict,
        reason=reason,
        fail_on=fail_on,
        notes=tuple(dict.fromkeys(note for r in reviews for note in r.notes)),
        suppressed=tuple(_unique((s for r in reviews for s in r.suppressed), lambda s: _finding_key(s.finding))),
    )


def _merge_section(group: Sequence[Section]) -> Section:
    return _MERGERS.get(group[0].key, _same_in_every_job)(group)


def _same_in_every_job(group: Sequence[Section]) -> Section:
    """Lint sections: every job reviewed the same files; one copy of everything."""
    first = group[0]
    return replace(
        first,
        findings=_findings(group),
        tables=_tables(t for s in group for t in s.tables),
        notes=_notes(group),
    )


def _images(group: Sequence[Section]) -> Section:
    """Each job built its own images: all of them, side by side."""
    images = _unique(
        (image for s in group for image in s.data.get("images", [])),
        lambda image: tuple(str(image.get(key)) for key in ("dockerfile", "context", "target", "service", "platform")),
    )
    data: dict[str, Any] = {**group[0].data, "images": images}
    data["size_delta_bytes"] = sum(d for image in images if isinstance(d := image.get("size_delta_bytes"), int))
    unavailable = next((s.data["unavailable"] for s in group if s.data.get("unavailable")), None)
    data.pop("unavailable", None)
    if unavailable:
        data["unavailable"] = unavailable
    return replace(
        group[0],
        findings=_findings(group),
        tables=_tables(t for s in group for t in s.tables),
        notes=_notes(group),
        data=data,
    )


def _hardening(group: Sequence[Section]) -> Section:
    """Each Dockerfile's checklist from the job that built its image (the image's own config
    decides the user, init and health check rows), else from any job."""
    chosen: dict[str, tuple[int, Section, dict[str, Any]]] = {}
    for section in group:
        for checklist in section.data.get("checklists", []):
            path, sides = str(checklist.get("path")), len(checklist.get("image_sides") or [])
            if path not in chosen or sides > chosen[path][0]:
                chosen[path] = (sides, section, checklist)
    paths = list(chosen)  # in the order the jobs list them
    findings = [f for p in paths for f in chosen[p][1].findings if f.path == p]
    tables = [t for p in paths for t in chosen[p][1].tables if t.path == p]
    data = {**group[0].data, "checklists": [chosen[p][2] for p in paths]}
    return replace(
        group[0],
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        tables=tuple(tables),
        notes=_notes(group),
        data=data,
    )


_MERGERS: dict[str, SectionMerger] = {"image": _images, "hardening": _hardening}


def _by_key(sections: Iterable[Section]) -> list[list[Section]]:
    groups: dict[str, list[Section]] = {}
    for section in sections:
        groups.setdefault(section.key, []).append(section)
    return list(groups.values())


def _merge_files(files: list[ReviewedFile]) -> tuple[ReviewedFile, ...]:
    merged: dict[str, ReviewedFile] = {}
    for file in files:
        known = merged.get(file.path)
        notes = (*known.notes, *file.notes) if known else file.notes
        merged[file.path] = replace(known or file, notes=tuple(dict.fromkeys(notes)))
    return tuple(merged.values())


def _findings(group: Sequence[Section]) -> tuple[Finding, ...]:
    return tuple(sorted(_unique((f for s in group for f in s.findings), _finding_key), key=Finding.sort_key))


def _tables(tables: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(_unique(tables, lambda table: table))


def _notes(group: Sequence[Section]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(note for s in group for note in s.notes))


def _finding_key(finding: Finding) -> tuple[Hashable, ...]:
    return (finding.rule, finding.path, finding.line, finding.end_line, finding.message, finding.fingerprint)


def _unique(items: Iterable[T], key: Callable[[T], Hashable]) -> list[T]:
    seen: set[Hashable] = set()
    kept = []
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            kept.append(item)
    return kept


def read_reviews(paths: Sequence[Path]) -> tuple[list[Review], list[str]]:
    """The JSON reviews that can be read, and what is wrong with the others."""
    reviews: list[Review] = []
    problems: list[str] = []
    for path in paths:
        try:
            reviews.append(review_from_json(path.read_bytes()))
        except OSError as error:
            problems.append(f"{path}: cannot read it: {error.strerror}")
        except ReportError as error:
            problems.append(f"{path}: not a dockhand review: {error}")
    return reviews, problems


def unreviewed(matrix_json: str, reviews: Sequence[Review]) -> list[str]:
    """Images the plan's matrix lists that no review built or tried to (its job failed or was
    cancelled before it wrote its report), by name."""
    try:
        entries = json.loads(matrix_json).get("include", [])
    except (ValueError, AttributeError):
        return ["the matrix given is not the JSON that `dockhand plan` prints"]
    reviewed = {
        str(image.get("id"))
        for review in reviews
        for section in review.sections
        if section.key == "image"
        for image in section.data.get("images", [])
        if isinstance(image, dict)
    }
    missing = []
    for entry in entries if isinstance(entries, list) else []:
        ids = (
            [i for i in str(entry.get("image", "")).split(",") if i and i != NO_IMAGE]
            if isinstance(entry, dict)
            else []
        )
        if any(image_id not in reviewed for image_id in ids):
            missing.append(str(entry.get("name") or ",".join(ids)))
    return missing
