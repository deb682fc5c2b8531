"""The scan analyzer: Trivy on both sides of the change, and what the change does to vulnerabilities.

- `trivy fs` on the dependency files the change touches, at the base and at the head;
- `trivy image` on the base and head images the image analyzer built (bot.scan.images);
- `trivy config` on the changed Dockerfiles, minus what dockhand's own rules cover.

Vulnerabilities are filtered by `.trivyignore`/`.trivyignore.yaml` of the head commit and by
`ignore-unfixed`, then compared by key: new, fixed, unchanged. Each new one becomes part of a
finding on the line that brought it (DH601 for dependency files, DH602 for images).
Trivy missing, no DB, a timeout: a note on the section, and a DH603 finding when the config
says `scan-required: true`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.catalog import rule_codes
from bot.changes import ChangeSet
from bot.config import Config
from bot.filekinds import Family, classify
from bot.findings import place
from bot.model import Finding, Section, Table
from bot.options import ReviewOptions
from bot.scan.cache import ResultCache, ScanResult
from bot.scan.depfiles import SideFiles, dependency_sides
from bot.scan.diff import EMPTY_DIFF, VulnerabilityDiff, diff_vulnerabilities
from bot.scan.ignore import IgnoreRules, load_ignores
from bot.scan.images import ImagePair, dockerfile_lines, dockerfile_text, image_pairs, origins_of
from bot.scan.layers import LayerOrigin
from bot.scan.misconfig import misconfig_findings, scan_dockerfiles
from bot.scan.pins import command_bump, pin_line, requirement_bump, requirement_has_hashes
from bot.scan.report import (
    diff_data,
    ignore_reason,
    ignored_table,
    summary_table,
    vulnerability_table,
)
from bot.scan.rules import (
    ScanNotRun,
    VulnerableInstruction,
    VulnerablePin,
    new_image_vulnerability,
    new_vulnerable_dependency,
    scan_not_run,
)
from bot.scan.scans import Scanner
from bot.scan.trivy import DbInfo, Trivy, TrivyError, TrivySettings, default_cache_dir, open_trivy
from bot.scan.upgrades import PackageKey, Upgrade, package_key, plan_upgrades
from bot.scan.vulnerabilities import Vulnerability
from bot.text import split_lines
from bot.workspace import BuiltImage, Workspace

KEY, TITLE = "scan", "Vulnerabilities"


@dataclass
class _Run:
    """What the scan found so far, gathered into the Section at the end."""

    changes: ChangeSet
    config: Config
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scanned: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[tuple[Vulnerability, str]] = field(default_factory=list)
    diff: VulnerabilityDiff = EMPTY_DIFF
    data: dict[str, Any] = field(default_factory=dict)
    db: DbInfo | None = None
    db_failed: bool = False
    origins: dict[tuple[str, str, str], LayerOrigin] = field(default_factory=dict)
    """(side, Dockerfile, layer DiffID) -> the instruction that made the layer."""


def analyze_vulnerabilities(
    changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace
) -> Section:
    run = _Run(changes, config)
    base_deps, head_deps, notes = dependency_sides(changes, config.max_file_bytes)
    run.notes.extend(notes)
    dockerfiles = [f for f in changes.of_family(Family.DOCKERFILE.value) if f.head_text is not None]
    if not (base_deps.files or head_deps.files or dockerfiles or workspace.images):
        return _section(run)
    if not options.scan:
        run.notes.append("not scanned (--no-scan)")
        return _section(run)
    settings = scan_settings(config, options)
    try:
        trivy = open_trivy(settings, options.trivy)
    except TrivyError as error:
        return _not_run(run, str(error))
    cache = ResultCache.in_trivy_cache(settings.cache_dir)
    run.data["trivy_version"] = trivy.version
    ignores = load_ignores(changes.tree.read, datetime.date.today())
    run.notes.extend(ignores.notes)
    if base_deps.files or head_deps.files:
        _scan_dependencies(run, trivy, cache, ignores, base_deps, head_deps)
    if workspace.images:
        _scan_images(run, trivy, cache, ignores, workspace.images)
    if dockerfiles:
        _scan_dockerfile_checks(run, trivy, cache, ignores, dockerfiles)
    return _section(run, trivy)


def scan_settings(config: Config, options: ReviewOptions) -> TrivySettings:
    cache_dir = options.trivy_cache_dir
    if cache_dir is None and config.trivy_cache_dir:
        cache_dir = Path(config.trivy_cache_dir).expanduser()
    return TrivySettings(
        cache_dir=(cache_dir or default_cache_dir()).absolute(),
        offline=options.offline or config.offline,
        timeout=config.trivy_timeout,
    )


def _prepare_db(run: _Run, trivy: Trivy) -> DbInfo | None:
    """The DB, prepared once per review; None (and a note) when there is none to scan with."""
    if run.db is None and not run.db_failed:
        try:
            run.db, notes = trivy.prepare_db()
        except TrivyError as error:
            run.db_failed = True
            _could_not_scan(run, f"vulnerabilities not scanned: {error}")
            return None
        run.notes.extend(notes)
        run.data["db_updated_at"] = run.db.updated_at
    return run.db


def _scan_dependencies(
    run: _Run, trivy: Trivy, cache: ResultCache, ignores: IgnoreRules, base: SideFiles, head: SideFiles
) -> None:
    db = _prepare_db(run, trivy)
    if db is None:
        return
    scanner = Scanner(trivy, db, cache)
    results: dict[str, ScanResult] = {}
    for side, files in (("base", base), ("head", head)):
        try:
            results[side] = scanner.dependencies(files)
        except TrivyError as error:
            _could_not_scan(run, f"{side} dependency files not scanned: {error}")
            if side == "head":
                return
            run.notes.append("the base could not be scanned: every vulnerability at the head counts as new")
            results[side] = ScanResult(())
        run.scanned.append(
            {"kind": "dependencies", "side": side, "files": files.scanned_paths(), "cached": results[side].cached}
        )
    _note_unread(run, head, results["head"])
    base_kept = _filtered(run, results["base"].vulnerabilities, ignores, record=False)
    head_kept = _filtered(run, results["head"].vulnerabilities, ignores, record=True)
    diff = diff_vulnerabilities(base_kept, head_kept)
    run.diff = run.diff + diff
    pins = _vulnerable_pins(run, diff.new, results["head"].vulnerabilities, scanner)
    for pin in pins:
        run.findings.extend(_placed_pin_findings(run, pin))


def _filtered(
    run: _Run, vulnerabilities: tuple[Vulnerability, ...], ignores: IgnoreRules, *, record: bool
) -> list[Vulnerability]:
    kept = []
    for vulnerability in vulnerabilities:
        entry = ignores.vulnerability(vulnerability)
        unfixed = run.config.ignore_unfixed and not vulnerability.fixed_versions
        if entry is None and not unfixed:
            kept.append(vulnerability)
        elif record and all(vulnerability.key != item.key for item, _ in run.ignored):
            run.ignored.append((vulnerability, ignore_reason(entry)))
    return kept


def _note_unread(run: _Run, head: SideFiles, result: ScanResult) -> None:
    for path in head.scanned_paths():
        if path not in result.targets:
            run.notes.append(f"{path}: Trivy found no pinned packages in it (nothing pinned, or it does not parse)")


def _vulnerable_pins(
    run: _Run, new: tuple[Vulnerability, ...], head_all: tuple[Vulnerability, ...], scanner: Scanner
) -> list[VulnerablePin]:
    groups: dict[tuple[str, int, str, str], list[Vulnerability]] = {}
    for vulnerability in new:
        lines = _head_lines(run.changes, vulnerability.target)
        line = pin_line(
            lines, vulnerability.package, vulnerability.installed, vulnerability.start_line, vulnerability.end_line
        )
        key = (vulnerability.target, line or 1, vulnerability.package, vulnerability.installed)
        groups.setdefault(key, []).append(vulnerability)
    wanted = [k for items in groups.values() if (k := package_key(items[0])) is not None and _has_fix(items)]
    upgrades = plan_upgrades(scanner, head_all, wanted) if wanted else {}
    pins = []
    for (path, line, package, installed), items in groups.items():
        known = package_key(items[0])
        upgrade = upgrades.get(known) if known else None
        pins.append(_pin(run, path, line, package, installed, items, upgrade))
    return pins


def _has_fix(items: list[Vulnerability]) -> bool:
    return any(v.fixed_versions for v in items)


def _pin(
    run: _Run,
    path: str,
    line: int,
    package: str,
    installed: str,
    items: list[Vulnerability],
    upgrade: Upgrade | None,
) -> VulnerablePin:
    lines = _head_lines(run.changes, path)
    is_requirements = (kind := classify(path)) is not None and kind.format == "requirements"
    suggestion = None
    if is_requirements and upgrade is not None and upgrade.version is not None and upgrade.verified:
        suggestion = requirement_bump(lines, line, package, installed, upgrade.version)
    return VulnerablePin(
        path=path,
        line=line,
        package=package,
        installed=installed,
        ecosystem=items[0].ecosystem,
        new=tuple(items),
        upgrade=upgrade,
        suggestion=suggestion,
        relationship=items[0].relationship,
        hashed=is_requirements and requirement_has_hashes(lines, line),
    )


def _placed_pin_findings(run: _Run, pin: VulnerablePin) -> list[Finding]:
    findings = [replace(f, severity=pin.severity) for f in new_vulnerable_dependency.run(pin.path, pin, None)]
    return _placed(run, pin.path, findings)


def _head_lines(changes: ChangeSet, path: str) -> list[str]:
    changed = changes.file(path)
    text = changed.head_text if changed is not None else changes.tree.read(path)
    return split_lines(text or "")


def _scan_images(run: _Run, trivy: Trivy, cache: ResultCache, ignores: IgnoreRules, images: list[BuiltImage]) -> None:
    db = _prepare_db(run, trivy)
    if db is None:
        return
    scanner = Scanner(trivy, db, cache)
    for pair in image_pairs(run.changes, images):
        sides = _scan_pair(run, scanner, pair)
        if sides is None:
            continue
        base, head = sides
        base_kept = _filtered(run, base, ignores, record=False)
        head_kept = _filtered(run, head, ignores, record=True)
        diff = diff_vulnerabilities(base_kept, head_kept)
        run.diff = run.diff + diff
        for step in _vulnerable_instructions(run, scanner, pair, diff.new, head):
            findings = new_image_vulnerability.run(pair.dockerfile, step, None)
            run.findings.extend(_placed(run, pair.dockerfile, [replace(f, severity=step.severity) for f in findings]))


def _scan_pair(
    run: _Run, scanner: Scanner, pair: ImagePair
) -> tuple[tuple[Vulnerability, ...], tuple[Vulnerability, ...]] | None:
    """Base and head vulnerabilities of one Dockerfile's images, each tagged with the Dockerfile."""
    found: dict[str, tuple[Vulnerability, ...]] = {"base": ()}
    for side, image in (("base", pair.base), ("head", pair.head)):
        if image is None:
            continue
        try:
            result = scanner.image(image)
        except TrivyError as error:
            _could_not_scan(run, f"{side} image of {pair.dockerfile} not scanned: {error}")
            if side == "head":
                return None
            continue
        for diff_id, origin in origins_of(run.changes, pair, side, result).items():
            run.origins[(side, pair.dockerfile, diff_id)] = origin
        found[side] = tuple(replace(v, dockerfile=pair.dockerfile) for v in result.vulnerabilities)
        run.scanned.append(
            {
                "kind": "image",
                "side": side,
                "dockerfile": pair.dockerfile,
                "image": image.image_id,
                "cached": result.cached,
            }
        )
    if "head" not in found:
        return None
    if pair.base is None and dockerfile_text(run.changes, pair.dockerfile, "base") is not None:
        run.notes.append(
            f"{pair.dockerfile}: no base image to compare with: every vulnerability of the head image counts as new"
        )
    return found["base"], found["head"]


def _vulnerable_instructions(
    run: _Run, scanner: Scanner, pair: ImagePair, new: tuple[Vulnerability, ...], head: tuple[Vulnerability, ...]
) -> list[VulnerableInstruction]:
    groups: dict[LayerOrigin, list[Vulnerability]] = {}
    for vulnerability in new:
        origin = run.origins.get(("head", pair.dockerfile, vulnerability.layer))
        if origin is not None:
            groups.setdefault(origin, []).append(vulnerability)
        else:
            groups.setdefault(_unknown_origin(run, pair), []).append(vulnerability)
    wanted: list[PackageKey] = [
        key for items in groups.values() for v in items if (key := package_key(v)) is not None and v.fixed_versions
    ]
    upgrades = plan_upgrades(scanner, head, wanted) if wanted else {}
    lines = dockerfile_lines(run.changes, pair.dockerfile)
    steps = []
    for origin, items in groups.items():
        keys = {key for v in items if (key := package_key(v)) is not None}
        found = tuple(upgrades[k] for k in keys if k in upgrades)
        bumps = [(k[0], k[1], k[2], u.version) for k in keys if (u := upgrades.get(k)) and u.verified and u.version]
        suggestion = command_bump(lines, origin.line, origin.end_line, bumps) if origin.keyword == "RUN" else None
        steps.append(
            VulnerableInstruction(
                pair.dockerfile,
                origin.line,
                origin.end_line,
                origin.keyword,
                origin.text,
                tuple(items),
                found,
                suggestion,
            )
        )
    return steps


def _unknown_origin(run: _Run, pair: ImagePair) -> LayerOrigin:
    """When the history does not say which instruction made a layer: the first FROM line."""
    lines = dockerfile_lines(run.changes, pair.dockerfile)
    line = next((n for n, text in enumerate(lines, 1) if text.lstrip().upper().startswith("FROM")), 1)
    return LayerOrigin("FROM", line, line, lines[line - 1].strip()[5:].strip() if lines else "")


def _placed(run: _Run, path: str, findings: list[Finding]) -> list[Finding]:
    changed = run.changes.file(path)
    changed_lines = changed.changed_lines if changed else frozenset()
    return place(findings, [], _head_lines(run.changes, path), [], changed_lines)


def _scan_dockerfile_checks(
    run: _Run, trivy: Trivy, cache: ResultCache, ignores: IgnoreRules, dockerfiles: list[Any]
) -> None:
    try:
        found = scan_dockerfiles(trivy, cache, dockerfiles)
    except TrivyError as error:
        run.notes.append(f"Dockerfile checks (trivy config) not run: {error}")
        return
    codes = rule_codes()
    covered = 0
    for changed in dockerfiles:
        head = found.get(("head", changed.path), [])
        base = found.get(("base", changed.old_path or changed.path), [])
        findings, dropped = misconfig_findings(changed, head, base, codes, ignores)
        run.findings.extend(findings)
        covered += dropped
    run.scanned.append({"kind": "dockerfile-checks", "files": [f.path for f in dockerfiles], "covered": covered})


def _could_not_scan(run: _Run, reason: str) -> None:
    run.notes.append(reason)
    if run.config.scan_required:
        path = run.config.source or ".dockhand.yml"
        run.findings.extend(scan_not_run.run(path, ScanNotRun(path, reason), None))


def _not_run(run: _Run, reason: str) -> Section:
    _could_not_scan(run, f"not scanned: {reason}")
    return _section(run)


def _section(run: _Run, trivy: Trivy | None = None) -> Section:
    where = _Where(run.changes, "head", run.origins)
    tables: list[Table] = []
    if run.scanned:
        tables.append(summary_table(run.diff, len(run.ignored), _scanned_note(run, trivy)))
    for table in (
        vulnerability_table("New vulnerabilities", run.diff.new, where),
        vulnerability_table("Fixed by this change", run.diff.fixed, where.base),
        vulnerability_table("Unchanged (already in the base)", run.diff.unchanged, where, collapsed=True),
        ignored_table(run.ignored, where),
    ):
        if table is not None and run.scanned:
            tables.append(table)
    data = {
        **diff_data(run.diff, where),
        "ignored_vulnerabilities": len(run.ignored),
        "scanned": run.scanned,
        **run.data,
    }
    return Section(KEY, TITLE, tuple(run.findings), tuple(tables), tuple(dict.fromkeys(run.notes)), data)


def _scanned_note(run: _Run, trivy: Trivy | None) -> str:
    parts = []
    if trivy is not None:
        db = run.data.get("db_updated_at")
        parts.append(f"Trivy {trivy.version}" + (f", vulnerability DB of {db[:10]}" if db else ""))
    cached = [item for item in run.scanned if item.get("cached")]
    if cached:
        parts.append(", ".join(f"{item['side']} {item['kind']} from the cache" for item in cached))
    return "Scanned with " + "; ".join(parts) + "." if parts else ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _Where:
    """`path:line` of a vulnerability's pin, on the head side (or the base side for fixed ones)."""

    changes: ChangeSet
    side: str = "head"

    @property
    def base(self) -> _Where:
        return _Where(self.changes, "base", self.origins)

    origins: dict[tuple[str, str, str], LayerOrigin] = field(default_factory=dict)

    def __call__(self, vulnerability: Vulnerability) -> str:
        if vulnerability.dockerfile:
            origin = self.origins.get((self.side, vulnerability.dockerfile, vulnerability.layer))
            if origin is None:
                return f"{vulnerability.dockerfile} image"
            text = f"FROM {origin.text}" if origin.keyword == "FROM" else origin.text
            return f"{vulnerability.dockerfile}:{origin.line} `{_short(text)}`"
        if self.side == "base":
            changed = self.changes.file(vulnerability.target)
            lines = split_lines(changed.base_text or "") if changed is not None else []
        else:
            lines = _head_lines(self.changes, vulnerability.target)
        line = pin_line(
            lines, vulnerability.package, vulnerability.installed, vulnerability.start_line, vulnerability.end_line
        )
        return f"{vulnerability.target}:{line}" if line else vulnerability.target
