"""`dockhand merge`: the reviews of a plan's matrix jobs as ONE review.

Every matrix job reviewed the same commits: its lint sections are the same as every other
job's, its image section holds the one image it built, its scan section the dependency files
and that image. Merging keeps one copy of what every job reports (findings, notes, tables are
deduplicated), puts the images of all jobs side by side, counts each vulnerability once
(bot/scan/merge.py), takes each Dockerfile's hardening checklist from the job that built its
image, and draws the verdict again from all the findings. Reviews of other commits are refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from bot.hardening.analyzer import hardening_regression
from bot.image.plan import NO_IMAGE
from bot.model import Finding, Review, ReviewedFile, Section, Table
from bot.policy import decide
from bot.report.json_load import ReportError, review_from_json
from bot.scan.merge import merge_scan

T = TypeVar("T")
HARDENING = "hardening"
HARDENING_RULES = frozenset({hardening_regression.id})
"""Findings drawn from a checklist, which depends on whether the job built the image."""


class MergeError(ValueError):
    """The reviews cannot be one review (none given, or about different commits)."""


def merge_reviews(reviews: Sequence[Review]) -> Review:
    """One review of the jobs' reviews (of the same commits; read back from JSON, a review's
    findings are in `Review.findings` only, so that is where they are merged from)."""
    if not reviews:
        raise MergeError("no reviews to merge")
    first = reviews[0]
    for review in reviews[1:]:
        if (review.base, review.head) != (first.base, first.head):
            raise MergeError(
                f"the reviews are of different commits ({first.base[:12]}...{first.head[:12]} and "
                f"{review.base[:12]}...{review.head[:12]}): not merged"
            )
    checklist_from = _checklist_sources(reviews)

    def kept(index: int, finding: Finding) -> bool:
        return finding.rule not in HARDENING_RULES or checklist_from.get(finding.path, index) == index

    findings = _sorted_unique(f for index, r in enumerate(reviews) for f in r.findings if kept(index, f))
    sections = []
    for key, indexed in _by_key(reviews).items():
        if key == HARDENING:
            sections.append(_hardening(indexed, checklist_from))
        else:
            group = [section for _, section in indexed]
            if key == "image":
                sections.append(_images(group))
            elif key == "scan":
                sections.append(merge_scan(group, _same_in_every_job(group)))
            else:
                sections.append(_same_in_every_job(group))
    fail_on = min(review.fail_on for review in reviews)
    verdict, reason = decide(findings, fail_on)
    return Review(
        base=first.base,
        head=first.head,
        files=_merge_files([f for r in reviews for f in r.files]),
        sections=tuple(sections),
        findings=findings,
        verdict=verdict,
        reason=reason,
        fail_on=fail_on,
        notes=tuple(dict.fromkeys(note for r in reviews for note in r.notes)),
        suppressed=tuple(_unique((s for r in reviews for s in r.suppressed), lambda s: _finding_key(s.finding))),
    )


_FLAGS = ("unavailable", "interrupted")
"""Section data that says something did not run: one job's is the merged section's."""


def _same_in_every_job(group: Sequence[Section]) -> Section:
    """Lint sections: every job reviewed the same files; one copy of everything."""
    data = {key: value for key, value in group[0].data.items() if key not in _FLAGS}
    for flag in _FLAGS:
        found = next((s.data[flag] for s in group if s.data.get(flag)), None)
        if found:
            data[flag] = found
    return replace(
        group[0],
        data=data,
        findings=_sorted_unique(f for s in group for f in s.findings),
        tables=_tables(group),
        notes=_notes(group),
    )


def _images(group: Sequence[Section]) -> Section:
    """Each job built its own images: all of them, side by side."""
    images = _unique((image for s in group for image in s.data.get("images", [])), _image_key)
    merged = _same_in_every_job(group)
    data: dict[str, Any] = {**merged.data, "images": images}
    data["size_delta_bytes"] = sum(d for image in images if isinstance(d := image.get("size_delta_bytes"), int))
    return replace(merged, data=data)


def _image_key(image: Any) -> Hashable:
    """The plan's id of the image (what it builds, args included), else what the report shows."""
    if not isinstance(image, dict):
        return repr(image)
    return str(
        image.get("id") or [image.get(key) for key in ("dockerfile", "context", "target", "service", "platform")]
    )


def _checklist_sources(reviews: Sequence[Review]) -> dict[str, int]:
    """For each Dockerfile, the review whose checklist read the most built images (the image's own
    config decides the user, init and health check rows), else the first that has one."""
    best: dict[str, tuple[int, int]] = {}
    for index, review in enumerate(reviews):
        for section in review.sections:
            if section.key != HARDENING:
                continue
            for checklist in section.data.get("checklists", []):
                path, sides = str(checklist.get("path")), len(checklist.get("image_sides") or [])
                if path not in best or sides > best[path][0]:
                    best[path] = (sides, index)
    return {path: index for path, (_, index) in best.items()}


def _hardening(indexed: Sequence[tuple[int, Section]], checklist_from: dict[str, int]) -> Section:
    """Each Dockerfile's checklist, table and findings from the review `checklist_from` names."""
    first = indexed[0][1]
    mine = list(indexed)

    def chosen(index: int, path: str | None) -> bool:
        return path is None or checklist_from.get(path, index) == index

    checklists = [c for i, s in mine for c in s.data.get("checklists", []) if chosen(i, str(c.get("path")))]
    return replace(
        first,
        findings=_sorted_unique(f for i, s in mine for f in s.findings if chosen(i, f.path)),
        tables=tuple(t for i, s in mine for t in s.tables if chosen(i, t.path)),
        notes=_notes([s for _, s in mine]),
        data={**first.data, "checklists": checklists},
    )


def _by_key(reviews: Sequence[Review]) -> dict[str, list[tuple[int, Section]]]:
    """Each section key's sections, with the index of the review they come from, in first-seen order."""
    groups: dict[str, list[tuple[int, Section]]] = {}
    for index, review in enumerate(reviews):
        for section in review.sections:
            groups.setdefault(section.key, []).append((index, section))
    return groups


def _merge_files(files: list[ReviewedFile]) -> tuple[ReviewedFile, ...]:
    merged: dict[str, ReviewedFile] = {}
    for file in files:
        known = merged.get(file.path)
        notes = (*known.notes, *file.notes) if known else file.notes
        merged[file.path] = replace(known or file, notes=tuple(dict.fromkeys(notes)))
    return tuple(merged.values())


def _sorted_unique(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(_unique(findings, _finding_key), key=Finding.sort_key))


def _tables(group: Sequence[Section]) -> tuple[Table, ...]:
    return tuple(_unique((t for s in group for t in s.tables), lambda table: table))


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


def merge_files(
    paths: Sequence[Path], head: str | None = None, matrix_json: str = ""
) -> tuple[Review | None, list[str]]:
    """The merged review of the files that can be read (those of `head`, when given), and the
    problems: unreadable files, reviews of another commit, planned images nobody reviewed."""
    reviews, problems = read_reviews(paths)
    if not paths:
        problems.append("no review JSON file to merge")
    if head is not None:
        problems += [
            f"a review of {r.head[:12]} is not of the head {head[:12]}: left out" for r in reviews if r.head != head
        ]
        reviews = [r for r in reviews if r.head == head]
    if matrix_json:
        problems += [f"no review of {name}: its matrix job left none" for name in unreviewed(matrix_json, reviews)]
    if not reviews:
        return None, problems
    try:
        merged = merge_reviews(reviews)
    except MergeError as error:
        return None, [*problems, str(error)]
    return replace(merged, notes=(*merged.notes, *problems)), problems
