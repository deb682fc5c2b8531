"""The scan sections of a plan's matrix jobs (`dockhand merge`) as one section.

Every job scanned the same dependency files and its own images: the merged section holds each
vulnerability once (by Trivy's key: id, package, where it is installed, the Dockerfile), counts
and tables drawn again from all of them, and every job's list of what it scanned. The jobs'
reviews come back from JSON, so the vulnerabilities are read back from `data.new`, `data.fixed`
and `data.unchanged`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.model import Section, Table
from bot.scan.diff import VulnerabilityDiff
from bot.scan.report import diff_data, summary_table, vulnerability_table
from bot.scan.vulnerabilities import TRIVY_SEVERITIES, Key, Vulnerability, by_severity, unique

_KINDS = ("new", "fixed", "unchanged")
_TITLES = {
    "new": ("New vulnerabilities", False),
    "fixed": ("Fixed by this change", False),
    "unchanged": ("Unchanged (already in the base)", True),
}
_SUMMARY = "Vulnerabilities by severity"


def merge_scan(group: Sequence[Section], merged: Section) -> Section:
    """`merged`: the group already merged as every section is (findings, notes, flags once)."""
    where: dict[Key, str] = {}
    lists: dict[str, tuple[Vulnerability, ...]] = {}
    for kind in _KINDS:
        found = []
        for section in group:
            for item in section.data.get(kind, []):
                if isinstance(item, dict):
                    vulnerability = _vulnerability(item)
                    where.setdefault(vulnerability.key, str(item.get("where", "")))
                    found.append(vulnerability)
        lists[kind] = tuple(by_severity(unique(found)))
    diff = VulnerabilityDiff(lists["new"], lists["fixed"], lists["unchanged"])
    ignored = max((int(s.data.get("ignored_vulnerabilities") or 0) for s in group), default=0)

    def located(vulnerability: Vulnerability) -> str:
        return where.get(vulnerability.key, "")

    scanned = _unique_dicts(item for s in group for item in s.data.get("scanned", []))
    data: dict[str, Any] = {**merged.data, **diff_data(diff, located), "scanned": scanned}
    data["ignored_vulnerabilities"] = ignored
    return replace(merged, data=data, tables=_tables(group, diff, ignored, located))


def _tables(group: Sequence[Section], diff: VulnerabilityDiff, ignored: int, where: Any) -> tuple[Table, ...]:
    if not any(section.tables for section in group):
        return ()
    note = next((t.note for s in group for t in s.tables if t.title == _SUMMARY), "")
    tables = [summary_table(diff, ignored, note)]
    for kind in _KINDS:
        title, collapsed = _TITLES[kind]
        table = vulnerability_table(title, getattr(diff, kind), where, collapsed=collapsed)
        if table is not None:
            tables.append(table)
    ignored_tables = [t for s in group for t in s.tables if t.title.startswith("Ignored (")]
    if ignored_tables:
        rows = tuple(dict.fromkeys(row for t in ignored_tables for row in t.rows))
        tables.append(replace(ignored_tables[0], title=f"Ignored ({ignored})", rows=rows, links=()))
    return tuple(tables)


def _vulnerability(item: dict[str, Any]) -> Vulnerability:
    def text(key: str) -> str:
        value = item.get(key)
        return value if isinstance(value, str) else ""

    return Vulnerability(
        id=text("id"),
        package=text("package"),
        installed=text("installed"),
        fixed=text("fixed"),
        severity=text("severity").upper() if text("severity").upper() in TRIVY_SEVERITIES else "UNKNOWN",
        title=text("title"),
        url=text("url"),
        target=text("target"),
        ecosystem="",
        pkg_path=text("pkg_path"),
        dockerfile=text("dockerfile"),
    )


def _unique_dicts(items: Any) -> list[Any]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(json.dumps(item, sort_keys=True, default=str), item)
    return list(seen.values())
