"""Vulnerabilities as dockhand keeps them: read from Trivy's JSON report, compared by key.

A vulnerability is identified, across base and head, by (VulnerabilityID, PkgName, PkgPath or
target), where the target is the repository path of the scanned dependency file, or for an
image the kind of packages (`debian`, `python-pkg`) with the Dockerfile it was built from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

from bot.model import Severity

TRIVY_SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")
_SEVERITY = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "UNKNOWN": Severity.LOW,
}

Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Vulnerability:
    id: str
    package: str
    installed: str
    fixed: str
    """Trivy's FixedVersion: "" when there is no fix, "2.2.5, 2.3.2" when several branches have one."""
    severity: str
    """Trivy's label: CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN."""
    title: str
    url: str
    target: str
    """Repository path of the dependency file; for an image, the kind of packages (`debian`)."""
    ecosystem: str
    """Trivy's type of the packages: pip, npm, cargo, poetry, debian, python-pkg ..."""
    pkg_path: str = ""
    """Where the package lives inside an image (language packages only)."""
    dockerfile: str = ""
    """For an image scan, the Dockerfile the image was built from."""
    status: str = ""
    start_line: int | None = None
    end_line: int | None = None
    layer: str = ""
    """For an image scan, the DiffID of the layer that installed the package."""
    purl: str = ""
    relationship: str = ""

    @property
    def key(self) -> Key:
        return (self.id, self.package, self.pkg_path or self.target, self.dockerfile)

    @property
    def rank(self) -> Severity:
        return _SEVERITY.get(self.severity, Severity.LOW)

    @property
    def fixed_versions(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.fixed.split(",") if part.strip())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vulnerability:
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})


TargetMap = Callable[[dict[str, Any]], str | None]
"""A Trivy result -> the target dockhand reports it under, or None to drop it."""


def parse_report(report: dict[str, Any], target_of: TargetMap, dockerfile: str = "") -> list[Vulnerability]:
    """Every vulnerability of a Trivy JSON report (SchemaVersion 2)."""
    found: list[Vulnerability] = []
    for result in report.get("Results") or []:
        if not isinstance(result, dict):
            continue
        target = target_of(result)
        if target is None:
            continue
        packages = _packages_by_uid(result)
        for item in result.get("Vulnerabilities") or []:
            if isinstance(item, dict) and item.get("VulnerabilityID") and item.get("PkgName"):
                found.append(_vulnerability(item, result, target, dockerfile, packages))
    return found


def result_targets(report: dict[str, Any]) -> list[str]:
    return [str(r.get("Target", "")) for r in report.get("Results") or [] if isinstance(r, dict)]


def _packages_by_uid(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    packages: dict[str, dict[str, Any]] = {}
    for package in result.get("Packages") or []:
        uid = (package.get("Identifier") or {}).get("UID")
        if uid:
            packages[str(uid)] = package
    return packages


def _vulnerability(
    item: dict[str, Any], result: dict[str, Any], target: str, dockerfile: str, packages: dict[str, dict[str, Any]]
) -> Vulnerability:
    identifier = item.get("PkgIdentifier") or {}
    package = packages.get(str(identifier.get("UID", "")), {})
    locations = package.get("Locations") or []
    first = locations[0] if locations and isinstance(locations[0], dict) else {}
    layer = item.get("Layer") or {}
    severity = str(item.get("Severity") or "UNKNOWN").upper()
    return Vulnerability(
        id=str(item["VulnerabilityID"]),
        package=str(item["PkgName"]),
        installed=str(item.get("InstalledVersion", "")),
        fixed=str(item.get("FixedVersion") or ""),
        severity=severity if severity in TRIVY_SEVERITIES else "UNKNOWN",
        title=str(item.get("Title") or ""),
        url=str(item.get("PrimaryURL") or ""),
        target=target,
        ecosystem=str(result.get("Type", "")),
        pkg_path=str(item.get("PkgPath") or ""),
        dockerfile=dockerfile,
        status=str(item.get("Status") or ""),
        start_line=_int_or_none(first.get("StartLine")),
        end_line=_int_or_none(first.get("EndLine")),
        layer=str(layer.get("DiffID") or ""),
        purl=str(identifier.get("PURL") or ""),
        relationship=str(package.get("Relationship") or ""),
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def count_by_severity(vulnerabilities: Iterable[Vulnerability]) -> dict[str, int]:
    counts = {label.lower(): 0 for label in TRIVY_SEVERITIES}
    for vulnerability in vulnerabilities:
        counts[vulnerability.severity.lower()] += 1
    return counts


def by_severity(vulnerabilities: Iterable[Vulnerability]) -> list[Vulnerability]:
    """Most severe first, then by package and id: the order of every table."""
    return sorted(vulnerabilities, key=lambda v: (-int(v.rank), v.severity == "UNKNOWN", v.package, v.id, v.target))


def unique(vulnerabilities: Iterable[Vulnerability]) -> Iterator[Vulnerability]:
    """One per key (a package installed twice in one lock file is one vulnerability)."""
    seen: set[Key] = set()
    for vulnerability in vulnerabilities:
        if vulnerability.key not in seen:
            seen.add(vulnerability.key)
            yield vulnerability
