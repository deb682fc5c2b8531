"""The scan section's tables and machine-readable data (the renderers escape and draw them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bot.model import Table
from bot.scan.diff import VulnerabilityDiff
from bot.scan.ignore import IgnoreEntry
from bot.scan.vulnerabilities import TRIVY_SEVERITIES, Vulnerability, by_severity, count_by_severity, unique

Where = Callable[[Vulnerability], str]
"""Where a vulnerability comes from, as the report shows it: `requirements.txt:3`, `Dockerfile:1 (FROM …)`."""

_HEADERS = ("Vulnerability", "Package", "Installed → fixed", "Severity", "Where")
_MAX_ROWS = 200


def summary_table(diff: VulnerabilityDiff, ignored: int, note: str) -> Table:
    labels = tuple(label.lower() for label in TRIVY_SEVERITIES)
    rows = []
    for name, items in (("New", diff.new), ("Fixed", diff.fixed), ("Unchanged", diff.unchanged)):
        counts = count_by_severity(unique(items))
        rows.append((name, *(str(counts[label]) for label in labels), str(sum(counts.values()))))
    if ignored:
        rows.append(("Ignored", *("" for _ in labels), str(ignored)))
    return Table("Vulnerabilities by severity", ("", *labels, "total"), tuple(rows), note=note)


def vulnerability_table(
    title: str, items: Iterable[Vulnerability], where: Where, *, collapsed: bool = False
) -> Table | None:
    ordered = list(unique(by_severity(items)))
    if not ordered:
        return None
    shown = ordered[:_MAX_ROWS]
    rows = tuple((v.id, v.package, _versions(v), v.severity.lower(), where(v)) for v in shown)
    links = tuple((v.url, "", "", "", "") for v in shown)
    note = f"{len(ordered) - len(shown)} more not shown (see the JSON report)" if len(ordered) > len(shown) else ""
    return Table(f"{title} ({len(ordered)})", _HEADERS, rows, collapsed=collapsed, note=note, links=links)


def ignored_table(ignored: list[tuple[Vulnerability, str]], where: Where) -> Table | None:
    if not ignored:
        return None
    rows = tuple((v.id, v.package, v.severity.lower(), where(v), reason) for v, reason in ignored[:_MAX_ROWS])
    links = tuple((v.url, "", "", "", "") for v, _ in ignored[:_MAX_ROWS])
    return Table(
        f"Ignored ({len(ignored)})",
        ("Vulnerability", "Package", "Severity", "Where", "Why"),
        rows,
        collapsed=True,
        links=links,
    )


def ignore_reason(entry: IgnoreEntry | None) -> str:
    if entry is None:
        return "no fixed version (ignore-unfixed)"
    return f"{entry.source}" + (f": {entry.statement}" if entry.statement else "")


def _versions(vulnerability: Vulnerability) -> str:
    return f"{vulnerability.installed} → {vulnerability.fixed or 'no fix yet'}"


def vulnerability_data(vulnerability: Vulnerability, where: Where) -> dict[str, Any]:
    return {
        "id": vulnerability.id,
        "package": vulnerability.package,
        "installed": vulnerability.installed,
        "fixed": vulnerability.fixed,
        "severity": vulnerability.severity.lower(),
        "title": vulnerability.title,
        "url": vulnerability.url,
        "target": vulnerability.target,
        "pkg_path": vulnerability.pkg_path,
        "dockerfile": vulnerability.dockerfile,
        "where": where(vulnerability),
    }


def diff_data(diff: VulnerabilityDiff, where: Where) -> dict[str, Any]:
    new, fixed, unchanged = list(unique(diff.new)), list(unique(diff.fixed)), list(unique(diff.unchanged))
    return {
        "new_vulnerabilities": len(new),
        "fixed_vulnerabilities": len(fixed),
        "unchanged_vulnerabilities": len(unchanged),
        "new_by_severity": count_by_severity(new),
        "fixed_by_severity": count_by_severity(fixed),
        "unchanged_by_severity": count_by_severity(unchanged),
        "new": [vulnerability_data(v, where) for v in new],
        "fixed": [vulnerability_data(v, where) for v in fixed],
        "unchanged": [vulnerability_data(v, where) for v in unchanged],
    }
