"""The Dockerfile analyzer: lint every changed Dockerfile, base and head, into one Section."""

from __future__ import annotations

from bot.changes import ChangedFile, ChangeSet
from bot.config import Config
from bot.filekinds import Family
from bot.findings import place
from bot.lint.context import LintContext
from bot.lint.dockerfile import RULES
from bot.lint.dockerfile.syntax import dockerfile_syntax
from bot.model import Finding, Section
from bot.options import ReviewOptions
from bot.parsing.dockerfile import Dockerfile, parse_dockerfile
from bot.suggestions import merge_overlapping
from bot.workspace import Workspace


def lint_dockerfile(path: str, text: str, context: LintContext) -> tuple[Dockerfile, list[Finding]]:
    """Parse and lint one Dockerfile; a file that does not parse gets only DH100."""
    dockerfile = parse_dockerfile(path, text)
    if dockerfile.errors:
        return dockerfile, dockerfile_syntax.run(path, dockerfile, context)
    findings = _run_rules(path, dockerfile, context)
    if sum(1 for f in findings if f.suggestion) > 1:
        findings = merge_overlapping(
            findings, text, lambda again: _run_rules(path, parse_dockerfile(path, again), context)
        )
    return dockerfile, findings


def _run_rules(path: str, dockerfile: Dockerfile, context: LintContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if rule.id not in context.config.disabled_rules:
            findings.extend(rule.run(path, dockerfile, context))
    return findings


def analyze_dockerfiles(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    context = LintContext(config, changes.tree)
    findings: list[Finding] = []
    notes: list[str] = []
    reviewed = 0
    for changed in changes.of_family(Family.DOCKERFILE.value):
        if changed.head_text is None:
            continue
        reviewed += 1
        head, head_findings = lint_dockerfile(changed.path, changed.head_text, context)
        findings.extend(_placed(changed, head, head_findings, context))
        notes.extend(f"{changed.path}: {note}" for note in head.notes)
    return Section(
        key="dockerfile",
        title="Dockerfiles",
        findings=tuple(findings),
        notes=tuple(notes),
        data={"files": reviewed},
    )


def _placed(
    changed: ChangedFile, head: Dockerfile, head_findings: list[Finding], context: LintContext
) -> list[Finding]:
    base_findings: list[Finding] = []
    base_lines: tuple[str, ...] = ()
    if changed.base_text is not None:
        base, base_findings = lint_dockerfile(changed.old_path or changed.path, changed.base_text, context)
        base_lines = base.lines
    return place(head_findings, base_findings, head.lines, base_lines, changed.changed_lines)
