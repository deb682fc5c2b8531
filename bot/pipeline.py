"""One way through: ChangeSet -> analyzers -> Review (findings placed, ignores applied, verdict)."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from bot.changes import ChangeSet
from bot.config import Config
from bot.filekinds import classify, comment_leader
from bot.model import Finding, Review, ReviewedFile, Section, Suppressed
from bot.options import ReviewOptions
from bot.policy import decide
from bot.redact import credential_values, redact
from bot.suggestions import narrowed
from bot.suppress import split_suppressed
from bot.text import split_lines
from bot.workspace import Workspace

Analyzer = Callable[[ChangeSet, Config, ReviewOptions, Workspace], Section]


class LazyAnalyzer:
    """An analyzer whose module is imported when it first runs, in the thread that runs it: the
    builds start before the rule modules of the other analyzers are loaded (a tenth of a second)."""

    def __init__(self, module: str, function: str) -> None:
        self.module = module
        self.function = function

    def __call__(self, changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
        return self.load()(changes, config, options, workspace)

    def load(self) -> Analyzer:
        analyzer: Analyzer = getattr(importlib.import_module(self.module), self.function)
        return analyzer


ANALYZERS: tuple[tuple[str, str, Analyzer], ...] = (
    # first: later analyzers read the built images' config
    ("image", "Images", LazyAnalyzer("bot.image.analyzer", "analyze_images")),
    ("dockerfile", "Dockerfiles", LazyAnalyzer("bot.lint.dockerfile.analyzer", "analyze_dockerfiles")),
    ("compose", "Compose files", LazyAnalyzer("bot.lint.compose.analyzer", "analyze_compose")),
    (
        "dockerignore",
        ".dockerignore and build contexts",
        LazyAnalyzer("bot.lint.dockerignore.analyzer", "analyze_dockerignore"),
    ),
    ("dependencies", "Dependency changes", LazyAnalyzer("bot.deps.analyzer", "analyze_dependencies")),
    # after the images: their config decides rows
    ("hardening", "Hardening checklist", LazyAnalyzer("bot.hardening.analyzer", "analyze_hardening")),
    ("scan", "Vulnerabilities", LazyAnalyzer("bot.scan.analyzer", "analyze_vulnerabilities")),
)
"""Analyzers report in this order; a later one may use what an earlier one left in the Workspace."""
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
    from bot.deps.parse import LOCK_FORMATS  # loaded by the dependency analyzer by now

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
    of their own, one after the other, once the builds have started, while this thread runs the
    rest (the image analyzer first)."""
    beside = tuple(entry for entry in ANALYZERS if entry[0] in BESIDE_THE_BUILDS)
    rest = tuple(entry for entry in ANALYZERS if entry[0] not in BESIDE_THE_BUILDS)
    pool = ThreadPoolExecutor(1, thread_name_prefix="dockhand-lint")
    try:
        linted = pool.submit(_run_beside, beside, rest, changes, config, options, workspace)
        try:
            first = _run_in_turn(rest[:1], changes, config, options, workspace)
        finally:
            workspace.builds_started.set()  # none started (or no image analyzer): go on all the same
        sections = {**first, **_run_in_turn(rest[1:], changes, config, options, workspace), **linted.result()}
    except BaseException:  # Ctrl-C: do not wait for the linting thread
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [sections[key] for key, _title, _run in ANALYZERS]


def _run_beside(
    analyzers: tuple[tuple[str, str, Analyzer], ...],
    later: tuple[tuple[str, str, Analyzer], ...],
    changes: ChangeSet,
    config: Config,
    options: ReviewOptions,
    workspace: Workspace,
) -> dict[str, Section]:
    """Once the builds have started: `analyzers`, then the modules of those that run `later` on
    the main thread (after the builds), loaded here while the builds still run."""
    workspace.builds_started.wait()
    sections = _run_in_turn(analyzers, changes, config, options, workspace)
    for _key, _title, run in later:
        if isinstance(run, LazyAnalyzer):
            with contextlib.suppress(Exception):  # a module that fails to load fails where it runs
                run.load()
    return sections


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
    from bot.catalog import rule_codes  # every rule module: loaded by the analyzers by now

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
        file_kept, file_suppressed = split_suppressed(file_findings, lines, codes, comment_leader(path))
        kept.extend(file_kept)
        suppressed.extend(file_suppressed)
    kept = [replace(f, suggestion=narrowed(f.suggestion)) if f.suggestion else f for f in kept]
    kept.sort(key=Finding.sort_key)
    return kept, suppressed
