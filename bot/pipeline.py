"""One way through: ChangeSet -> analyzers -> Review (findings placed, ignores applied, verdict)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from bot.catalog import rule_codes
from bot.changes import ChangeSet
from bot.config import Config
from bot.deps.analyzer import analyze_dependencies
from bot.deps.parse import LOCK_FORMATS
from bot.filekinds import classify
from bot.hardening.analyzer import analyze_hardening
from bot.image.analyzer import analyze_images
from bot.lint.compose.analyzer import analyze_compose
from bot.lint.dockerfile.analyzer import analyze_dockerfiles
from bot.lint.dockerignore.analyzer import analyze_dockerignore
from bot.model import Finding, Review, ReviewedFile, Section, Suppressed
from bot.options import ReviewOptions
from bot.policy import decide
from bot.redact import credential_values, redact
from bot.scan.analyzer import analyze_vulnerabilities
from bot.suppress import split_suppressed
from bot.text import split_lines
from bot.workspace import Workspace

Analyzer = Callable[[ChangeSet, Config, ReviewOptions, Workspace], Section]
"""Analyzers report in this order; a later one may use what an earlier one left in the Workspace."""

ANALYZERS: tuple[tuple[str, str, Analyzer], ...] = (
    ("image", "Images", analyze_images),  # first: later analyzers read the built images' config
    ("dockerfile", "Dockerfiles", analyze_dockerfiles),
    ("compose", "Compose files", analyze_compose),
    ("dockerignore", ".dockerignore and build contexts", analyze_dockerignore),
    ("dependencies", "Dependency changes", analyze_dependencies),
    ("hardening", "Hardening checklist", analyze_hardening),  # after the images: their config decides rows
    ("scan", "Vulnerabilities", analyze_vulnerabilities),
)
BESIDE_THE_BUILDS = frozenset({"dockerfile", "compose", "dockerignore", "dependencies"})
"""Analyzers that read only the commits, run in a thread of their own while the image analyzer
waits on the builds (which keeps the main thread, so that Ctrl-C stops them at once)."""


def run_review(changes: ChangeSet, config: Config, options: ReviewOptions | None = None) -> Review:
    options = options or ReviewOptions()
    changes, ignored = _without_ignored(changes, config)
    sections: list[Section] = []
    suppressed: list[Suppressed] = []
    workspace = Workspace()
    try:
        for section in _run_analyzers(changes, config, options, workspace):
            kept, switched_off = _finalize(changes, config, list(section.findings))
            sections.append(replace(section, findings=tuple(kept)))
            suppressed.extend(switched_off)
    finally:
        workspace.close()
    sections = _without_redundant(sections, suppressed)
    findings = sorted((f for s in sections for f in s.findings), key=Finding.sort_key)
    fail_on = options.fail_on or config.fail_on
    verdict, reason = decide(findings, fail_on)
    notes = list(changes.notes)
    if ignored:
        notes.append(f"{ignored} changed file(s) skipped by ignore-paths in {config.source}")
    if config.hadolint_source:
        notes.append(f"settings from {config.hadolint_source} applied (ignored rules, overrides, trusted registries)")
    review = Review(
        base=changes.base,
        head=changes.head,
        files=tuple(ReviewedFile(f.path, f.kind.label, f.status, f.old_path, f.notes) for f in changes.files),
        sections=tuple(sections),
        findings=tuple(findings),
        verdict=verdict,
        reason=reason,
        fail_on=fail_on,
        notes=tuple(notes),
        suppressed=tuple(suppressed),
    )
    return redact(review, _credentials(changes, config))


def _credentials(changes: ChangeSet, config: Config) -> frozenset[str]:
    """Credential values in everything the review read: the changed files, the head files the
    analyzers opened, and the build args the config passes to docker."""
    read = [(f.path, text) for f in changes.files for text in (f.head_text, f.base_text) if text is not None]
    read.extend(changes.tree.texts_read())
    locks = [text for path, text in read if _is_lock(path)]
    others = [text for path, text in read if not _is_lock(path)]
    build_args = [pair for spec in config.image.images for pair in spec.args.items()]
    return credential_values(others, build_args, locks)


def _is_lock(path: str) -> bool:
    kind = classify(path)
    return kind is not None and kind.format in LOCK_FORMATS


def _without_redundant(sections: list[Section], suppressed: list[Suppressed]) -> list[Section]:
    """Drop findings that only repeat what another rule's new finding in the same file says
    (or what an ignore comment already decided about)."""
    reported = {(f.path, f.rule) for s in sections for f in s.findings if f.counts_for_policy}
    reported |= {(item.finding.path, item.finding.rule) for item in suppressed}

    def redundant(finding: Finding) -> bool:
        return any((finding.path, rule) in reported for rule in finding.redundant_with)

    return [replace(s, findings=tuple(f for f in s.findings if not redundant(f))) for s in sections]


def _without_ignored(changes: ChangeSet, config: Config) -> tuple[ChangeSet, int]:
    kept = tuple(f for f in changes.files if not config.is_ignored_path(f.path))
    return replace(changes, files=kept), len(changes.files) - len(kept)


def _run_analyzers(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> list[Section]:
    """Every analyzer's section, in ANALYZERS order; those BESIDE_THE_BUILDS run in one thread
    of their own, one after the other, while this thread runs the rest."""
    beside = tuple(entry for entry in ANALYZERS if entry[0] in BESIDE_THE_BUILDS)
    rest = tuple(entry for entry in ANALYZERS if entry[0] not in BESIDE_THE_BUILDS)
    pool = ThreadPoolExecutor(1, thread_name_prefix="dockhand-lint")
    try:
        linted = pool.submit(_run_in_turn, beside, changes, config, options, workspace)
        sections = {**_run_in_turn(rest, changes, config, options, workspace), **linted.result()}
    except BaseException:  # Ctrl-C: do not wait for the linting thread
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [sections[key] for key, _title, _run in ANALYZERS]


def _run_in_turn(
    analyzers: tuple[tuple[str, str, Analyzer], ...],
    changes: ChangeSet,
    config: Config,
    options: ReviewOptions,
    workspace: Workspace,
) -> dict[str, Section]:
    return {key: _run_analyzer(key, title, run, changes, config, options, workspace) for key, title, run in analyzers}


def _run_analyzer(
    key: str,
    title: str,
    analyzer: Analyzer,
    changes: ChangeSet,
    config: Config,
    options: ReviewOptions,
    workspace: Workspace,
) -> Section:
    """Analyzers never raise for bad input; if one has a bug, the rest of the review still runs."""
    try:
        return analyzer(changes, config, options, workspace)
    except Exception as error:  # noqa: BLE001 - one broken analyzer must not lose the others
        return Section(key, title, notes=(f"internal error, section incomplete: {type(error).__name__}: {error}",))


def _finalize(changes: ChangeSet, config: Config, findings: list[Finding]) -> tuple[list[Finding], list[Suppressed]]:
    codes = rule_codes()
    adjusted = [
        replace(f, severity=config.severity_overrides.get(f.rule, f.severity))
        for f in findings
        if f.rule not in config.disabled_rules
    ]
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    by_path: dict[str, list[Finding]] = {}
    for finding in adjusted:
        by_path.setdefault(finding.path, []).append(finding)
    for path, file_findings in by_path.items():
        changed = changes.file(path)
        lines = split_lines(changed.head_text) if changed and changed.head_text is not None else []
        file_kept, file_suppressed = split_suppressed(file_findings, lines, codes)
        kept.extend(file_kept)
        suppressed.extend(file_suppressed)
    kept.sort(key=Finding.sort_key)
    return kept, suppressed
