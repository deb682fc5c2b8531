"""`trivy config` on the changed Dockerfiles, merged with dockhand's own lint.

Trivy's Dockerfile checks (DS-0001 ...) overlap dockhand's rules. Each check that has a hadolint
equivalent is mapped to it; when a dockhand rule carries that hadolint code (or the DS id
itself) as an alias, dockhand covers the check and Trivy's finding is dropped, so one problem
is never reported twice. What remains is reported as `trivy:DS-0026` with Trivy's severity,
message and documentation link, placed against the base like every other finding.

The checks are the ones embedded in the Trivy binary (`--skip-check-update`): the same Trivy
gives the same findings, online or not, and results can be cached by file content.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.changes import ChangedFile
from bot.findings import place
from bot.model import Finding, Severity
from bot.scan.cache import ResultCache, cache_key, content_digest
from bot.scan.ignore import IgnoreRules
from bot.scan.trivy import Trivy
from bot.text import split_lines

TRIVY_DOCKERFILE_CHECKS: dict[str, tuple[str, ...]] = {
    "DS-0001": ("DL3006", "DL3007"),
    "DS-0002": ("DL3002",),
    "DS-0004": (),
    "DS-0005": ("DL3020",),
    "DS-0006": ("DL3023",),
    "DS-0007": ("DL4004",),
    "DS-0008": ("DL3011",),
    "DS-0009": ("DL3000",),
    "DS-0010": ("DL3004",),
    "DS-0011": ("DL3021",),
    "DS-0012": ("DL3024",),
    "DS-0013": ("DL3003",),
    "DS-0014": ("DL4001",),
    "DS-0015": ("DL3032",),
    "DS-0016": ("DL4003",),
    "DS-0017": (),
    "DS-0019": ("DL3040",),
    "DS-0020": ("DL3036",),
    "DS-0021": ("DL3014",),
    "DS-0022": ("DL4000",),
    "DS-0023": ("DL3012",),
    "DS-0025": ("DL3019",),
    "DS-0026": (),
    "DS-0027": (),
    "DS-0029": ("DL3015",),
    "DS-0030": (),
    "DS-0031": (),
}
"""Trivy 0.76's Dockerfile checks and the hadolint rules that check the same (all of them needed)."""

_SEVERITY = {"CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}
_FROM = re.compile(r"^\s*FROM\s", re.IGNORECASE)


def canonical_check_id(text: str) -> str:
    """`DS002`, `AVD-DS-0002`, `ds-0002` -> `DS-0002`."""
    match = re.search(r"DS-?0*(\d+)", text.upper())
    return f"DS-{int(match.group(1)):04d}" if match else text.upper()


def check_id_spellings(check_id: str) -> tuple[str, ...]:
    """The ways an ignore file may name a check: `DS-0002`, `AVD-DS-0002`, `DS002`."""
    number = int(check_id.rpartition("-")[2]) if check_id.rpartition("-")[2].isdigit() else None
    legacy = f"DS{number:03d}" if number is not None else check_id
    return (check_id, f"AVD-{check_id}", legacy)


def covering_rule(check_id: str, codes: dict[str, str]) -> str | None:
    """The dockhand rule that covers a Trivy check, given every accepted code -> rule id."""
    canonical = canonical_check_id(check_id)
    if canonical in codes:
        return codes[canonical]
    equivalents = TRIVY_DOCKERFILE_CHECKS.get(canonical, ())
    rules = [codes.get(code) for code in equivalents]
    if rules and all(rules):
        return rules[0]
    return None


def check_codes(own: dict[str, str]) -> dict[str, str]:
    """Codes to add to the catalog's: each DS id that a dockhand rule covers -> that rule.

    So `# dockhand ignore=DS-0002` and `rules.disable: [DS-0002]` mean DH101. Trivy's other
    checks keep their own id (`trivy:DS-0026`), silenced with `.trivyignore` or an ignore comment.
    """
    added: dict[str, str] = {}
    for check_id in TRIVY_DOCKERFILE_CHECKS:
        rule_id = covering_rule(check_id, own)
        if rule_id is not None:
            added[check_id] = rule_id
    return added


@dataclass(frozen=True)
class Misconfiguration:
    check_id: str
    severity: str
    title: str
    message: str
    url: str
    start_line: int | None

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def scan_dockerfiles(
    trivy: Trivy, cache: ResultCache, files: list[ChangedFile]
) -> dict[tuple[str, str], list[Misconfiguration]]:
    """(side, path) -> Trivy's failed checks, for the base and head text of each Dockerfile."""
    inputs: dict[str, bytes] = {}
    owners: dict[str, tuple[str, str]] = {}
    for index, changed in enumerate(files, 1):
        for side, text, path in (
            ("base", changed.base_text, changed.old_path or changed.path),
            ("head", changed.head_text, changed.path),
        ):
            if text is not None:
                name = f"{side}/u{index}/Dockerfile"
                inputs[name] = text.encode()
                owners[name] = (side, path)
    if not inputs:
        return {}
    report = _config_report(trivy, cache, inputs)
    found: dict[tuple[str, str], list[Misconfiguration]] = {}
    for result in report.get("Results") or []:
        owner = owners.get(str(result.get("Target", "")))
        if owner is None:
            continue
        for item in result.get("Misconfigurations") or []:
            if item.get("Status") == "FAIL":
                found.setdefault(owner, []).append(_misconfiguration(item))
    return found


def _config_report(trivy: Trivy, cache: ResultCache, inputs: dict[str, bytes]) -> dict[str, Any]:
    key = cache_key("config", trivy.version, content_digest(inputs))
    cached = cache.read(key)
    if isinstance(cached, dict):
        return cached
    with tempfile.TemporaryDirectory(prefix="dockhand-config-") as temporary:
        root = Path(temporary)
        for name, content in inputs.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(content)
        report = trivy.run(["config", "--misconfig-scanners", "dockerfile", "--skip-check-update", str(root)])
    kept = {
        "Results": [
            {"Target": r.get("Target"), "Misconfigurations": r.get("Misconfigurations")}
            for r in report.get("Results") or []
            if isinstance(r, dict)
        ]
    }
    cache.write(key, kept)
    return kept


def _misconfiguration(item: dict[str, Any]) -> Misconfiguration:
    cause = item.get("CauseMetadata") or {}
    start = cause.get("StartLine")
    return Misconfiguration(
        check_id=canonical_check_id(str(item.get("ID") or item.get("AVDID") or "")),
        severity=str(item.get("Severity") or "MEDIUM").upper(),
        title=str(item.get("Title") or ""),
        message=str(item.get("Message") or item.get("Description") or ""),
        url=str(item.get("PrimaryURL") or ""),
        start_line=start if isinstance(start, int) and start > 0 else None,
    )


def misconfig_findings(
    changed: ChangedFile,
    head: Iterable[Misconfiguration],
    base: Iterable[Misconfiguration],
    codes: dict[str, str],
    ignores: IgnoreRules,
) -> tuple[list[Finding], int]:
    """Findings for the checks dockhand does not cover; and how many were covered (dropped)."""
    head_lines = split_lines(changed.head_text or "")
    base_lines = split_lines(changed.base_text or "")
    head_findings, covered = _findings(changed.path, head, head_lines, codes, ignores)
    base_findings, _ = _findings(changed.old_path or changed.path, base, base_lines, codes, ignores)
    return place(head_findings, base_findings, head_lines, base_lines, changed.changed_lines), covered


def _findings(
    path: str, items: Iterable[Misconfiguration], lines: list[str], codes: dict[str, str], ignores: IgnoreRules
) -> tuple[list[Finding], int]:
    findings = []
    covered = 0
    last_from = max((n for n, line in enumerate(lines, 1) if _FROM.match(line)), default=1 if lines else None)
    for item in items:
        if covering_rule(item.check_id, codes) is not None:
            covered += 1
            continue
        if ignores.misconfiguration(check_id_spellings(item.check_id), path) is not None:
            continue
        line = item.start_line if item.start_line and item.start_line <= len(lines) else last_from
        findings.append(
            Finding(
                rule=f"trivy:{item.check_id}",
                severity=_SEVERITY.get(item.severity, Severity.MEDIUM),
                path=path,
                line=line,
                end_line=line,
                message=f"{item.title}: {item.message}" if item.message else item.title,
                docs=item.url or None,
            )
        )
    return findings, covered
