"""The .dockerignore analyzer: each changed ignore file, and every build context the change touches."""

from __future__ import annotations

from typing import Any

from bot.changes import ChangedFile, ChangeSet
from bot.config import Config
from bot.filekinds import Family
from bot.findings import place
from bot.lint.buildcontexts import BuildContext, relevant_contexts
from bot.lint.context import LintContext
from bot.lint.dockerignore import CONTEXT_RULES
from bot.lint.dockerignore.subject import COMPOSE, DOCKERFILE, IGNORE, ContextReview
from bot.lint.dockerignore.syntax import dockerignore_syntax
from bot.lint.repoview import BASE, HEAD, RepoView
from bot.model import Finding, Section
from bot.options import ReviewOptions
from bot.parsing.dockerfile import parse_dockerfile
from bot.parsing.dockerignore import parse_dockerignore
from bot.text import split_lines
from bot.workspace import Workspace


def analyze_dockerignore(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    context = LintContext(config, changes.tree)
    head_view, base_view = workspace.view(changes, HEAD), workspace.view(changes, BASE)
    changed = {f.path: f for f in changes.files if not f.deleted}
    contexts = relevant_contexts(changes, head_view)
    head = lint_side(changes, head_view, context, set(changed), contexts)
    base = lint_side(changes, base_view, context, set(changed))
    findings: list[Finding] = []
    for path, file_findings in head.items():
        file = changed[path]
        base_path = file.old_path or path
        base_findings = [f for f in base.get(path, []) + base.get(base_path, []) if f.path in (path, base_path)]
        findings.extend(_placed(file, file_findings, base_findings))
    return Section(
        key="dockerignore",
        title=".dockerignore and build contexts",
        findings=tuple(findings),
        data={"contexts": [_describe(c) for c in contexts]},
    )


def lint_side(
    changes: ChangeSet,
    view: RepoView,
    context: LintContext,
    reviewed: set[str],
    contexts: list[BuildContext] | None = None,
) -> dict[str, list[Finding]]:
    """Findings of one side, by the (head) path of the reviewed file they belong to.

    `contexts`: this side's relevant build contexts, when the caller has them already."""
    found: dict[str, list[Finding]] = {}
    for changed in changes.of_family(Family.DOCKERIGNORE.value):
        text = view.read(changed.path if view.side == HEAD else changed.old_path or changed.path)
        if text is not None and not changed.deleted:
            found.setdefault(changed.path, []).extend(
                dockerignore_syntax.run(changed.path, parse_dockerignore(text), context)
            )
    for build in relevant_contexts(changes, view) if contexts is None else contexts:
        review = _review(build, view, reviewed)
        if review is None:
            continue
        for rule in CONTEXT_RULES:
            if rule.id not in context.config.disabled_rules:
                for finding in rule.run(review.target_path, review, context):
                    found.setdefault(review.target_path, []).append(finding)
    return {path: list(dict.fromkeys(findings)) for path, findings in found.items()}


def _review(build: BuildContext, view: RepoView, reviewed: set[str]) -> ContextReview | None:
    text = view.read(build.dockerfile)
    if text is None:
        return None
    dockerfile = parse_dockerfile(build.dockerfile, text)
    if dockerfile.errors:
        return None
    ignore_text = view.read(build.ignore_file) if build.ignore_file else None
    ignore = parse_dockerignore(ignore_text) if ignore_text is not None else None
    if build.ignore_file in reviewed and ignore is not None:
        target = IGNORE
    elif build.dockerfile in reviewed:
        target = DOCKERFILE
    elif build.compose_file in reviewed and build.build_line is not None:
        target = COMPOSE
    else:
        return None
    return ContextReview(build, dockerfile, ignore, view, target)


def _placed(changed: ChangedFile, head: list[Finding], base: list[Finding]) -> list[Finding]:
    head_lines = split_lines(changed.head_text or "")
    base_lines = split_lines(changed.base_text or "")
    return place(head, base, head_lines, base_lines, changed.changed_lines)


def _describe(build: BuildContext) -> dict[str, Any]:
    return {
        "dockerfile": build.dockerfile,
        "context": build.context,
        "target": build.target,
        "ignore_file": build.ignore_file,
        "compose_file": build.compose_file,
        "service": build.service,
        "inferred": build.inferred,
    }
