"""The smallest version of a package that fixes every known vulnerability it has.

Trivy gives each vulnerability's fixed versions ("2.2.5, 2.3.2" when several release lines got
a fix) but not the ranges, so "the largest of the smallest fixes" can land in another
vulnerability's range. Instead, every fixed version above the installed one is a candidate,
and one `trivy fs` scan of small generated lock files (one per candidate) against the same DB
tells which candidates are clean; the smallest clean one wins. Ecosystems without a generated
lock file fall back to the largest of the smallest fixes, marked as not verified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from bot.scan.depfiles import SideFiles
from bot.scan.scans import Scanner
from bot.scan.trivy import TrivyError
from bot.scan.vulnerabilities import Vulnerability

MAX_CANDIDATES = 25
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9@][A-Za-z0-9@/._+~-]{0,200}$")
ECOSYSTEMS = {
    "pip": "pip",
    "pipenv": "pip",
    "poetry": "pip",
    "uv": "pip",
    "python-pkg": "pip",
    "npm": "npm",
    "yarn": "npm",
    "pnpm": "npm",
    "bun": "npm",
    "node-pkg": "npm",
    "cargo": "cargo",
    "rust-binary": "cargo",
    "gomod": "go",
    "gobinary": "go",
}
"""Trivy's package types -> the advisory ecosystem they are matched against."""

PackageKey = tuple[str, str, str]
"""(advisory ecosystem, package name, installed version)."""


@dataclass(frozen=True)
class Upgrade:
    package: str
    installed: str
    version: str | None
    """The smallest version that fixes every fixable known vulnerability; None when none does."""
    remaining: tuple[str, ...] = ()
    """Known vulnerabilities that `version` still has (those without a fix anywhere)."""
    verified: bool = False
    """True when a Trivy scan of `version` confirmed it."""

    @property
    def fixes_all(self) -> bool:
        return self.version is not None and not self.remaining


def package_key(vulnerability: Vulnerability) -> PackageKey | None:
    ecosystem = ECOSYSTEMS.get(vulnerability.ecosystem)
    if ecosystem is None:
        return None
    return (ecosystem, vulnerability.package, vulnerability.installed)


def version_key(text: str) -> tuple[int, Version | tuple[int, ...]]:
    """Order versions the way their registries do, well enough to pick the smallest fix."""
    try:
        return (1, Version(text))
    except InvalidVersion:
        return (0, tuple(int(part) for part in re.findall(r"\d+", text)))


def is_newer(candidate: str, installed: str) -> bool:
    one, other = version_key(candidate), version_key(installed)
    if one[0] != other[0]:
        return _numbers(candidate) > _numbers(installed)
    return one > other


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def candidates(known: Iterable[Vulnerability]) -> list[str]:
    """Every fixed version above the installed one, smallest first."""
    known = list(known)
    installed = known[0].installed if known else ""
    versions = {v for vulnerability in known for v in vulnerability.fixed_versions if is_newer(v, installed)}
    return sorted(versions, key=version_key)[:MAX_CANDIDATES]


def probe_files(wanted: dict[PackageKey, list[str]]) -> tuple[SideFiles, dict[str, tuple[PackageKey, str]]]:
    """Generated lock files, one per (package, candidate), and what each one probes."""
    side = SideFiles()
    probes: dict[str, tuple[PackageKey, str]] = {}
    for key, versions in wanted.items():
        writer = _WRITERS.get(key[0])
        if writer is None or not _SAFE_TOKEN.match(key[1]):
            continue
        for version in filter(_SAFE_TOKEN.match, versions):
            name, content = writer(key[1], version)
            path = f"c{len(probes) + 1}/{name}"
            side.files[path] = content.encode()
            side.targets[path] = path
            probes[path] = (key, version)
    return side, probes


def plan_upgrades(
    scanner: Scanner, known: Iterable[Vulnerability], wanted: Iterable[PackageKey]
) -> dict[PackageKey, Upgrade]:
    """For each wanted package, the smallest version that fixes all its known vulnerabilities."""
    by_package: dict[PackageKey, list[Vulnerability]] = {}
    for vulnerability in known:
        key = package_key(vulnerability)
        if key is not None:
            by_package.setdefault(key, []).append(vulnerability)
    wanted_versions = {key: candidates(by_package.get(key, [])) for key in dict.fromkeys(wanted)}
    probe_side, probes = probe_files({k: v for k, v in wanted_versions.items() if v})
    outcomes = _probe(scanner, probe_side, probes)
    return {
        key: choose(key, by_package.get(key, []), versions, (outcomes.get(key) or None) if can_probe(key[0]) else None)
        for key, versions in wanted_versions.items()
    }


def _probe(
    scanner: Scanner, side: SideFiles, probes: dict[str, tuple[PackageKey, str]]
) -> dict[PackageKey, dict[str, list[str]]]:
    """package -> candidate version -> ids Trivy still finds in it (candidates Trivy could not read left out)."""
    if not side.files:
        return {}
    try:
        result = scanner.dependencies(side)
    except TrivyError:
        return {}
    found: dict[str, list[str]] = {}
    for vulnerability in result.vulnerabilities:
        found.setdefault(vulnerability.target, []).append(vulnerability.id)
    outcomes: dict[PackageKey, dict[str, list[str]]] = {}
    for path, (key, version) in probes.items():
        versions = outcomes.setdefault(key, {})
        if path in result.targets:
            versions[version] = found.get(path, [])
    return outcomes


def choose(
    key: PackageKey,
    known: list[Vulnerability],
    versions: list[str],
    probe_results: dict[str, list[str]] | None,
) -> Upgrade:
    """The smallest candidate left with only the vulnerabilities nothing fixes.

    `probe_results` maps each probed candidate version to the ids Trivy still found in it; None
    when the ecosystem could not be probed.
    """
    unfixable = tuple(sorted({v.id for v in known if not v.fixed_versions}))
    if probe_results is None:
        return _unverified(key, known, unfixable)
    for version in versions:
        remaining = probe_results.get(version)
        if remaining is not None and set(remaining) <= set(unfixable):
            return Upgrade(key[1], key[2], version, tuple(sorted(remaining)), verified=True)
    return Upgrade(key[1], key[2], None, unfixable, verified=True)


def _unverified(key: PackageKey, known: list[Vulnerability], unfixable: tuple[str, ...]) -> Upgrade:
    smallest = []
    for vulnerability in known:
        newer = sorted((v for v in vulnerability.fixed_versions if is_newer(v, key[2])), key=version_key)
        if newer:
            smallest.append(newer[0])
    if not smallest:
        return Upgrade(key[1], key[2], None, unfixable)
    return Upgrade(key[1], key[2], max(smallest, key=version_key), unfixable)


def _requirements(name: str, version: str) -> tuple[str, str]:
    return "requirements.txt", f"{name}=={version}\n"


def _package_lock(name: str, version: str) -> tuple[str, str]:
    lock = {
        "name": "dockhand-probe",
        "version": "0.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "dockhand-probe", "version": "0.0.0", "dependencies": {name: version}},
            f"node_modules/{name}": {"version": version},
        },
    }
    return "package-lock.json", json.dumps(lock, indent=2) + "\n"


def _cargo_lock(name: str, version: str) -> tuple[str, str]:
    return "Cargo.lock", (
        f'version = 3\n\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
    )


def _go_mod(name: str, version: str) -> tuple[str, str]:
    return "go.mod", f"module dockhand.invalid/probe\n\ngo 1.22\n\nrequire {name} v{version.lstrip('v')}\n"


_WRITERS = {"pip": _requirements, "npm": _package_lock, "cargo": _cargo_lock, "go": _go_mod}


def can_probe(ecosystem: str) -> bool:
    return ecosystem in _WRITERS
