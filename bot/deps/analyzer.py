"""The dependency analyzer: parse every changed dependency file on both sides, diff, lint, report."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.changes import ChangedFile, ChangeSet
from bot.config import Config
from bot.deps.diff import Change, diff_files
from bot.deps.model import ParsedFile
from bot.deps.projects import Side, with_direct
from bot.deps.report import counts, ecosystem_tables
from bot.deps.rules import RULES
from bot.deps.rules.context import DepContext
from bot.filekinds import Family
from bot.findings import place
from bot.model import Finding, Section
from bot.options import ReviewOptions
from bot.text import split_lines
from bot.workspace import Workspace

KEY, TITLE = "dependencies", "Dependency changes"


@dataclass(frozen=True)
class FileReview:
    changed: ChangedFile
    base: ParsedFile | None
    head: ParsedFile | None
    changes: tuple[Change, ...]


def analyze_dependencies(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    head_side, base_side = Side(changes, "head"), Side(changes, "base")
    reviews = [_review(changed, head_side, base_side) for changed in changes.of_family(Family.DEPENDENCY.value)]
    all_changes = {r.changed.path: r.changes for r in reviews}
    findings: list[Finding] = []
    notes: list[str] = []
    for review in reviews:
        findings.extend(_lint(review, config, head_side, base_side, all_changes))
        notes.extend(_notes(review))
    flat = [change for review in reviews for change in review.changes]
    return Section(
        key=KEY,
        title=TITLE,
        findings=tuple(findings),
        tables=tuple(ecosystem_tables(flat)),
        notes=tuple(notes),
        data={
            "files": [_file_data(review) for review in reviews],
            "counts": counts(flat),
            "changes": [change.to_dict() for change in flat],
        },
    )


def _review(changed: ChangedFile, head_side: Side, base_side: Side) -> FileReview:
    head = _parsed(head_side, changed.path) if changed.head_text is not None else None
    base = _parsed(base_side, changed.old_path or changed.path) if changed.base_text is not None else None
    comparable = (head is None or head.ok) and (base is None or base.ok) and (head or base) is not None
    return FileReview(changed, base, head, tuple(diff_files(base, head)) if comparable else ())


def _parsed(side: Side, path: str) -> ParsedFile | None:
    parsed = side.parsed(path)
    if parsed is not None and parsed.is_lock and parsed.ok:
        return with_direct(parsed, side.manifest_for(parsed))
    return parsed


def _lint(
    review: FileReview, config: Config, head_side: Side, base_side: Side, all_changes: dict[str, tuple[Change, ...]]
) -> list[Finding]:
    if review.head is None:
        return []
    path = review.changed.path
    head_context = DepContext(config, head_side, review.changes, all_changes)
    head_findings = _run(review.head, head_context, config)
    if not head_findings:
        return []
    base_findings: list[Finding] = []
    base_lines: list[str] = []
    if review.base is not None and review.changed.base_text is not None:
        base_findings = _run(review.base, DepContext(config, base_side), config)
        base_lines = split_lines(review.changed.base_text)
    head_lines = split_lines(review.changed.head_text or "")
    placed = place(head_findings, base_findings, head_lines, base_lines, review.changed.changed_lines)
    return [_on_path(f, path) for f in placed]


def _run(parsed: ParsedFile, context: DepContext, config: Config) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if rule.id not in config.disabled_rules:
            findings.extend(rule.run(parsed.path, parsed, context))
    return findings


def _on_path(finding: Finding, path: str) -> Finding:
    return finding if finding.path == path else replace(finding, path=path)


def _notes(review: FileReview) -> list[str]:
    path = review.changed.path
    notes = []
    for side, parsed in (("base", review.base), ("head", review.head)):
        if (
            parsed is not None
            and parsed.error is not None
            and side == "base"
            and review.head is not None
            and review.head.ok
        ):
            notes.append(f"{path}: the base side does not parse (line {parsed.error.line}): not compared")
        elif parsed is not None and parsed.error is not None and side == "head":
            notes.append(f"{path}: does not parse at line {parsed.error.line}: changes not compared")
    if review.changed.head_text is None and not review.changed.deleted:
        notes.append(f"{path}: not read (see the file's notes): changes not compared")
    return notes


def _file_data(review: FileReview) -> dict[str, object]:
    some = review.head or review.base
    return {
        "path": review.changed.path,
        "format": review.changed.kind.format,
        "ecosystem": review.changed.kind.ecosystem,
        "lock": bool(some and some.is_lock),
        "status": review.changed.status,
        "base_packages": len(review.base.dependencies) if review.base else None,
        "head_packages": len(review.head.dependencies) if review.head else None,
        "parses": some is None or all(p is None or p.ok for p in (review.base, review.head)),
        "changes": len(review.changes),
    }
