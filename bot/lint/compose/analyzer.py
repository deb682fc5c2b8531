"""The Compose analyzer: lint every changed Compose file, base and head, into one Section."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.changes import ChangedFile, ChangeSet
from bot.config import Config
from bot.filekinds import Family
from bot.findings import place
from bot.lint.compose import REVIEW_RULES
from bot.lint.compose.downgrade import compose_image_downgrade
from bot.lint.compose.project import ComposeProject, build_project
from bot.lint.compose.subject import ComposeReview
from bot.lint.compose.syntax import compose_syntax
from bot.lint.compose.table import service_rows, services_table
from bot.lint.context import LintContext, Sides
from bot.lint.repoview import BASE, HEAD, RepoView
from bot.model import Finding, Section, Table
from bot.options import ReviewOptions
from bot.parsing.compose import ComposeFile, parse_compose
from bot.suggestions import merge_overlapping
from bot.workspace import Workspace

_SECRET_RULES = frozenset({"DH201", "DH202"})
_STOPPING_PROBLEMS = frozenset({"yaml", "limit"})
_SERVICE_IN_MESSAGE = re.compile(r"^service `([^`]+)`")


@dataclass(frozen=True)
class LintedCompose:
    compose: ComposeFile
    findings: list[Finding]
    review: ComposeReview | None = None


def lint_compose(
    path: str, text: str, context: LintContext, view: RepoView, sets: Sequence[Sequence[str]] = ()
) -> LintedCompose:
    """Parse and lint one Compose file in its project; a file that does not parse gets only DH200."""
    compose = view.parsed.compose(path, text)
    findings = compose_syntax.run(path, compose, context)
    if any(p.kind in _STOPPING_PROBLEMS for p in compose.problems) or not compose.parsed:
        return LintedCompose(compose, findings)
    review = ComposeReview(compose, build_project(compose, view, sets))
    findings.extend(_run_rules(review, context))
    if sum(1 for f in findings if f.suggestion) > 1:
        findings = merge_overlapping(
            findings, text, lambda again, rules: _relint(path, again, context, review.project, rules)
        )
    return LintedCompose(compose, _without_secret_edits(_one_per_shared_line(findings)), review)


def _run_rules(review: ComposeReview, context: LintContext, only: frozenset[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in REVIEW_RULES:
        if rule.id not in context.config.disabled_rules and (only is None or rule.id in only):
            findings.extend(rule.run(review.file.path, review, context))
    return findings


def _relint(
    path: str, text: str, context: LintContext, project: ComposeProject, rules: frozenset[str]
) -> list[Finding]:
    compose = parse_compose(path, text)
    if compose.problems or not compose.parsed:
        return []
    files = tuple(compose if f.path == path else f for f in project.files)
    return _run_rules(ComposeReview(compose, replace(project, files=files)), context, rules)


def _one_per_shared_line(findings: list[Finding]) -> list[Finding]:
    """A line inside an anchored block serves several services: report it for the first, once."""
    groups: dict[tuple[str, int | None], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.rule, finding.line), []).append(finding)
    kept: list[Finding] = []
    for group in groups.values():
        services = list(dict.fromkeys(_service_of(f) for f in group))
        if len(services) < 2 or None in services or group[0].rule == "DH216":
            kept.extend(dict.fromkeys(group))
            continue
        others = ", ".join(f"`{name}`" for name in services[1:])
        for finding in dict.fromkeys(f for f in group if _service_of(f) == services[0]):
            kept.append(replace(finding, message=f"{finding.message} (the same line also serves {others})"))
    return kept


def _service_of(finding: Finding) -> str | None:
    match = _SERVICE_IN_MESSAGE.match(finding.message)
    return match.group(1) if match else None


def _without_secret_edits(findings: list[Finding]) -> list[Finding]:
    """No suggestion may carry a line that holds a credential, except the masked one of DH201."""
    secret_lines = {f.line for f in findings if f.rule in _SECRET_RULES}
    cleaned = []
    for finding in findings:
        suggestion = finding.suggestion
        touched = range(suggestion.start, suggestion.end + 1) if suggestion is not None else range(0)
        if finding.rule != "DH201" and any(line in secret_lines for line in touched):
            finding = replace(finding, suggestion=None)
        cleaned.append(finding)
    return cleaned


def analyze_compose(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    context = LintContext(config, changes.tree)
    head_view, base_view = workspace.view(changes, HEAD), workspace.view(changes, BASE)
    findings: list[Finding] = []
    tables: list[Table] = []
    notes: list[str] = []
    files: list[dict[str, Any]] = []
    for changed in changes.of_family(Family.COMPOSE.value):
        if changed.head_text is None:
            continue
        head = lint_compose(changed.path, changed.head_text, context, head_view, config.compose_sets)
        placed = _placed(changed, head, context, base_view, config.compose_sets)
        if head.compose.template:
            shown = [f for f in placed if f.counts_for_policy]
            if len(shown) < len(placed):
                hidden = len(placed) - len(shown)
                notes.append(f"{changed.path}: {hidden} pre-existing finding(s) of this template not shown")
            placed = shown
        findings.extend(placed)
        notes.extend(f"{changed.path}: {note}" for note in head.compose.notes)
        if head.review is not None and head.compose.services:
            rows = service_rows(head.review)
            tables.append(services_table(changed.path, rows))
            files.append({"path": changed.path, "template": head.compose.template, "services": rows})
        else:
            files.append({"path": changed.path, "template": head.compose.template, "services": []})
    return Section(
        key="compose",
        title="Compose files",
        findings=tuple(findings),
        tables=tuple(tables),
        notes=tuple(notes),
        data={"files": files},
    )


def _placed(
    changed: ChangedFile, head: LintedCompose, context: LintContext, view: RepoView, sets: Sequence[Sequence[str]]
) -> list[Finding]:
    base_findings: list[Finding] = []
    base_lines: tuple[str, ...] = ()
    compared: list[Finding] = []
    if changed.base_text is not None:
        base = lint_compose(changed.old_path or changed.path, changed.base_text, context, view, sets)
        base_findings, base_lines = base.findings, base.compose.lines
        if base.review is not None and head.review is not None:
            sides = Sides(base.compose, head.compose)
            compared = compose_image_downgrade.run(changed.path, sides, context)
    return place([*head.findings, *compared], base_findings, head.compose.lines, base_lines, changed.changed_lines)
