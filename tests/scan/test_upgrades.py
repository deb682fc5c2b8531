"""The smallest version fixing every known vulnerability, confirmed by a Trivy scan of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scan.cache import ResultCache
from bot.scan.depfiles import SideFiles
from bot.scan.scans import Scanner
from bot.scan.trivy import TrivySettings, open_trivy
from bot.scan.upgrades import PackageKey, Upgrade, candidates, choose, is_newer, package_key, plan_upgrades
from bot.scan.vulnerabilities import Vulnerability
from tests.support.trivydb import Details, LanguageAdvisory, build_buckets, write_trivy_db

pytestmark = pytest.mark.trivy

REQUIREMENTS = "requests==2.19.0\nurllib3==1.26.5\nflask==2.3.0\nPyYAML==5.3\n"
URLLIB3_2 = "urllib3==2.0.0\n"
PACKAGE_LOCK = """{
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "dependencies": {"lodash": "4.17.11", "minimist": "1.2.0"}},
    "node_modules/lodash": {"version": "4.17.11"},
    "node_modules/minimist": {"version": "1.2.0"}
  }
}
"""
CARGO_LOCK = 'version = 3\n\n[[package]]\nname = "smallvec"\nversion = "0.6.10"\n'


def _known(scanner: Scanner, files: dict[str, str]) -> list[Vulnerability]:
    side = SideFiles({k: v.encode() for k, v in files.items()}, {k: k for k in files})
    return list(scanner.dependencies(side).vulnerabilities)


def _plan(scanner: Scanner, files: dict[str, str]) -> dict[str, Upgrade]:
    known = _known(scanner, files)
    keys: list[PackageKey] = [k for v in known if (k := package_key(v)) is not None]
    return {key[1]: upgrade for key, upgrade in plan_upgrades(scanner, known, keys).items()}


def test_pip_upgrades_fix_every_known_vulnerability(scanner: Scanner) -> None:
    plan = _plan(scanner, {"u1/requirements.txt": REQUIREMENTS, "u2/requirements.txt": URLLIB3_2})
    assert plan["requests"] == Upgrade("requests", "2.19.0", "2.32.4", verified=True)
    assert plan["flask"].version == "2.3.2"  # the 2.3 line's fix, not 2.2.5 (lower) nor a jump
    assert plan["PyYAML"].version == "5.4"


def test_several_release_lines_each_get_the_fix_of_their_own_line(scanner: Scanner) -> None:
    known = _known(scanner, {"u1/requirements.txt": "urllib3==1.26.5\n", "u2/requirements.txt": URLLIB3_2})
    keys = {v.installed: package_key(v) for v in known}
    plan = plan_upgrades(scanner, known, [k for k in keys.values() if k])
    assert {installed: plan[key].version for installed, key in keys.items() if key} == {
        "1.26.5": "1.26.18",
        "2.0.0": "2.0.7",
    }


def test_npm_and_cargo_upgrades(scanner: Scanner) -> None:
    plan = _plan(scanner, {"u1/package-lock.json": PACKAGE_LOCK, "u2/Cargo.lock": CARGO_LOCK})
    assert (plan["lodash"].version, plan["lodash"].verified) == ("4.17.21", True)
    assert plan["minimist"].version == "1.2.6"
    assert plan["smallvec"].version == "0.6.14"


def test_every_fixed_version_above_the_installed_one_is_a_candidate() -> None:
    a = Vulnerability("A", "urllib3", "1.26.5", "1.26.17, 2.0.6", "HIGH", "", "", "r.txt", "pip")
    b = Vulnerability("B", "urllib3", "1.26.5", "1.26.18, 2.0.7", "MEDIUM", "", "", "r.txt", "pip")
    assert candidates([a, b]) == ["1.26.17", "1.26.18", "2.0.6", "2.0.7"]


def test_the_largest_of_the_smallest_fixes_is_not_trusted(trivy_binary: Path, tmp_path: Path) -> None:
    """Constructed advisories (no real package has this shape in the test DB): A is fixed in
    1.0.5 and, on the 2.0 line, in 2.0.3; B only in 2.0.0. From 1.0.0, the largest of the
    smallest fixes is 2.0.0 — which still has A. The probe scan finds 2.0.3."""
    advisories = (
        LanguageAdvisory("pip", "shapely-example", "CVE-A", ("< 1.0.5", ">= 2.0.0, < 2.0.3"), ("1.0.5", "2.0.3")),
        LanguageAdvisory("pip", "shapely-example", "CVE-B", ("< 2.0.0",), ("2.0.0",)),
    )
    details = (Details("CVE-A", "HIGH", "a"), Details("CVE-B", "HIGH", "b"))
    write_trivy_db(tmp_path, build_buckets(advisories, (), details))
    trivy = open_trivy(TrivySettings(tmp_path, offline=True), trivy_binary)
    db, _ = trivy.prepare_db()
    scanner = Scanner(trivy, db, ResultCache.in_trivy_cache(tmp_path))
    plan = _plan(scanner, {"u1/requirements.txt": "shapely-example==1.0.0\n"})
    assert plan["shapely-example"] == Upgrade("shapely-example", "1.0.0", "2.0.3", verified=True)


def test_no_fixed_version_means_no_upgrade(scanner: Scanner) -> None:
    unfixed = Vulnerability("CVE-2023-45853", "zlib", "1.2.13", "", "CRITICAL", "", "", "x", "pip")
    key = package_key(unfixed)
    assert key is not None
    assert plan_upgrades(scanner, [unfixed], [key])[key].version is None


def test_ecosystems_without_a_probe_get_an_unverified_minimum(scanner: Scanner) -> None:
    gem = Vulnerability("CVE-1", "rack", "2.0.0", "2.0.8, 2.1.4", "HIGH", "", "", "Gemfile.lock", "bundler")
    assert package_key(gem) is None
    upgrade = choose(("gem", "rack", "2.0.0"), [gem], ["2.0.8"], None)
    assert (upgrade.version, upgrade.verified) == ("2.0.8", False)


@pytest.mark.parametrize(
    ("candidate", "installed", "newer"),
    [("2.32.4", "2.19.0", True), ("1.26.18", "2.0.0", False), ("4.17.21", "4.17.3", True), ("1.0.0", "1.0.0rc1", True)],
)
def test_version_order(candidate: str, installed: str, newer: bool) -> None:
    assert is_newer(candidate, installed) is newer
