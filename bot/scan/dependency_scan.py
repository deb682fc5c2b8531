"""The changed dependency files, scanned at base and head: the diff, and DH601 on each new pin."""

from __future__ import annotations

from dataclasses import replace

from bot.filekinds import classify
from bot.scan.cache import ScanResult
from bot.scan.depfiles import SideFiles
from bot.scan.diff import diff_vulnerabilities
from bot.scan.pins import requirement_bump, requirement_has_hashes
from bot.scan.rules import VulnerablePin, new_vulnerable_dependency
from bot.scan.run import ScanRun
from bot.scan.scans import Scanner
from bot.scan.trivy import TrivyError
from bot.scan.upgrades import Upgrade, package_key, plan_upgrades
from bot.scan.vulnerabilities import Vulnerability


def scan_dependencies(run: ScanRun, base: SideFiles, head: SideFiles) -> None:
    scanner = run.scanner()
    if scanner is None:
        return
    results: dict[str, ScanResult] = {}
    for side, files in (("base", base), ("head", head)):
        try:
            results[side] = scanner.dependencies(files)
        except TrivyError as error:
            run.could_not_scan(f"{side} dependency files not scanned: {error}", error)
            if side == "head":
                return
            run.notes.append("the base could not be scanned: every vulnerability at the head counts as new")
            results[side] = ScanResult(())
        run.scanned.append(
            {"kind": "dependencies", "side": side, "files": files.scanned_paths(), "cached": results[side].cached}
        )
    for path in head.scanned_paths():
        if path not in results["head"].targets:
            run.notes.append(f"{path}: Trivy found no pinned packages in it (nothing pinned, or it does not parse)")
    diff = diff_vulnerabilities(
        run.kept(results["base"].vulnerabilities, record=False), run.kept(results["head"].vulnerabilities, record=True)
    )
    run.diff = run.diff + diff
    for pin in vulnerable_pins(run, scanner, diff.new, results["head"].vulnerabilities):
        findings = [replace(f, severity=pin.severity) for f in new_vulnerable_dependency.run(pin.path, pin, None)]
        run.findings.extend(run.placed(pin.path, findings))


def vulnerable_pins(
    run: ScanRun, scanner: Scanner, new: tuple[Vulnerability, ...], head_all: tuple[Vulnerability, ...]
) -> list[VulnerablePin]:
    """The new vulnerabilities grouped by the line that pins their package, with its upgrade."""
    groups: dict[tuple[str, int, str, str], list[Vulnerability]] = {}
    for v in new:
        line = run.pinned(v.target).line_of(v.package, v.installed, v.start_line, v.end_line)
        groups.setdefault((v.target, line or 1, v.package, v.installed), []).append(v)
    wanted = [
        key
        for items in groups.values()
        if (key := package_key(items[0])) is not None and any(v.fixed_versions for v in items)
    ]
    upgrades = plan_upgrades(scanner, head_all, wanted) if wanted else {}
    pins = []
    for (path, line, _package, _installed), items in groups.items():
        key = package_key(items[0])
        pins.append(_pin(run, path, line, items, upgrades.get(key) if key else None))
    return pins


def _pin(run: ScanRun, path: str, line: int, items: list[Vulnerability], upgrade: Upgrade | None) -> VulnerablePin:
    first = items[0]
    lines = run.head_lines(path)
    is_requirements = (kind := classify(path)) is not None and kind.format == "requirements"
    suggestion = None
    if is_requirements and upgrade is not None and upgrade.version is not None and upgrade.verified:
        suggestion = requirement_bump(lines, line, first.package, first.installed, upgrade.version)
    return VulnerablePin(
        path=path,
        line=line,
        package=first.package,
        installed=first.installed,
        ecosystem=first.ecosystem,
        new=tuple(items),
        upgrade=upgrade,
        suggestion=suggestion,
        relationship=first.relationship,
        hashed=is_requirements and requirement_has_hashes(lines, line),
        berry=first.ecosystem == "yarn" and "__metadata:" in lines,
    )
