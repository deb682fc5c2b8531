"""The scan analyzer: Trivy on both sides of the change, and what the change does to vulnerabilities.

- `trivy fs` on the dependency files the change touches, at the base and at the head
  (bot.scan.dependency_scan, DH601 on the line that pins a new vulnerable package);
- `trivy image` on the base and head images the image analyzer built (bot.scan.image_scan,
  DH602 on the FROM or RUN line that brought the package);
- `trivy config` on the changed Dockerfiles, minus what dockhand's own rules cover
  (bot.scan.config_scan).

Vulnerabilities are filtered by `.trivyignore`/`.trivyignore.yaml` of the head commit and by
`ignore-unfixed`, then compared by key: new, fixed, unchanged. Trivy missing, no DB, a
timeout: a note on the section, and DH603 when the config says `scan-required: true`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from bot.changes import ChangeSet
from bot.config import Config
from bot.filekinds import Family
from bot.model import Finding, Section, Table
from bot.options import ReviewOptions
from bot.scan.cache import ResultCache
from bot.scan.config_scan import scan_dockerfile_checks
from bot.scan.dependency_scan import scan_dependencies
from bot.scan.depfiles import dependency_sides
from bot.scan.diff import EMPTY_DIFF
from bot.scan.ignore import load_ignores
from bot.scan.image_scan import scan_images
from bot.scan.report import diff_data, ignored_table, summary_table, vulnerability_table
from bot.scan.run import ScanRun, scan_required_findings
from bot.scan.trivy import TrivyError, TrivySettings, default_cache_dir, open_trivy
from bot.scan.where import Where
from bot.workspace import Workspace

KEY, TITLE = "scan", "Vulnerabilities"
VULNERABILITY_SCANS = ("dependencies", "image")
"""What `scanned` lists that looks for vulnerabilities (`dockerfile-checks` needs no vulnerability DB)."""


def analyze_vulnerabilities(
    changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace
) -> Section:
    base_deps, head_deps, notes = dependency_sides(changes, config.max_file_bytes)
    dockerfiles = [f for f in changes.of_family(Family.DOCKERFILE.value) if f.head_text is not None]
    if not (base_deps.files or head_deps.files or dockerfiles or workspace.images):
        return _empty(changes, notes)
    if not options.scan:
        return _empty(changes, [*notes, "not scanned (--no-scan)"])
    settings = scan_settings(config, options)
    try:
        trivy = open_trivy(settings, options.trivy)
    except TrivyError as error:
        reason = f"not scanned: {error}"
        return _empty(changes, [*notes, reason], scan_required_findings(config, reason), unavailable=str(error))
    ignores = load_ignores(changes.tree.read, datetime.date.today())
    run = ScanRun(changes, config, trivy, ResultCache.in_trivy_cache(settings.cache_dir), ignores)
    run.notes.extend([*notes, *ignores.notes])
    if base_deps.files or head_deps.files:
        scan_dependencies(run, base_deps, head_deps)
    if workspace.images:
        scan_images(run, workspace.images)
    if dockerfiles:
        scan_dockerfile_checks(run, dockerfiles)
    return _section(run)


def scan_settings(config: Config, options: ReviewOptions) -> TrivySettings:
    """The command line's choices over the config file's, over Trivy's defaults."""
    cache_dir = options.trivy_cache_dir
    if cache_dir is None and config.trivy_cache_dir:
        cache_dir = Path(config.trivy_cache_dir).expanduser()
    return TrivySettings(
        cache_dir=(cache_dir or default_cache_dir()).absolute(),
        offline=options.offline or config.offline,
        timeout=config.trivy_timeout,
    )


def _empty(changes: ChangeSet, notes: list[str], findings: Sequence[Finding] = (), *, unavailable: str = "") -> Section:
    data = {**diff_data(EMPTY_DIFF, Where(changes)), "ignored_vulnerabilities": 0, "scanned": []}
    if unavailable:
        data["unavailable"] = unavailable
    return Section(KEY, TITLE, tuple(findings), (), tuple(dict.fromkeys(notes)), data)


def _section(run: ScanRun) -> Section:
    where = Where(run.changes, run.origins)
    tables: list[Table] = []
    if any(item["kind"] in VULNERABILITY_SCANS for item in run.scanned):  # not Dockerfile checks alone
        tables.append(summary_table(run.diff, len(run.ignored), _scanned_note(run)))
        for table in (
            vulnerability_table("New vulnerabilities", run.diff.new, where),
            vulnerability_table("Fixed by this change", run.diff.fixed, where.base),
            vulnerability_table("Unchanged (already in the base)", run.diff.unchanged, where, collapsed=True),
            ignored_table(run.ignored, where),
        ):
            if table is not None:
                tables.append(table)
    data = {
        **diff_data(run.diff, where),
        "ignored_vulnerabilities": len(run.ignored),
        "scanned": run.scanned,
        "trivy_version": run.trivy.version,
    }
    if run.db is not None:
        data["db_updated_at"] = run.db.updated_at
    if run.unavailable:
        data["unavailable"] = run.unavailable
    if run.interrupted:
        data["interrupted"] = run.interrupted
    return Section(KEY, TITLE, tuple(run.findings), tuple(tables), tuple(dict.fromkeys(run.notes)), data)


def _scanned_note(run: ScanRun) -> str:
    parts = [f"Trivy {run.trivy.version}" + (f", vulnerability DB of {run.db.updated_at[:10]}" if run.db else "")]
    cached = [item for item in run.scanned if item.get("cached")]
    if cached:
        parts.append(", ".join(f"{item['side']} {item['kind']} from the cache" for item in cached))
    return "Scanned with " + "; ".join(parts) + "."
