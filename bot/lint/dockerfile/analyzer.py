"""The Dockerfile analyzer: lint every changed Dockerfile, base and head, into one Section.

The rules run per file; ShellCheck runs once for every shell snippet of every file of the
review (base and head sides included), in one process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot import secrets
from bot.changes import ChangedFile, ChangeSet
from bot.config import Config
from bot.filekinds import Family
from bot.findings import place
from bot.lint.compose_uses import compose_uses
from bot.lint.context import LintContext, Sides
from bot.lint.dockerfile import RULES
from bot.lint.dockerfile.base_downgrade import base_image_downgrade
from bot.lint.dockerfile.credentials import secret_values
from bot.lint.dockerfile.shellcheck import check_snippets
from bot.lint.dockerfile.snippets import Snippet, shell_snippets
from bot.lint.dockerfile.syntax import dockerfile_syntax
from bot.lint.repoview import HEAD
from bot.model import Finding, Section
from bot.options import ReviewOptions
from bot.parsing.dockerfile import Dockerfile, parse_dockerfile
from bot.suggestions import merge_overlapping
from bot.workspace import Workspace


@dataclass(frozen=True)
class LintedFile:
    path: str
    dockerfile: Dockerfile
    findings: list[Finding]


def lint_dockerfile(path: str, text: str, context: LintContext) -> tuple[Dockerfile, list[Finding]]:
    """Parse and lint one Dockerfile with dockhand's rules; a file that does not parse gets only DH100."""
    dockerfile = parse_dockerfile(path, text)
    if dockerfile.errors and dockerfile.template:  # not Dockerfile syntax until it is rendered: not a finding
        first = dockerfile.errors[0]
        unread = f"the template does not parse until it is rendered (line {first.line}: {first.message}): not linted"
        return replace(dockerfile, notes=(*dockerfile.notes, unread)), []
    if dockerfile.errors:
        return dockerfile, dockerfile_syntax.run(path, dockerfile, context)
    findings = _run_rules(path, dockerfile, context)
    if sum(1 for f in findings if f.suggestion) > 1:
        findings = merge_overlapping(
            findings, text, lambda again, rules: _run_rules(path, parse_dockerfile(path, again), context, rules)
        )
    return dockerfile, findings


def lint_dockerfiles(
    files: Sequence[tuple[str, str]], context: LintContext, *, shellcheck: bool = True
) -> tuple[list[LintedFile], list[str]]:
    """Lint `(path, text)` pairs: the rules per file, then ShellCheck once over all of them."""
    linted = [LintedFile(path, *lint_dockerfile(path, text, context)) for path, text in files]
    notes: list[str] = []
    if shellcheck:
        pairs: list[tuple[str, Snippet]] = []
        owners: list[int] = []
        for index, item in enumerate(linted):
            if not item.dockerfile.errors:
                for snippet in shell_snippets(item.dockerfile):
                    pairs.append((item.path, snippet))
                    owners.append(index)
        run = check_snippets(pairs)
        for owner, found in zip(owners, run.findings, strict=True):
            linted[owner].findings.extend(found)
        notes.extend(run.notes)
    return [replace(item, findings=redact(item.dockerfile, item.findings)) for item in linted], notes


def redact(dockerfile: Dockerfile, findings: list[Finding]) -> list[Finding]:
    """Mask credential values in messages and suggestions; drop a suggestion that would repeat one."""
    values = secret_values(dockerfile)
    if not values:
        return findings
    redacted = []
    for finding in findings:
        suggestion = finding.suggestion
        if suggestion is not None:
            if any(value in suggestion.replacement for value in values):
                suggestion = None
            else:
                suggestion = replace(suggestion, original=secrets.mask(suggestion.original, values))
        redacted.append(replace(finding, message=secrets.mask(finding.message, values), suggestion=suggestion))
    return redacted


def _compared(path: str, base: LintedFile | None, head: LintedFile, context: LintContext) -> list[Finding]:
    """What only the two versions together show (DH135): nothing for a new file or one that does not parse."""
    if base is None or base.dockerfile.errors or head.dockerfile.errors:
        return []
    if base_image_downgrade.id in context.config.disabled_rules:
        return []
    return base_image_downgrade.run(path, Sides(base.dockerfile, head.dockerfile), context)


def _run_rules(
    path: str, dockerfile: Dockerfile, context: LintContext, only: frozenset[str] | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if rule.id not in context.config.disabled_rules and (only is None or rule.id in only):
            findings.extend(rule.run(path, dockerfile, context))
    return findings


def analyze_dockerfiles(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    head_view = workspace.view(changes, HEAD)
    built = {
        changed.path: uses
        for changed in changes.of_family(Family.DOCKERFILE.value)
        if changed.head_text is not None and (uses := compose_uses(changed.path, head_view, config.compose_sets))
    }
    context = LintContext(config, changes.tree, built)
    files: list[tuple[str, str]] = []
    sides: list[tuple[ChangedFile, int, int | None]] = []  # a changed file, where its head and base are in `files`
    for changed in changes.of_family(Family.DOCKERFILE.value):
        if changed.head_text is None:
            continue
        head_index, base_index = len(files), None
        files.append((changed.path, changed.head_text))
        if changed.base_text is not None:
            base_index = len(files)
            files.append((changed.old_path or changed.path, changed.base_text))
        sides.append((changed, head_index, base_index))
    linted, notes = lint_dockerfiles(files, context)
    findings: list[Finding] = []
    for changed, head_index, base_index in sides:
        head = linted[head_index]
        base = linted[base_index] if base_index is not None else None
        compared = _compared(changed.path, base, head, context)
        findings.extend(
            place(
                [*head.findings, *compared],
                base.findings if base else [],
                head.dockerfile.lines,
                base.dockerfile.lines if base else (),
                changed.changed_lines,
            )
        )
        notes.extend(f"{changed.path}: {note}" for note in head.dockerfile.notes)
    return Section(
        key="dockerfile",
        title="Dockerfiles",
        findings=tuple(findings),
        notes=tuple(notes),
        data={"files": len(sides)},
    )
